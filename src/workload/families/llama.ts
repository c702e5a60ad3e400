/**
 * The Llama-shaped families: pre-norm RMSNorm, rotary, (gated) SwiGLU MLP, optional MoE.
 * llama, mistral, qwen2, mixtral, bitnet as before; qwen3 (per-head q/k RMSNorm, own head_dim),
 * qwen2_moe (shared expert with a sigmoid gate, decoder_sparse_step), qwen3_moe (q/k norms,
 * mlp_only_layers), olmo2 (post-norms only, q/k RMSNorm over all heads), phi3 (fused qkv and
 * gate_up projections, sliding window on every layer).
 */
import { activationOf, type KeyReader } from './keys.ts';
import { baseSpec, plainMoe, type ModelSpec } from './spec.ts';

export function llamaLike(get: KeyReader, name: string, modelType: string): ModelSpec {
  const hidden = get.int('hidden_size');
  const { heads, kvHeads } = get.heads();
  const headDim = get.headDimOr(hidden, heads);
  const layers = get.layers('num_hidden_layers');
  const intermediate = get.int('intermediate_size');
  const act = activationOf(get.strOr('hidden_act', 'silu'));
  const sliding = get.optionalInt('sliding_window');
  const useSliding =
    modelType === 'mistral' || modelType === 'mixtral' || modelType === 'phi3' ? (sliding ?? 0) : get.boolOr('use_sliding_window', false) ? (sliding ?? 0) : 0;
  const qwen2Bias = modelType === 'qwen2' || modelType === 'qwen2_moe';
  const attnBias = get.boolOr('attention_bias', false);
  const spec = baseSpec({
    name,
    modelType,
    hidden,
    layers,
    heads,
    kvHeads,
    headDim,
    intermediate,
    vocab: get.int('vocab_size'),
    maxPositions: get.intOr('max_position_embeddings', 0),
    act,
    qkvBias: qwen2Bias ? true : attnBias,
    oBias: qwen2Bias ? false : attnBias,
    mlpBias: get.boolOr('mlp_bias', false),
    tieEmbeddings: get.boolOr('tie_word_embeddings', false),
    slidingWindow: useSliding,
  });
  switch (modelType) {
    case 'mixtral': {
      const e = get.int('num_local_experts');
      spec.moe = plainMoe(e, get.topK(e, 'num_local_experts'), intermediate);
      break;
    }
    case 'qwen3':
      spec.qkNorm = 'head';
      break;
    case 'qwen2_moe':
    case 'qwen3_moe': {
      const experts = get.int('num_experts');
      const step = get.intOr('decoder_sparse_step', 1);
      const only = get.intArray('mlp_only_layers') ?? [];
      const dense: number[] = [];
      for (let l = 0; l < layers; l++) if (only.includes(l) || (l + 1) % step !== 0) dense.push(l);
      const shared = modelType === 'qwen2_moe' ? get.countOr('shared_expert_intermediate_size', 0) : 0;
      spec.moe = plainMoe(experts, get.topK(experts, 'num_experts'), get.int('moe_intermediate_size'), {
        sharedIntermediate: shared,
        sharedGate: shared > 0,
        denseLayers: dense,
        denseIntermediate: intermediate,
      });
      if (modelType === 'qwen3_moe') spec.qkNorm = 'head';
      break;
    }
    case 'olmo2':
      spec.norms = { preAttn: false, postAttn: true, preMlp: false, postMlp: true };
      spec.qkNorm = 'full';
      break;
    case 'phi3':
      spec.fusedQkv = true;
      spec.fusedGateUp = true;
      break;
  }
  return spec;
}
