import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { normalizeModelConfig, SUPPORTED_MODEL_TYPES } from '../../src/workload/model-config.ts';
import { modelPath, userError } from '../helpers.ts';

const published = (name: string): Record<string, unknown> => JSON.parse(readFileSync(modelPath(name), 'utf8'));
const without = (name: string, key: string) => {
  const c = published(name);
  delete c[key];
  return c;
};

describe('model config errors', () => {
  it('an unsupported model_type is one line listing every supported one', () => {
    const e = userError(() => normalizeModelConfig({ model_type: 'phi4mm' }, 'm.json'));
    expect(e.code).toBe('unknown-model-type');
    expect(e.pointer).toBe('/model_type');
    expect(e.message).not.toContain('\n');
    for (const t of SUPPORTED_MODEL_TYPES) expect(e.message).toContain(t);
    expect(SUPPORTED_MODEL_TYPES).toEqual(
      expect.arrayContaining([
        'phi3',
        'gemma2',
        'gemma3_text',
        'gemma3',
        'qwen3',
        'qwen2_moe',
        'qwen3_moe',
        'deepseek_v2',
        'deepseek_v3',
        'gpt_oss',
        'olmo2',
        'llama4_text',
        'falcon',
      ]),
    );
  });

  const cases: [string, string][] = [
    ['deepseek-v3', 'kv_lora_rank'],
    ['deepseek-v3', 'moe_intermediate_size'],
    ['deepseek-v2-lite', 'qk_rope_head_dim'],
    ['gemma-2-9b', 'head_dim'],
    ['gemma-2-9b', 'sliding_window'],
    ['gpt-oss-20b', 'num_local_experts'],
    ['qwen3-30b-a3b', 'num_experts'],
    ['qwen1.5-moe-a2.7b', 'moe_intermediate_size'],
    ['llama-4-scout-text', 'intermediate_size'],
    ['falcon-7b', 'vocab_size'],
    ['phi-3-mini-4k-instruct', 'intermediate_size'],
    ['olmo-2-7b', 'hidden_size'],
  ];
  for (const [model, key] of cases) {
    it(`${model} without '${key}' names that field`, () => {
      const e = userError(() => normalizeModelConfig(without(model, key), 'm.json'));
      expect(e.message).toBe(`must have required property '${key}'`);
      expect(e.file).toBe('m.json');
    });
  }

  it('gemma3 without text_config, and a bad key inside it, point into the file', () => {
    expect(userError(() => normalizeModelConfig(without('gemma-3-4b', 'text_config'), 'g.json')).pointer).toBe('/text_config');
    const c = published('gemma-3-4b');
    (c['text_config'] as Record<string, unknown>)['num_hidden_layers'] = 'many';
    const e = userError(() => normalizeModelConfig(c, 'g.json'));
    expect([e.pointer, e.message]).toEqual(['/text_config/num_hidden_layers', 'must be integer']);
  });

  it('layer_types must list one entry per layer', () => {
    const c = published('gpt-oss-20b');
    c['layer_types'] = ['sliding_attention'];
    const e = userError(() => normalizeModelConfig(c, 'o.json'));
    expect(e.pointer).toBe('/layer_types');
    expect(e.message).toContain('num_hidden_layers (24)');
  });

  it('a bad expert capacity factor is a flag error', async () => {
    const { buildFor } = await import('../helpers.ts');
    expect(userError(() => buildFor('qwen3-30b-a3b', { phase: 'decode', batch: 1, context: 0, expertCapacityFactor: -1 })).code).toBe('bad-flag');
  });
});
