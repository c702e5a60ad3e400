/**
 * The main loop of a FlashAttention-3 prefill CTA on Hopper, from the kernel's structure
 * (Shah et al. 2024, arXiv 2407.08608, sec. 3.1–3.2; Dao-AILab/flash-attention hopper/:
 * mainloop_fwd_sm90_tma_gmma_ws.hpp, softmax.h, tile_size.h), counted per warpgroup and step.
 *
 * A CTA holds `blockQ` query rows split over `warpgroups` consumer warpgroups (FA3, head dim 128:
 * 128 rows = 2 × 64, one wgmma m64 row block each) and a producer warp issuing the TMA loads of K
 * and V. Per key block of `blockKv` keys, each consumer warpgroup runs
 *   GEMM-I   S = Q·Kᵀ                  rows × blockKv × d_qk MACs on the SM's tensor cores
 *   softmax  row max, exp2, row sum, P → 16-bit, O rescale   on the SFU (MUFU) and FP32 pipes
 *   GEMM-II  O += P·V                  rows × blockKv × d_v MACs
 * One warpgroup is four warps, one on each SM sub-partition, so its wgmma uses all four tensor
 * cores: the warpgroups of a CTA share the tensor rate.
 *
 * Ping-pong (named barriers order the warpgroups' GEMMs): while one warpgroup runs its softmax the
 * other's GEMMs run. The tensor cores are busy warpgroups × (GEMM-I + GEMM-II) per step; each
 * warpgroup's own chain per step is its GEMM-I (it waits for S) + its softmax, + its GEMM-II unless
 * the intra-warpgroup pipeline issues GEMM-II of the previous block beside GEMM-I of this one (the
 * two-stage pipeline: GEMM-II runs under the warpgroup's own softmax). The step is the longer:
 *     step = max(W·(G_I + G_II), G_I + softmax [+ G_II without the intra-warpgroup pipeline]).
 * In turn (FlashAttention-2 style, no ping-pong): step = W·(G_I + G_II + softmax).
 *
 * The softmax of one warpgroup runs on one warp per sub-partition (the other consumer warp there is
 * in its GEMMs), so its phases are issued in order: the row max must be complete before the
 * exponentials, the O rescale needs the new max. Inside the exponential phase the SFU and the FP32
 * pipe overlap (independent elements of a row: instruction-level parallelism), so that phase takes
 * the longer of the two.
 */

/** Instructions per SM of one warpgroup-step's softmax, by pipe (lane operations: one per thread per instruction). */
export interface SoftmaxCounts {
  /** MUFU.EX2: one per score, one per row for the rescale factor exp2(m_old − m_new) on each of the row's 4 threads. */
  exp: number;
  /** FP32 FFMA/FADD/FMUL of the exponential phase: x·scale − m·scale (FFMA) and the row sum (FADD), one each per score. */
  fp32Exp: number;
  /** FP32 FMUL of the rescale: O (rows × d_v) by the factor, plus the few per-row products on each of the row's 4 threads. */
  fp32Rescale: number;
  /** FMNMX for the row max (one per score, two more per row-thread after the shuffles) and, on masked blocks, compare + select per score. */
  minMax: number;
  /** F2FP packing two FP32 probabilities into one 16-bit pair: half a conversion per score. */
  convert: number;
  /** SHFL of the quad all-reduce of the row max: 2 rounds on each of the row's 4 threads. */
  shuffle: number;
}

/** Threads that share one accumulator row of a wgmma m64nNk16 (a quad: each holds N/4 of its columns). */
export const THREADS_PER_ROW = 4;
/** Shuffle rounds of the quad all-reduce (log2 of THREADS_PER_ROW). */
export const REDUCE_ROUNDS = 2;
/** Per-row FP32 products per thread per step: max·scale, (m_old − m_new)·scale (FADD + FMUL), row_sum × factor (softmax.h max_get_scale). */
export const ROW_FP32_OPS = 4;
/** Masking one score of a block the causal diagonal cuts: compare the key index with the row's limit, select −∞ (mask.h). */
export const MASK_OPS_PER_SCORE = 2;

/**
 * Lane operations of one warpgroup's softmax over `rows` × `keys` scores with value dim `dV`;
 * `maskedScores` of them lie in a block the causal (or window) mask cuts.
 */
export function softmaxCounts(rows: number, keys: number, dV: number, maskedScores = 0): SoftmaxCounts {
  const scores = rows * keys;
  const rowThreads = rows * THREADS_PER_ROW;
  return {
    exp: scores + rowThreads,
    fp32Exp: 2 * scores,
    fp32Rescale: rows * dV + ROW_FP32_OPS * rowThreads,
    minMax: scores + REDUCE_ROUNDS * rowThreads + MASK_OPS_PER_SCORE * maskedScores,
    convert: scores / 2,
    shuffle: REDUCE_ROUNDS * rowThreads,
  };
}

/** All lane operations of a count (for energy: each reads and writes registers). */
export function laneOps(n: SoftmaxCounts): number {
  return n.exp + n.fp32Exp + n.fp32Rescale + n.minMax + n.convert + n.shuffle;
}

/**
 * Register-file bytes one lane operation of the softmax moves: two 32-bit source operands read and
 * one 32-bit result written (FFMA reads three, MUFU and F2FP one or two: two taken).
 */
export const REGISTER_BYTES_PER_LANE_OP = 12;

/** Lane operations per clock per SM of each pipe. */
export interface PipeRates {
  sfu: number;
  fp32: number;
  minMax: number;
  convert: number;
  shuffle: number;
}

/**
 * Pipe rates of an SM with `fp32Lanes` FP32 lanes and `sfu` special-function lanes per clock: compare /
 * min / max and conversions at half the FP32 lanes, warp shuffles at a quarter (CUDA C++
 * Programming Guide, arithmetic instruction throughput per SM per clock, compute capability 8.x/9.0:
 * FP32 add/mul/FMA 128 (64 on 8.0), compare/min/max 64, warp shuffle 32; conversions from 32-bit
 * floating point taken at 64, unverified).
 */
export function pipeRates(fp32Lanes: number, sfu: number): PipeRates {
  return { sfu, fp32: fp32Lanes, minMax: fp32Lanes / 2, convert: fp32Lanes / 2, shuffle: fp32Lanes / 4 };
}

export interface SoftmaxCycles {
  /** Row max: FMNMX over the scores (and the mask), then the quad shuffles. */
  maxPhase: number;
  /** exp2 of every score beside its FFMA, the row sum and the 16-bit packing: the longer pipe. */
  expPhase: number;
  /** O × the rescale factor and the per-row products. */
  rescale: number;
  total: number;
}

/** Cycles of one warpgroup's softmax on one SM, its phases in order (see the file comment). */
export function softmaxCycles(n: SoftmaxCounts, r: PipeRates): SoftmaxCycles {
  const maxPhase = n.minMax / r.minMax + n.shuffle / r.shuffle;
  const expPhase = Math.max(n.exp / r.sfu, n.fp32Exp / r.fp32 + n.convert / r.convert);
  const rescale = n.fp32Rescale / r.fp32;
  return { maxPhase, expPhase, rescale, total: maxPhase + expPhase + rescale };
}

export type AttentionSchedule = 'ping-pong' | 'in-turn';

export interface StepInput {
  /** Cycles of one warpgroup's GEMM-I (Q·Kᵀ) and GEMM-II (P·V) at the SM's tensor rate. */
  gemmQk: number;
  gemmPv: number;
  /** Cycles of one warpgroup's softmax. */
  softmax: number;
  warpgroups: number;
  schedule: AttentionSchedule;
  /** GEMM-II of the previous block issued beside GEMM-I of this one (FA3's two-stage pipeline). */
  intraWarpgroupPipeline: boolean;
}

export interface StepCycles {
  /** Cycles of one CTA step (every consumer warpgroup through one key block). */
  step: number;
  /** The tensor cores' busy cycles in it. */
  tensor: number;
  /** One warpgroup's dependent chain (GEMM-I wait + softmax [+ GEMM-II]). */
  chain: number;
  /** Which bounds the step. */
  bound: 'tensor' | 'softmax';
}

/** Cycles of one CTA step under the schedule (see the file comment). */
export function stepCycles(s: StepInput): StepCycles {
  const tensor = s.warpgroups * (s.gemmQk + s.gemmPv);
  if (s.schedule === 'in-turn') {
    const step = tensor + s.warpgroups * s.softmax;
    return { step, tensor, chain: step, bound: 'softmax' };
  }
  const chain = s.gemmQk + s.softmax + (s.intraWarpgroupPipeline ? 0 : s.gemmPv);
  return { step: Math.max(tensor, chain), tensor, chain, bound: chain > tensor ? 'softmax' : 'tensor' };
}

/**
 * Heaviest SM's share when tiles of `work` (e.g. key blocks per CTA), each present `copies` times,
 * are dealt to `units` SMs by a persistent scheduler taking the longest remaining tile first (FA3's
 * tile schedulers: static round-robin for equal tiles, causal tiles in reverse query-block order,
 * longest first): greedy list scheduling onto the least-loaded SM. Equal tiles reduce to
 * ⌈tiles / units⌉ · work. Whole rounds of equal tiles are dealt at once (when the loads differ by
 * no more than one tile, greedy gives every SM one tile per round), so a large grid costs
 * O(distinct sizes · units), not O(tiles · log units).
 */
export function heaviestUnitLoad(work: readonly number[], units: number, copies = 1): number {
  const n = work.length * copies;
  if (n === 0) return 0;
  const counts = new Map<number, number>();
  for (const w of work) counts.set(w, (counts.get(w) ?? 0) + copies);
  const groups = [...counts.entries()].sort((a, b) => b[0] - a[0]);
  if (groups.length === 1) return Math.ceil(n / units) * groups[0]![0];
  // Min-heap of SM loads.
  const heap = new Array<number>(Math.min(units, n)).fill(0);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]! < heap[m]!) m = l;
      if (r < heap.length && heap[r]! < heap[m]!) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (const [w, k0] of groups) {
    let k = k0;
    const rounds = Math.floor(k / heap.length);
    if (rounds > 0 && Math.max(...heap) - heap[0]! <= w) {
      // Adding the same amount to every load keeps the heap order.
      for (let i = 0; i < heap.length; i++) heap[i] = heap[i]! + rounds * w;
      k -= rounds * heap.length;
    }
    for (; k > 0; k--) {
      heap[0] = heap[0]! + w;
      down(0);
    }
  }
  return Math.max(...heap);
}
