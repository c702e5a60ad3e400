/**
 * Falcon (`falcon`): one fused query_key_value GEMM, multi-query attention (one shared K/V head)
 * or, in the new decoder architecture (40B/180B), `num_kv_heads` groups; parallel attention and
 * MLP from the same LayerNorm'd input (two LayerNorms, ln_attn and ln_mlp, in the new
 * architecture), a plain GELU MLP of 4·hidden, no linear biases, tied lm_head by default.
 */
import { activationOf, type KeyReader } from './keys.ts';
import { baseSpec, type ModelSpec } from './spec.ts';

export function falcon(get: KeyReader, name: string): ModelSpec {
  const hidden = get.int('hidden_size');
  const layers = get.layers('num_hidden_layers');
  const newArch = get.boolOr('new_decoder_architecture', false);
  // FalconConfig: the new architecture reads num_kv_heads (default: all heads); otherwise
  // multi_query means one shared K/V head.
  const multiQuery = !newArch && get.boolOr('multi_query', true);
  const { heads, kvHeads } = get.heads('num_kv_heads', multiQuery ? 1 : newArch ? undefined : get.int('num_attention_heads'));
  const parallel = newArch || get.boolOr('parallel_attn', true);
  const bias = get.boolOr('bias', false);
  const spec = baseSpec({
    name,
    modelType: 'falcon',
    hidden,
    layers,
    heads,
    kvHeads,
    headDim: get.headDim(hidden, heads, '/num_attention_heads'),
    intermediate: get.intOr('ffn_hidden_size', 4 * hidden),
    vocab: get.int('vocab_size'),
    maxPositions: get.intOr('max_position_embeddings', 0),
    norm: 'layer',
    act: activationOf(get.strOr('activation', 'gelu')),
    gatedMlp: false,
    qkvBias: bias,
    oBias: bias,
    mlpBias: bias,
    rotary: !get.boolOr('alibi', false),
    tieEmbeddings: get.boolOr('tie_word_embeddings', true),
    fusedQkv: true,
    parallelBlock: parallel,
  });
  if (parallel) spec.parallelNorms = newArch ? (get.intOr('num_ln_in_parallel_attn', 2) === 1 ? 1 : 2) : 1;
  return spec;
}
