/**
 * Parameter counts derived from a ModelSpec; equal to the published counts (tests pin them).
 * Tied embeddings count once. DeepSeek-V3's multi-token-prediction modules are reported apart
 * (`mtp`), not in `total`, as DeepSeek counts its 671B main model.
 */
import type { ModelSpec } from './model-config.ts';
import { isMoeLayer } from './families/spec.ts';

export interface ParamCounts {
  total: number;
  /** GEMM weights of the decoder layers (what a weight QuantScheme quantizes). */
  layer: number;
  /** Token embedding, untied lm_head, learned positions, OPT's projections. */
  embedding: number;
  /** Norm gains and biases, MoE routers, attention sinks. */
  other: number;
  /** Multi-token-prediction modules (DeepSeek-V3), not part of `total`; absent when none. */
  mtp?: number;
}

export function qDim(s: ModelSpec): number {
  return s.heads * s.headDim;
}
export function kvDim(s: ModelSpec): number {
  return s.kvHeads * s.headDim;
}

/** Parameters of one decoder layer: GEMM weights (`layer`) and 16-bit extras (`other`). */
export function layerParams(s: ModelSpec, l: number): { layer: number; other: number } {
  const h = s.hidden;
  let layer = 0;
  let other = 0;
  // Attention.
  if (s.mla) {
    const m = s.mla;
    const qk = m.qkNopeHeadDim + m.qkRopeHeadDim;
    if (m.qLoraRank > 0) {
      layer += h * m.qLoraRank + m.qLoraRank * s.heads * qk;
      other += m.qLoraRank; // q_a_layernorm
    } else {
      layer += h * s.heads * qk;
    }
    layer += h * (m.kvLoraRank + m.qkRopeHeadDim) + m.kvLoraRank * s.heads * (m.qkNopeHeadDim + m.vHeadDim);
    other += m.kvLoraRank; // kv_a_layernorm
    layer += s.heads * m.vHeadDim * h;
  } else {
    layer += h * qDim(s) + 2 * h * kvDim(s) + qDim(s) * h;
    if (s.qkvBias) other += qDim(s) + 2 * kvDim(s);
    if (s.oBias) other += h;
  }
  if (s.qkNorm === 'head') other += 2 * s.headDim;
  if (s.qkNorm === 'full') other += qDim(s) + kvDim(s);
  if (s.attnSinks) other += s.heads;
  // MLP.
  const mlpOne = (inter: number): number => (s.gatedMlp ? 3 : 2) * h * inter;
  const mlpBias = (inter: number): number => (s.gatedMlp ? 2 * inter + h : inter + h);
  if (isMoeLayer(s, l)) {
    const e = s.moe!;
    layer += e.experts * mlpOne(e.intermediate) + (e.sharedIntermediate > 0 ? mlpOne(e.sharedIntermediate) : 0);
    other += h * e.experts; // router
    if (e.routerBias) other += e.experts;
    if (e.scoreCorrectionBias) other += e.experts;
    if (e.sharedGate) other += h;
    if (e.expertBias || s.mlpBias) other += e.experts * mlpBias(e.intermediate);
  } else {
    const inter = s.moe ? s.moe.denseIntermediate : s.intermediate;
    layer += mlpOne(inter);
    if (s.mlpBias) other += mlpBias(inter);
  }
  // Norms.
  const normParams = s.norm === 'layer' ? 2 * h : h;
  const n = s.norms;
  const count = s.parallelBlock ? s.parallelNorms : (n.preAttn ? 1 : 0) + (n.postAttn ? 1 : 0) + (n.preMlp ? 1 : 0) + (n.postMlp ? 1 : 0);
  other += count * normParams;
  return { layer, other };
}

export function paramCounts(s: ModelSpec): ParamCounts {
  const h = s.hidden;
  let layer = 0;
  let other = 0;
  for (let l = 0; l < s.layers; l++) {
    const p = layerParams(s, l);
    layer += p.layer;
    other += p.other;
  }
  const normParams = s.norm === 'layer' ? 2 * h : h;
  let embedding = s.vocab * s.embedDim + s.learnedPositions * h;
  if (!s.tieEmbeddings) embedding += s.vocab * s.embedDim;
  if (s.embedDim !== h) embedding += 2 * s.embedDim * h; // OPT project_in / project_out
  other += normParams; // final norm
  const counts: ParamCounts = { total: layer + embedding + other, layer, embedding, other };
  if (s.mtpLayers > 0) {
    // Each MTP module (DeepSeek-V3 §2.2): enorm, hnorm, eh_proj (2h → h), one more decoder layer
    // shaped like the last one, and the shared head's norm; embedding and lm_head are shared.
    const block = layerParams(s, s.layers - 1);
    counts.mtp = s.mtpLayers * (3 * normParams + 2 * h * h + block.layer + block.other);
  }
  return counts;
}
