/** GPT-2 and OPT: LayerNorm, learned positions, biases, plain (ungated) MLP. */
import type { KeyReader } from './keys.ts';
import { baseSpec, type ModelSpec } from './spec.ts';

export function gpt2(get: KeyReader, name: string): ModelSpec {
  const hidden = get.int('n_embd');
  const heads = get.int('n_head');
  const actName = get.strOr('activation_function', 'gelu_new');
  return baseSpec({
    name,
    modelType: 'gpt2',
    hidden,
    layers: get.layers('n_layer'),
    heads,
    kvHeads: heads,
    headDim: get.headDim(hidden, heads, '/n_head'),
    intermediate: get.optionalInt('n_inner') ?? 4 * hidden,
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
  });
}

export function opt(get: KeyReader, name: string): ModelSpec {
  const hidden = get.int('hidden_size');
  const heads = get.int('num_attention_heads');
  const maxPositions = get.int('max_position_embeddings');
  const bias = get.boolOr('enable_bias', true);
  const actName = get.strOr('activation_function', 'relu');
  return baseSpec({
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
  });
}
