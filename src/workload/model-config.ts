/**
 * Normalizes a Hugging Face `config.json`, as published, into a ModelSpec the builders use.
 * Each model_type maps its own keys (GPT-2's n_embd, OPT's ffn_dim, Mixtral's num_local_experts).
 * Missing or ill-typed keys are user errors naming the file and JSON pointer.
 */
import { AccelscopeError } from '../util/errors.ts';

export interface ModelSpec {
  name: string;
  modelType: string;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  maxPositions: number;
  norm: 'rms' | 'layer';
  /** MLP activation; gated MLPs (SwiGLU) multiply act(gate) by up. */
  act: 'silu' | 'gelu' | 'relu';
  gatedMlp: boolean;
  qkvBias: boolean;
  oBias: boolean;
  mlpBias: boolean;
  /** Rows of a learned position table (GPT-2, OPT); 0 for rotary models. */
  learnedPositions: number;
  rotary: boolean;
  tieEmbeddings: boolean;
  /** OPT's word_embed_proj_dim when it differs from hidden (project_in / project_out). */
  embedDim: number;
  experts: { num: number; topK: number } | null;
  slidingWindow: number;
}

type Json = Record<string, unknown>;

/**
 * Bounds checked at load, before a graph is built (docs/workload.md): layers become ops one by
 * one, so their count is what a config could blow up; every other integer is bounded so that
 * products of sizes stay exact in float64. The largest published models are far inside them
 * (Llama 3.1 405B: 126 layers, hidden 16384, vocab 128256).
 */
export const MAX_MODEL_LAYERS = 4096;
export const MAX_MODEL_INT = 2 ** 31;
export const MAX_MODEL_EXPERTS = 4096;

export const SUPPORTED_MODEL_TYPES = ['llama', 'mistral', 'qwen2', 'mixtral', 'gpt2', 'opt', 'bitnet'] as const;

export function normalizeModelConfig(raw: unknown, file?: string): ModelSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AccelscopeError('schema', 'a model config must be a JSON object', { file, pointer: '' });
  }
  const c = raw as Json;
  const get = new KeyReader(c, file);
  const modelType = get.str('model_type');
  const name = typeof c['_name_or_path'] === 'string' && c['_name_or_path'] !== '' ? (c['_name_or_path'] as string)
    : typeof c['name'] === 'string' ? (c['name'] as string) : modelType;
  switch (modelType) {
    case 'llama':
    case 'mistral':
    case 'qwen2':
    case 'mixtral':
    case 'bitnet':
      return llamaLike(get, name, modelType);
    case 'gpt2':
      return gpt2(get, name);
    case 'opt':
      return opt(get, name);
    default:
      throw new AccelscopeError(
        'unknown-model-type',
        `unknown model_type '${modelType}' (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`,
        { file, pointer: '/model_type' },
      );
  }
}

function llamaLike(get: KeyReader, name: string, modelType: string): ModelSpec {
  const hidden = get.int('hidden_size');
  const heads = get.int('num_attention_heads');
  const kvHeads = get.intOr('num_key_value_heads', heads);
  if (heads % kvHeads !== 0) get.fail('/num_key_value_heads', `must divide num_attention_heads (${heads})`);
  const headDim = get.has('head_dim') ? get.int('head_dim') : get.headDim(hidden, heads, '/num_attention_heads');
  const numExperts = get.intOr('num_local_experts', 0);
  if (numExperts > MAX_MODEL_EXPERTS) get.fail('/num_local_experts', `must be ≤ ${MAX_MODEL_EXPERTS} (the bound accelscope checks at load)`);
  const topK = numExperts > 0 ? get.int('num_experts_per_tok') : 0;
  if (topK > numExperts) get.fail('/num_experts_per_tok', `must be ≤ num_local_experts (${numExperts}): a token cannot pick more experts than there are`);
  const hiddenAct = get.strOr('hidden_act', 'silu');
  const act = hiddenAct === 'relu2' || hiddenAct === 'relu' ? 'relu' : hiddenAct.startsWith('gelu') ? 'gelu' : 'silu';
  const sliding = get.optionalInt('sliding_window');
  const useSliding = modelType === 'mistral' || modelType === 'mixtral'
    ? sliding ?? 0
    : get.boolOr('use_sliding_window', false) ? sliding ?? 0 : 0;
  return {
    name,
    modelType,
    hidden,
    layers: get.layers('num_hidden_layers'),
    heads,
    kvHeads,
    headDim,
    intermediate: get.int('intermediate_size'),
    vocab: get.int('vocab_size'),
    maxPositions: get.intOr('max_position_embeddings', 0),
    norm: 'rms',
    act,
    gatedMlp: true,
    qkvBias: modelType === 'qwen2' ? true : get.boolOr('attention_bias', false),
    oBias: modelType === 'qwen2' ? false : get.boolOr('attention_bias', false),
    mlpBias: get.boolOr('mlp_bias', false),
    learnedPositions: 0,
    rotary: true,
    tieEmbeddings: get.boolOr('tie_word_embeddings', false),
    embedDim: hidden,
    experts: numExperts > 0 ? { num: numExperts, topK } : null,
    slidingWindow: useSliding,
  };
}

function gpt2(get: KeyReader, name: string): ModelSpec {
  const hidden = get.int('n_embd');
  const heads = get.int('n_head');
  const inner = get.optionalInt('n_inner') ?? 4 * hidden;
  const actName = get.strOr('activation_function', 'gelu_new');
  return {
    name,
    modelType: 'gpt2',
    hidden,
    layers: get.layers('n_layer'),
    heads,
    kvHeads: heads,
    headDim: get.headDim(hidden, heads, '/n_head'),
    intermediate: inner,
    vocab: get.int('vocab_size'),
    maxPositions: get.int('n_positions'),
    norm: 'layer',
    act: actName === 'relu' ? 'relu' : 'gelu',
    gatedMlp: false,
    qkvBias: true,
    oBias: true,
    mlpBias: true,
    learnedPositions: get.int('n_positions'),
    rotary: false,
    tieEmbeddings: get.boolOr('tie_word_embeddings', true),
    embedDim: hidden,
    experts: null,
    slidingWindow: 0,
  };
}

function opt(get: KeyReader, name: string): ModelSpec {
  const hidden = get.int('hidden_size');
  const heads = get.int('num_attention_heads');
  const maxPositions = get.int('max_position_embeddings');
  const bias = get.boolOr('enable_bias', true);
  const actName = get.strOr('activation_function', 'relu');
  return {
    name,
    modelType: 'opt',
    hidden,
    layers: get.layers('num_hidden_layers'),
    heads,
    kvHeads: heads,
    headDim: get.headDim(hidden, heads, '/num_attention_heads'),
    intermediate: get.int('ffn_dim'),
    vocab: get.int('vocab_size'),
    maxPositions,
    norm: 'layer',
    act: actName === 'relu' ? 'relu' : actName.startsWith('gelu') ? 'gelu' : 'silu',
    gatedMlp: false,
    qkvBias: bias,
    oBias: bias,
    mlpBias: bias,
    // OPT's learned positions are offset by 2 rows (OPTLearnedPositionalEmbedding).
    learnedPositions: maxPositions + 2,
    rotary: false,
    tieEmbeddings: get.boolOr('tie_word_embeddings', true),
    embedDim: get.intOr('word_embed_proj_dim', hidden),
    experts: null,
    slidingWindow: 0,
  };
}

class KeyReader {
  constructor(private readonly c: Json, private readonly file?: string) {}
  fail(pointer: string, message: string): never {
    throw new AccelscopeError('schema', message, { file: this.file, pointer });
  }
  has(key: string): boolean {
    return Object.hasOwn(this.c, key) && this.c[key] !== undefined && this.c[key] !== null;
  }
  layers(key: string): number {
    const n = this.int(key);
    if (n > MAX_MODEL_LAYERS) this.fail(`/${key}`, `must be ≤ ${MAX_MODEL_LAYERS} (the bound accelscope checks at load, before building one op per layer)`);
    return n;
  }
  /** hidden / heads, which must be a whole number when the config gives no head_dim. */
  headDim(hidden: number, heads: number, pointer: string): number {
    if (hidden % heads !== 0) this.fail(pointer, `must divide the hidden size (${hidden}) when the config gives no head_dim (${hidden}/${heads} is not a whole head)`);
    return hidden / heads;
  }
  str(key: string): string {
    if (!this.has(key)) this.fail('', `must have required property '${key}'`);
    const v = this.c[key];
    if (typeof v !== 'string') this.fail(`/${key}`, 'must be string');
    return v;
  }
  strOr(key: string, dflt: string): string {
    return this.has(key) ? this.str(key) : dflt;
  }
  int(key: string): number {
    if (!this.has(key)) this.fail('', `must have required property '${key}'`);
    const v = this.c[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`/${key}`, 'must be integer');
    if (v <= 0) this.fail(`/${key}`, 'must be > 0');
    if (v > MAX_MODEL_INT) this.fail(`/${key}`, `must be ≤ 2^31 (the bound accelscope checks at load)`);
    return v;
  }
  intOr(key: string, dflt: number): number {
    return this.has(key) ? this.int(key) : dflt;
  }
  optionalInt(key: string): number | undefined {
    return this.has(key) ? this.int(key) : undefined;
  }
  boolOr(key: string, dflt: boolean): boolean {
    if (!this.has(key)) return dflt;
    const v = this.c[key];
    if (typeof v !== 'boolean') this.fail(`/${key}`, 'must be boolean');
    return v;
  }
}
