/**
 * Llama 4 text model (`llama4_text`, e.g. Llama-4-Scout's text_config): MoE layers every
 * `interleave_moe_layer_step` layers (or the listed `moe_layers`) with top-k routed experts of
 * `intermediate_size` plus one shared expert of the same size; dense layers use
 * `intermediate_size_mlp`. Three of four layers use RoPE with chunked attention over
 * `attention_chunk_size` keys and a weightless L2 q/k norm; every fourth is a global NoPE layer
 * (`no_rope_layers`: 1 = RoPE layer).
 */
import { activationOf, type KeyReader } from './keys.ts';
import { baseSpec, plainMoe, type LayerAttention, type ModelSpec } from './spec.ts';

export function llama4Text(get: KeyReader, name: string): ModelSpec {
  const hidden = get.int('hidden_size');
  const { heads, kvHeads } = get.heads();
  const layers = get.layers('num_hidden_layers');
  const noRope = get.layerList('no_rope_layers', get.intArray('no_rope_layers'), layers);
  const ropeLayers = Array.from({ length: layers }, (_, l) => (noRope ? noRope[l] !== 0 : (l + 1) % 4 !== 0));
  const chunk = get.intOr('attention_chunk_size', 0);
  const layerAttention: LayerAttention[] = ropeLayers.map((r) => ({ window: 0, chunk: r ? chunk : 0 }));
  const step = get.intOr('interleave_moe_layer_step', 1);
  const listed = get.intArray('moe_layers');
  const moeLayers = listed ?? Array.from({ length: layers }, (_, l) => l).filter((l) => (l + 1) % step === 0);
  const dense = Array.from({ length: layers }, (_, l) => l).filter((l) => !moeLayers.includes(l));
  const expertInter = get.int('intermediate_size');
  const experts = get.int('num_local_experts');
  const spec = baseSpec({
    name,
    modelType: 'llama4_text',
    hidden,
    layers,
    heads,
    kvHeads,
    headDim: get.headDimOr(hidden, heads),
    intermediate: expertInter,
    vocab: get.int('vocab_size'),
    maxPositions: get.intOr('max_position_embeddings', 0),
    act: activationOf(get.strOr('hidden_act', 'silu')),
    qkvBias: get.boolOr('attention_bias', false),
    oBias: get.boolOr('attention_bias', false),
    tieEmbeddings: get.boolOr('tie_word_embeddings', false),
    layerAttention,
    ropeLayers,
    moe: plainMoe(experts, get.topK(experts, 'num_local_experts'), expertInter, {
      sharedIntermediate: expertInter,
      denseLayers: dense,
      denseIntermediate: dense.length > 0 ? get.int('intermediate_size_mlp') : 0,
    }),
  });
  if (get.boolOr('use_qk_norm', false)) spec.qkNorm = 'l2';
  return spec;
}
