import { describe, expect, it } from 'vitest';
import { archPath, cli, modelPath } from '../helpers.ts';
import { validateOrThrow } from '../../src/config/ajv.ts';
import { runResultSchema } from '../../src/config/schemas/run-result.ts';

const arch = archPath('gpu/h200');

describe('simulate --model with the zoo configs', () => {
  it("runs Phi-3-mini from its published config.json (was: unknown model_type 'phi3')", async () => {
    const r = await cli('simulate', '--arch', arch, '--model', modelPath('phi-3-mini-4k-instruct'), '--phase', 'decode', '--context', '100', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.memory.kvCacheBytes).toBe(32 * 2 * 3072 * 101 * 2);
  });

  it('--mla-form names the DeepSeek attention form; naive decode re-expands the cache and costs more', async () => {
    const run = async (form: string) => {
      const r = await cli(
        'simulate',
        '--arch',
        arch,
        '--model',
        modelPath('deepseek-v2-lite'),
        '--phase',
        'decode',
        '--batch',
        '8',
        '--context',
        '8191',
        '--mla-form',
        form,
        '--json',
      );
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout);
    };
    const naive = await run('naive');
    const absorbed = await run('absorbed');
    expect(naive.memory.kvCacheBytes).toBe(absorbed.memory.kvCacheBytes);
    expect(naive.totals.flops).toBeGreaterThan(absorbed.totals.flops);
  });

  it('bad MoE / MLA flags are one-line flag errors', async () => {
    const a = await cli('simulate', '--arch', arch, '--model', modelPath('llama-3-8b'), '--context', '1', '--mla-form', 'naive');
    expect(a.code).not.toBe(0);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    expect(a.stderr).toContain('--mla-form applies to MLA models');
    const b = await cli('simulate', '--arch', arch, '--model', modelPath('qwen3-30b-a3b'), '--context', '1', '--expert-capacity', '-2');
    expect(b.code).not.toBe(0);
    expect(b.stderr).toContain('expert capacity factor must be a non-negative number');
  });

  it('DeepSeek-V3: the MTP module is reported apart from the 671B, in the header and in --json', async () => {
    const r = await cli('simulate', '--arch', arch, '--model', modelPath('deepseek-v3'), '--context', '10', '--ignore-capacity', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    validateOrThrow(runResultSchema, j, 'stdout');
    expect(j.workload.params).toBe(671_026_419_200);
    expect(j.workload.mtpParams).toBeGreaterThan(11.5e9);
    const t = await cli('simulate', '--arch', arch, '--model', modelPath('deepseek-v3'), '--context', '10', '--ignore-capacity');
    expect(t.stdout.split('\n')[0]).toContain('671 G params + 11.6 G MTP, not simulated');
  });
});
