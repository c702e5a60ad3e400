/**
 * The ONE place that counts an op's FLOPs and its compulsory memory traffic. Hardware models
 * take `flops` from here and never recount it; they model the traffic their tiling really moves.
 *
 * Conventions (docs/workload.md):
 * - A multiply-accumulate is 2 FLOPs. GEMM: 2·m·n·k per instance.
 * - Attention FLOPs are its two matmuls, 2·(d_qk + d_v) per (query, key) pair attended, per head
 *   (4·d when both widths are d); causal masking, sliding windows and chunks count only the pairs
 *   actually attended (see attendedPairs). Softmax work is reported separately by
 *   attentionScores (5 ops per score) for models whose special-function unit it loads;
 *   attentionVectorFlops adds soft-capping (3 per score) and sink logits (5 per softmax row).
 * - Elementwise FLOPs per output element: add/mul/relu/copy 1, silu 4, silu_mul 5, gelu 8,
 *   rotary 3, topk 1; RMSNorm 4 and LayerNorm 7 per element; softmax 5 per element.
 * - Compulsory bytes: every input read once and every output written once at its storage
 *   format (QuantScheme): GEMM A operand in the activation format (weight GEMMs) and B in the
 *   weight format; outputs, norms and elementwise tensors at 16 bits (32 when activations are
 *   fp32); K and V at the KV-cache format. Embeddings and lm_head use the embedding format.
 */
import type { AttentionOp, ElementwiseFn, GemmOp, Op } from './graph.ts';
import type { ComputeDtype, QuantScheme } from '../quant/types.ts';

/** Soft-capping cap·tanh(x/cap): a divide, a tanh and a multiply. */
const SOFTCAP_FLOPS = 3;
const ELEMENTWISE_FLOPS: Record<ElementwiseFn, number> = {
  add: 1,
  mul: 1,
  relu: 1,
  copy: 0,
  silu: 4,
  silu_mul: 5,
  gelu: 8,
  rotary: 3,
  topk: 1,
  softcap: SOFTCAP_FLOPS,
};
const NORM_FLOPS = { rms: 4, layer: 7 } as const;
const SOFTMAX_FLOPS = 5;

/** The most FLOPs ops.ts counts for one element of any vector op (a unit that retires one element
 *  of any function per cycle has at most this many FLOP/s per element/s). */
export const MAX_VECTOR_FLOPS_PER_ELEMENT = Math.max(...Object.values(ELEMENTWISE_FLOPS), ...Object.values(NORM_FLOPS), SOFTMAX_FLOPS);

export function instances(op: Op): number {
  return op.count ?? 1;
}

/** (query, key) pairs attended per (sequence, head). */
export function attendedPairs(op: Pick<AttentionOp, 'qLen' | 'kvLen' | 'causal' | 'window' | 'chunk'>): number {
  const { qLen, kvLen, causal, window } = op;
  const chunk = op.chunk ?? 0;
  if (causal && chunk > 0) {
    // Query at position p sees keys of its own chunk up to itself: (p mod chunk) + 1 of them.
    const upTo = (n: number): number => {
      const full = Math.floor(n / chunk);
      const r = n - full * chunk;
      return (full * chunk * (chunk + 1)) / 2 + (r * (r + 1)) / 2;
    };
    return upTo(kvLen) - upTo(kvLen - qLen);
  }
  if (!causal) return qLen * (window > 0 ? Math.min(kvLen, window) : kvLen);
  // Query i (0-based) sits at absolute position p = kvLen - qLen + i and sees keys 0..p,
  // or the last `window` of them.
  const first = kvLen - qLen; // position of the first query
  if (window <= 0) return qLen * first + (qLen * (qLen + 1)) / 2;
  let pairs = 0;
  // Positions p in [first, kvLen-1]: min(p+1, window) keys. Split at p+1 = window.
  const lastUnclipped = Math.min(kvLen - 1, window - 1); // p with p+1 <= window
  if (lastUnclipped >= first) {
    const a = first + 1;
    const b = lastUnclipped + 1;
    pairs += ((a + b) * (b - a + 1)) / 2;
  }
  const clipped = kvLen - 1 - Math.max(first, window) + 1;
  if (clipped > 0) pairs += clipped * window;
  return pairs;
}

/** Attention scores computed (softmax inputs), all heads and sequences. */
export function attentionScores(op: AttentionOp): number {
  return op.batch * op.heads * attendedPairs(op) * instances(op);
}

/** Vector work of an attention op beyond its matmuls: softmax, soft-capping, sink logits. */
export function attentionVectorFlops(op: AttentionOp): number {
  const scores = attentionScores(op);
  let flops = scores * SOFTMAX_FLOPS;
  if ((op.logitSoftcap ?? 0) > 0) flops += scores * SOFTCAP_FLOPS;
  if (op.sinks) flops += op.batch * op.heads * op.qLen * SOFTMAX_FLOPS * instances(op);
  return flops;
}

/** Value width per head (MLA's v_head_dim; otherwise the q/k width). */
export function valueHeadDim(op: AttentionOp): number {
  return op.vHeadDim ?? op.headDim;
}

export function gemmFlops(op: Pick<GemmOp, 'm' | 'n' | 'k' | 'batch'>): number {
  return 2 * op.m * op.n * op.k * op.batch;
}

export function opFlops(op: Op): number {
  const c = instances(op);
  switch (op.kind) {
    case 'gemm':
      return gemmFlops(op) * c + (op.bias ? op.m * op.n * op.batch * c : 0);
    case 'attention':
      return 2 * (op.headDim + valueHeadDim(op)) * op.batch * op.heads * attendedPairs(op) * c;
    case 'embedding':
      return 0;
    case 'norm':
      return NORM_FLOPS[op.norm] * op.rows * op.dim * c;
    case 'elementwise':
      return ELEMENTWISE_FLOPS[op.fn] * op.elements * c;
    case 'softmax':
      return SOFTMAX_FLOPS * op.rows * op.dim * c;
  }
}

/** Compulsory off-chip traffic of one op, split by what is moved. */
export interface OpTraffic {
  weights: number;
  activations: number;
  kv: number;
  total: number;
}

/** Storage bytes per element of activation-like tensors (outputs, norms, elementwise). */
export function activationStorageBytes(q: QuantScheme): number {
  return q.activations.bitsPerElement >= 32 ? 4 : 2;
}

export function opTraffic(op: Op, q: QuantScheme): OpTraffic {
  const act = activationStorageBytes(q);
  const c = instances(op);
  let weights = 0;
  let activations = 0;
  let kv = 0;
  switch (op.kind) {
    case 'gemm': {
      const out = op.m * op.n * op.batch * act;
      if (op.weight === 'none') {
        activations = (op.m * op.k + op.k * op.n) * op.batch * act + out;
      } else {
        const wBits = op.weight === 'aux' ? q.embeddings.bitsPerElement : q.weights.bitsPerElement;
        weights = (op.k * op.n * wBits) / 8 + (op.bias ? op.n * 2 : 0);
        // Weight GEMMs read their input in the activation format (quantized by the previous op).
        const aBits = op.weight === 'aux' ? act * 8 : q.activations.bitsPerElement;
        activations = (op.m * op.k * op.batch * aBits) / 8 + out;
      }
      break;
    }
    case 'attention': {
      const kvBytes = q.kv.bitsPerElement / 8;
      const vDim = valueHeadDim(op);
      const q_o = op.batch * op.heads * op.qLen * (op.headDim + vDim) * act;
      // Keys and values read: the whole cache, or the last window / chunk (+ the new queries' span).
      const span = op.window > 0 ? op.window : (op.chunk ?? 0);
      const keysRead = span > 0 ? Math.min(op.kvLen, span + op.qLen - 1) : op.kvLen;
      // MLA absorbed: one latent row per token is both key and value.
      const rowElems = op.latentKv ? op.headDim : op.headDim + vDim;
      const kvRead = op.batch * op.kvHeads * keysRead * rowElems * kvBytes;
      const kvWrite = op.batch * op.kvHeads * op.qLen * rowElems * kvBytes;
      activations = q_o;
      kv = kvRead + kvWrite;
      break;
    }
    case 'embedding':
      weights = (op.tokens * op.dim * q.embeddings.bitsPerElement) / 8;
      activations = op.tokens * op.dim * act + op.tokens * 4; // rows written + int32 token ids
      break;
    case 'norm':
      activations = 2 * op.rows * op.dim * act;
      weights = op.dim * 2 * (op.norm === 'layer' ? 2 : 1);
      break;
    case 'elementwise':
      activations = (op.inputs + 1) * op.elements * act;
      break;
    case 'softmax':
      activations = 2 * op.rows * op.dim * act;
      break;
  }
  weights *= c;
  activations *= c;
  kv *= c;
  return { weights, activations, kv, total: weights + activations + kv };
}

export function opBytes(op: Op, q: QuantScheme): number {
  return opTraffic(op, q).total;
}

/** Multiply-accumulates of the matrix work of an op (GEMM and attention matmuls). */
export function opMacs(op: Op): number {
  if (op.kind === 'gemm') return (gemmFlops(op) / 2) * instances(op);
  if (op.kind === 'attention') return opFlops(op) / 2;
  return 0;
}

/** A key that is equal for ops a hardware model must evaluate identically (memoization). */
export function opShapeKey(op: Op): string {
  const { id: _id, name: _name, layer: _layer, deps: _deps, cls: _cls, source: _source, ...shape } = op;
  return JSON.stringify(shape);
}

/**
 * The dtype an op's arithmetic runs at under a QuantScheme, before any hardware decides to
 * emulate it: weight GEMMs at the activation format's compute dtype (weight-only formats are
 * dequantized to it), aux GEMMs and activation-activation matmuls at 16 bits (fp32 when
 * activations are fp32), everything else on vector units.
 */
export function opComputeDtype(op: Op, q: QuantScheme): ComputeDtype | 'vector' {
  const wide: ComputeDtype = q.activations.computeDtype === 'fp32' ? 'fp32' : q.activations.computeDtype === 'bf16' ? 'bf16' : 'fp16';
  if (op.kind === 'gemm') return op.weight === 'layer' ? q.activations.computeDtype : wide;
  if (op.kind === 'attention') return wide;
  return 'vector';
}
