/**
 * gpt-oss (OpenAI, 2025): alternating sliding-window (128 keys) and full attention layers
 * (`layer_types`), a learned attention-sink logit per head, biases on q/k/v/o, and a MoE MLP
 * whose router and experts carry biases (SwiGLU with a clamp, counted as silu·mul).
 */
import { type KeyReader } from './keys.ts';
import { baseSpec, plainMoe, type LayerAttention, type ModelSpec } from './spec.ts';

export function gptOss(get: KeyReader, name: string): ModelSpec {
  const hidden = get.int('hidden_size');
  const { heads, kvHeads } = get.heads();
  const layers = get.layers('num_hidden_layers');
  const window = get.int('sliding_window');
  const types = get.layerList('layer_types', get.strArray('layer_types'), layers);
  const layerAttention: LayerAttention[] = [];
  for (let l = 0; l < layers; l++) {
    const sliding = types ? types[l] === 'sliding_attention' : l % 2 === 0;
    layerAttention.push({ window: sliding ? window : 0, chunk: 0 });
  }
  const intermediate = get.int('intermediate_size');
  const bias = get.boolOr('attention_bias', true);
  const experts = get.int('num_local_experts');
  return baseSpec({
    name,
    modelType: 'gpt_oss',
    hidden,
    layers,
    heads,
    kvHeads,
    headDim: get.int('head_dim'),
    intermediate,
    vocab: get.int('vocab_size'),
    maxPositions: get.intOr('max_position_embeddings', 0),
    qkvBias: bias,
    oBias: bias,
    tieEmbeddings: get.boolOr('tie_word_embeddings', false),
    layerAttention,
    attnSinks: true,
    fusedGateUp: true,
    moe: plainMoe(experts, get.topK(experts, 'num_local_experts'), intermediate, { routerBias: true, expertBias: true }),
  });
}
