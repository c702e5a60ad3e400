/**
 * Normalizes a Hugging Face `config.json`, as published, into a ModelSpec the builders use.
 * Each model_type maps its own keys (families/*.ts: GPT-2's n_embd, OPT's ffn_dim, Mixtral's
 * num_local_experts, DeepSeek's kv_lora_rank…). Missing or ill-typed keys are user errors naming
 * the file and JSON pointer; an unknown model_type lists the supported ones.
 */
import { AccelscopeError } from '../util/errors.ts';
import { deepseek } from './families/deepseek.ts';
import { falcon } from './families/falcon.ts';
import { gemma, gemma3 } from './families/gemma.ts';
import { gpt2, opt } from './families/gpt2-opt.ts';
import { gptOss } from './families/gpt-oss.ts';
import { KeyReader, type Json } from './families/keys.ts';
import { llama4Text } from './families/llama4.ts';
import { llamaLike } from './families/llama.ts';
import type { ModelSpec } from './families/spec.ts';

export type { LayerAttention, MlaSpec, ModelSpec, MoeSpec } from './families/spec.ts';
export { MAX_MODEL_EXPERTS, MAX_MODEL_INT, MAX_MODEL_LAYERS } from './families/keys.ts';

export const SUPPORTED_MODEL_TYPES = [
  'llama',
  'mistral',
  'qwen2',
  'mixtral',
  'gpt2',
  'opt',
  'bitnet',
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
] as const;

export function normalizeModelConfig(raw: unknown, file?: string): ModelSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AccelscopeError('schema', 'a model config must be a JSON object', { file, pointer: '' });
  }
  const c = raw as Json;
  const get = new KeyReader(c, file);
  const modelType = get.str('model_type');
  const name = typeof c['_name_or_path'] === 'string' && c['_name_or_path'] !== '' ? c['_name_or_path'] : typeof c['name'] === 'string' ? c['name'] : modelType;
  switch (modelType) {
    case 'llama':
    case 'mistral':
    case 'qwen2':
    case 'mixtral':
    case 'bitnet':
    case 'qwen3':
    case 'qwen2_moe':
    case 'qwen3_moe':
    case 'olmo2':
    case 'phi3':
      return llamaLike(get, name, modelType);
    case 'gpt2':
      return gpt2(get, name);
    case 'opt':
      return opt(get, name);
    case 'gemma2':
    case 'gemma3_text':
      return gemma(get, name, modelType);
    case 'gemma3':
      return gemma3(get, name);
    case 'deepseek_v2':
    case 'deepseek_v3':
      return deepseek(get, name, modelType);
    case 'gpt_oss':
      return gptOss(get, name);
    case 'llama4_text':
      return llama4Text(get, name);
    case 'falcon':
      return falcon(get, name);
    default:
      throw new AccelscopeError('unknown-model-type', `unknown model_type '${modelType}' (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`, {
        file,
        pointer: '/model_type',
      });
  }
}
