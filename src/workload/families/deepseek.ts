/**
 * DeepSeek-V2 / V3: multi-head latent attention (MLA) and DeepSeekMoE.
 *
 * MLA (DeepSeek-V2 paper, §2.1): keys and values are rebuilt from one latent c_kv of
 * `kv_lora_rank` per token plus a shared rotary key of `qk_rope_head_dim`; the cache holds just
 * those (kv_lora_rank + qk_rope_head_dim per token per layer). Queries go through a
 * `q_lora_rank` bottleneck when it is set (V3), or a plain q_proj (V2-Lite: q_lora_rank null).
 * Per-head q/k width is qk_nope_head_dim + qk_rope_head_dim, value width v_head_dim.
 *
 * DeepSeekMoE: `n_routed_experts` fine-grained experts of `moe_intermediate_size`, top
 * `num_experts_per_tok`, plus `n_shared_experts` always-on experts; the first
 * `first_k_dense_replace` layers (and layers off `moe_layer_freq`) keep a dense MLP of
 * `intermediate_size`. V3's `noaux_tc` router adds a per-expert score-correction bias.
 * V3's `num_nextn_predict_layers` MTP modules are counted apart from the main model.
 */
import type { KeyReader } from './keys.ts';
import { baseSpec, plainMoe, type ModelSpec } from './spec.ts';

export function deepseek(get: KeyReader, name: string, modelType: 'deepseek_v2' | 'deepseek_v3'): ModelSpec {
  const hidden = get.int('hidden_size');
  const heads = get.int('num_attention_heads');
  const layers = get.layers('num_hidden_layers');
  const nope = get.int('qk_nope_head_dim');
  const rope = get.int('qk_rope_head_dim');
  const mla = {
    qLoraRank: get.intOr('q_lora_rank', 0),
    kvLoraRank: get.int('kv_lora_rank'),
    qkNopeHeadDim: nope,
    qkRopeHeadDim: rope,
    vHeadDim: get.int('v_head_dim'),
  };
  const intermediate = get.int('intermediate_size');
  const routed = get.countOr('n_routed_experts', 0);
  const spec = baseSpec({
    name,
    modelType,
    hidden,
    layers,
    heads,
    kvHeads: heads,
    headDim: nope + rope,
    intermediate,
    vocab: get.int('vocab_size'),
    maxPositions: get.intOr('max_position_embeddings', 0),
    qkvBias: get.boolOr('attention_bias', false),
    oBias: get.boolOr('attention_bias', false),
    tieEmbeddings: get.boolOr('tie_word_embeddings', false),
    mla,
    mtpLayers: get.countOr('num_nextn_predict_layers', 0),
  });
  if (routed > 0) {
    const firstDense = get.countOr('first_k_dense_replace', 0);
    const freq = get.intOr('moe_layer_freq', 1);
    const dense: number[] = [];
    for (let l = 0; l < layers; l++) if (l < firstDense || l % freq !== 0) dense.push(l);
    const moeInter = get.int('moe_intermediate_size');
    spec.moe = plainMoe(routed, get.topK(routed, 'n_routed_experts'), moeInter, {
      sharedIntermediate: get.countOr('n_shared_experts', 0) * moeInter,
      scoreCorrectionBias: get.strOr('topk_method', 'greedy') === 'noaux_tc',
      denseLayers: dense,
      denseIntermediate: intermediate,
    });
  }
  return spec;
}
