/** Parameter counts derived from a ModelSpec; equal to the published counts (tests pin them). */
import type { ModelSpec } from './model-config.ts';

export interface ParamCounts {
  total: number;
  /** GEMM weights of the decoder layers (what a weight QuantScheme quantizes). */
  layer: number;
  /** Token embedding, untied lm_head, learned positions, OPT's projections. */
  embedding: number;
  /** Norm gains and biases, MoE routers. */
  other: number;
}

export function qDim(s: ModelSpec): number {
  return s.heads * s.headDim;
}
export function kvDim(s: ModelSpec): number {
  return s.kvHeads * s.headDim;
}

export function paramCounts(s: ModelSpec): ParamCounts {
  const h = s.hidden;
  const attn = h * qDim(s) + 2 * h * kvDim(s) + qDim(s) * h;
  const mlpOne = (s.gatedMlp ? 3 : 2) * h * s.intermediate;
  const mlp = s.experts ? s.experts.num * mlpOne : mlpOne;
  const normParams = s.norm === 'layer' ? 2 * h : h;
  let otherPerLayer = 2 * normParams;
  if (s.qkvBias) otherPerLayer += qDim(s) + 2 * kvDim(s);
  if (s.oBias) otherPerLayer += h;
  if (s.mlpBias) otherPerLayer += (s.experts ? s.experts.num : 1) * (s.gatedMlp ? 2 * s.intermediate + h : s.intermediate + h);
  if (s.experts) otherPerLayer += h * s.experts.num; // router
  const layer = s.layers * (attn + mlp);
  let embedding = s.vocab * s.embedDim + s.learnedPositions * h;
  if (!s.tieEmbeddings) embedding += s.vocab * s.embedDim;
  if (s.embedDim !== h) embedding += 2 * s.embedDim * h; // OPT project_in / project_out
  const other = s.layers * otherPerLayer + normParams;
  return { total: layer + embedding + other, layer, embedding, other };
}
