/**
 * Gemma 2 and Gemma 3 (text): GeGLU MLP, RMSNorm before and after both blocks, embeddings scaled
 * by sqrt(hidden), tied lm_head, head_dim independent of hidden/heads, and local (sliding
 * window) layers alternating with global ones. Gemma 2 soft-caps attention scores and final
 * logits; Gemma 3 drops the caps and normalizes q and k per head.
 *
 * Layer pattern: `layer_types` when the config lists it; otherwise Gemma 2 slides on even
 * layers (Gemma2DecoderLayer: `not layer_idx % 2`), Gemma 3 makes every
 * `sliding_window_pattern`-th layer global ((l + 1) % pattern == 0).
 *
 * A `gemma3` config (Gemma3ForConditionalGeneration) holds the language model in `text_config`;
 * keys absent there take the Gemma3TextConfig defaults of transformers (listed below), as
 * transformers itself does. The vision tower is not modelled.
 */
import { activationOf, KeyReader } from './keys.ts';
import { baseSpec, type LayerAttention, type ModelSpec } from './spec.ts';

/** transformers' Gemma3TextConfig defaults (configuration_gemma3.py), used inside `text_config`. */
export const GEMMA3_TEXT_DEFAULTS: Record<string, unknown> = {
  vocab_size: 262_208,
  hidden_size: 2304,
  intermediate_size: 9216,
  num_hidden_layers: 26,
  num_attention_heads: 8,
  num_key_value_heads: 4,
  head_dim: 256,
  max_position_embeddings: 131_072,
  sliding_window: 4096,
  sliding_window_pattern: 6,
  hidden_activation: 'gelu_pytorch_tanh',
  tie_word_embeddings: true,
};

export function gemma(get: KeyReader, name: string, modelType: 'gemma2' | 'gemma3_text'): ModelSpec {
  const hidden = get.int('hidden_size');
  const { heads, kvHeads } = get.heads();
  const layers = get.layers('num_hidden_layers');
  const window = get.int('sliding_window');
  const types = get.layerList('layer_types', get.strArray('layer_types'), layers);
  const pattern = modelType === 'gemma3_text' ? get.intOr('sliding_window_pattern', 6) : 2;
  const layerAttention: LayerAttention[] = [];
  for (let l = 0; l < layers; l++) {
    const sliding = types ? types[l] === 'sliding_attention' : modelType === 'gemma2' ? l % 2 === 0 : (l + 1) % pattern !== 0;
    layerAttention.push({ window: sliding ? window : 0, chunk: 0 });
  }
  const spec = baseSpec({
    name,
    modelType,
    hidden,
    layers,
    heads,
    kvHeads,
    headDim: get.int('head_dim'),
    intermediate: get.int('intermediate_size'),
    vocab: get.int('vocab_size'),
    maxPositions: get.intOr('max_position_embeddings', 0),
    act: activationOf(get.strOr('hidden_activation', get.strOr('hidden_act', 'gelu_pytorch_tanh'))),
    qkvBias: get.boolOr('attention_bias', false),
    oBias: get.boolOr('attention_bias', false),
    tieEmbeddings: get.boolOr('tie_word_embeddings', true),
    layerAttention,
    norms: { preAttn: true, postAttn: true, preMlp: true, postMlp: true },
    embedScale: true,
  });
  spec.slidingWindow = 0; // per-layer windows live in layerAttention
  if (modelType === 'gemma2') {
    spec.attnLogitSoftcap = get.numOr('attn_logit_softcapping', 0);
    spec.finalLogitSoftcap = get.numOr('final_logit_softcapping', 0);
  } else {
    spec.qkNorm = 'head';
    spec.attnLogitSoftcap = get.numOr('attn_logit_softcapping', 0);
    spec.finalLogitSoftcap = get.numOr('final_logit_softcapping', 0);
  }
  return spec;
}

/** `gemma3`: the language model of Gemma3ForConditionalGeneration, from its text_config. */
export function gemma3(get: KeyReader, name: string): ModelSpec {
  const text = get.sub('text_config');
  const filled = new KeyReader({ ...GEMMA3_TEXT_DEFAULTS, ...textObject(text) }, get.file, '/text_config');
  const spec = gemma(filled, name, 'gemma3_text');
  spec.modelType = 'gemma3';
  return spec;
}

function textObject(r: KeyReader): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(GEMMA3_TEXT_DEFAULTS).concat([
    'layer_types',
    'attn_logit_softcapping',
    'final_logit_softcapping',
    'attention_bias',
    'hidden_act',
  ])) {
    if (r.has(k)) out[k] = r.raw(k);
  }
  return out;
}
