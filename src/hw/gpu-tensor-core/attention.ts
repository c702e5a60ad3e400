/**
 * Attention on a tensor-core GPU, FlashAttention-style: Q, K, V are read from DRAM, scores
 * never leave the SM.
 *
 * Prefill (FlashAttention-2 tiling): one CTA per (sequence, head, block of blockQ queries); it
 * walks the key blocks its queries attend (causal: only blocks at or left of the diagonal, the
 * diagonal block computed whole and masked, so the work is about half of the full square) and
 * does QKᵀ and PV on the tensor cores, the online softmax (exp on the SFU, max/sum/scale on
 * CUDA cores) between them — in turn (FlashAttention-2) or overlapped with the MMAs of another
 * block (FlashAttention-3, `attention.softmaxOverlap`).
 *
 * Decode (flash-decoding): the queries of one KV head (heads/kvHeads · qLen rows, GQA) form one
 * MMA tile, padded to the tile height; the KV sequence is split so the grid fills the SMs; a
 * second small kernel combines the partial outputs.
 */
import type { AttentionOp } from '../../workload/graph.ts';
import type { ComputeDtype, QuantScheme } from '../../quant/types.ts';
import { activationStorageBytes, opComputeDtype, opTraffic } from '../../workload/ops.ts';
import { resolveDtype } from '../roofline/roofline.ts';
import { busiestUnitItems, ceilDiv } from '../../tiling/tiles.ts';
import {
  heaviestUnitLoad,
  laneOps,
  MASK_OPS_PER_SCORE,
  pipeRates,
  softmaxCounts,
  softmaxCycles as warpgroupSoftmaxCycles,
  stepCycles,
  type StepCycles,
} from './attention-schedule.ts';
import { cal, l2BandwidthBps, STRUCTURE_DEFAULTS, tensorFma, tilesFor, type GpuArchConfig, type L2State, l2CapacityBytes } from './config.ts';

export interface AttentionTiming {
  seconds: number;
  dtype: ComputeDtype;
  phase: 'prefill' | 'decode';
  ctas: number;
  kvSplits: number;
  /** MACs the tensor cores execute, masked and padded ones included. */
  issuedMacs: number;
  sfuOps: number;
  /** Lane operations of the softmax on the SFU and CUDA-core pipes (attention-schedule.ts softmaxCounts, every block). */
  softmaxLaneOps: number;
  terms: { launch: number; fill: number; compute: number; softmax: number; dram: number; l2: number; combine: number; cta: number };
  /** FlashAttention-3 ping-pong prefill: the per-step schedule (attention-schedule.ts). */
  schedule?: { warpgroups: number; diagonalBlocks: number; step: StepCycles; softmaxCycles: number; ctaOverheadCycles: number };
  bytes: { dram: number; l2: number; writeback: number };
  bound: 'compute' | 'memory' | 'latency';
  peakMacsPerSecond: number;
}

/**
 * Rows the attention kernel's MMA pads the query rows of a KV head to: the backend's (`attention.mmaRows`,
 * 16 for an mma.sync backend) or the smallest tile height of the dense kernels (wgmma m64 on Hopper).
 */
function mmaRows(c: GpuArchConfig): number {
  if (c.gpu.attention?.mmaRows !== undefined) return c.gpu.attention.mmaRows;
  const dense = tilesFor(c, 'dense');
  return Math.min(...(dense.length ? dense : c.gpu.tiles).map((t) => t.m));
}

/** Rows of one wgmma (PTX ISA: wgmma.mma_async shapes are m64nNkK): one consumer warpgroup's share of a CTA's query rows. */
export const WGMMA_ROWS = 64;

/** Key blocks a block of queries [q0, q1) visits, causal, windowed or chunked, over kvLen keys. */
function keyBlocksVisited(op: AttentionOp, q0: number, q1: number, blockKv: number): number {
  const first = op.kvLen - op.qLen; // absolute position of query 0
  const hi = op.causal ? Math.min(op.kvLen, first + q1) : op.kvLen; // keys [lo, hi)
  const chunk = op.chunk ?? 0;
  // Chunked attention (Llama 4): keys from the start of the first query's chunk.
  const lo = op.window > 0 ? Math.max(0, first + q0 - op.window + 1) : chunk > 0 ? Math.floor((first + q0) / chunk) * chunk : 0;
  if (hi <= lo) return 0;
  return ceilDiv(hi, blockKv) - Math.floor(lo / blockKv);
}

/**
 * Key blocks of a query block [q0, q1) that the mask cuts (some of its scores masked, not all):
 * the causal diagonal (keys past the block's first query) and the window's or chunk's left edge.
 * Those blocks run the mask's compare and select on every score (mask.h).
 */
export function maskedBlocksVisited(op: AttentionOp, q0: number, q1: number, blockKv: number): number {
  if (keyBlocksVisited(op, q0, q1, blockKv) === 0) return 0;
  const first = op.kvLen - op.qLen; // absolute position of query 0
  const hiKey = op.causal ? Math.min(op.kvLen, first + q1) : op.kvLen; // keys [loKey, hiKey) visited
  const chunk = op.chunk ?? 0;
  const loKey = op.window > 0 ? Math.max(0, first + q0 - op.window + 1) : chunk > 0 ? Math.floor((first + q0) / chunk) * chunk : 0;
  const cut = new Set<number>();
  // Causal diagonal: keys in (first + q0, first + q1) are masked for some of the block's rows.
  if (op.causal && first + q0 + 1 < hiKey) for (let b = Math.floor((first + q0 + 1) / blockKv); b * blockKv < hiKey; b++) cut.add(b);
  // The last key block past the sequence end (kvLen not a multiple of blockKv): keys ≥ kvLen masked.
  if (hiKey === op.kvLen && op.kvLen % blockKv !== 0) cut.add(Math.floor((op.kvLen - 1) / blockKv));
  // A window's left edge moves with the row: keys [loKey, loKey + rows) are masked for some rows.
  if (op.window > 0) for (let b = Math.floor(loKey / blockKv); b * blockKv < Math.min(hiKey, loKey + q1 - q0 - 1); b++) cut.add(b);
  // A chunk's left edge inside a block: the keys before it masked.
  if (chunk > 0 && op.window === 0 && loKey % blockKv !== 0) cut.add(Math.floor(loKey / blockKv));
  return cut.size;
}

/**
 * Bytes of the new keys and values the op appends to the cache (one op instance): written by the
 * attention kernel unless the software stack writes them with its own copy kernels
 * (`kvCacheWrite.kernels` > 0, src/stack/kernel-graph.ts), which then carry those bytes.
 */
export function kvAppendBytes(op: AttentionOp, q: QuantScheme): number {
  const dV = op.vHeadDim ?? op.headDim;
  const rowElems = op.latentKv ? op.headDim : op.headDim + dV;
  return (op.batch * op.kvHeads * op.qLen * rowElems * q.kv.bitsPerElement) / 8;
}

/**
 * `kvWrittenByStack`: the stack's copy kernels write the new keys and values (the attention kernel
 * only reads the cache), so the op's DRAM traffic leaves the append out (no double count).
 */
export function attentionTiming(op: AttentionOp, c: GpuArchConfig, q: QuantScheme, l2State: L2State, kvWrittenByStack = false): AttentionTiming {
  const g = c.gpu;
  const want = opComputeDtype(op, q) as ComputeDtype;
  const dtype = resolveDtype(g.tensorFmaPerClockPerSm, want) ?? want;
  const fmaPerClk = tensorFma(c, dtype) * cal(c, 'tensorCoreEfficiency') * (g.attention?.tensorRateScale ?? 1);
  const clock = g.clockHz;
  const blockQ = g.attention?.blockQ ?? STRUCTURE_DEFAULTS.blockQ;
  const maskFree = !op.causal && op.window === 0 && !(op.chunk ?? 0);
  const sfu = g.attention?.sfuOpsPerClockPerSm ?? STRUCTURE_DEFAULTS.sfuOpsPerClockPerSm;
  const latency = g.dramLatencySeconds ?? STRUCTURE_DEFAULTS.dramLatencySeconds;
  const launch = cal(c, 'kernelLaunchSeconds');
  const bwPeak = c.memory.bandwidthBps * cal(c, 'dramBandwidthEfficiency');
  const l2Cap = l2CapacityBytes(c);
  // MACs per (query, key) pair: d_qk for QKᵀ plus d_v for PV (MLA: 576 + 512). Elements of K/V
  // read per key: both rows, or one shared latent row (MLA absorbed).
  const dV = op.vHeadDim ?? op.headDim;
  const pairMacs = op.headDim + dV;
  const rowElems = op.latentKv ? op.headDim : op.headDim + dV;
  const inst = op.count ?? 1;
  const group = op.heads / op.kvHeads;
  const kvBytesPerElem = q.kv.bitsPerElement / 8;
  const act = activationStorageBytes(q);
  // DRAM: compulsory traffic (Q, O, K/V read once; K/V per KV head stay in L2 across its heads).
  const compulsory = opTraffic({ ...op, count: 1 }, q).total - (kvWrittenByStack ? kvAppendBytes(op, q) : 0);

  const decode = op.qLen * group <= mmaRows(c) || op.qLen <= 16;
  // A prefill without a mask may run wider key blocks (FlashAttention-3 head dim 128: 176, tile_size.h).
  const blockKv = (!decode && maskFree ? g.attention?.blockKvNonCausal : undefined) ?? g.attention?.blockKv ?? STRUCTURE_DEFAULTS.blockKv;
  let ctas: number;
  let kvSplits = 1;
  let issuedMacs = 0;
  let sfuOps = 0;
  let softmaxLaneOps = 0;
  let l2Bytes = 0;
  let perCtaMaxCycles = 0;
  let computeCycles = 0;
  let softmaxCycles = 0;
  let combine = 0;
  let ctaCycles = 0;
  let schedule: AttentionTiming['schedule'];
  if (!decode) {
    // One CTA per (sequence, head, query block), dealt to the SMs heaviest first.
    const qBlocks = ceilDiv(op.qLen, blockQ);
    const perHead: number[] = [];
    for (let b = 0; b < qBlocks; b++) perHead.push(keyBlocksVisited(op, b * blockQ, Math.min(op.qLen, (b + 1) * blockQ), blockKv));
    const heads = op.batch * op.heads;
    ctas = heads * qBlocks;
    const totalBlocks = perHead.reduce((s, x) => s + x, 0) * heads;
    const maxBlocks = Math.max(...perHead);
    // Key blocks each query block visits that the mask cuts (compare and select on their scores).
    const maskedPerHead: number[] = [];
    for (let b = 0; b < qBlocks; b++) maskedPerHead.push(maskedBlocksVisited(op, b * blockQ, Math.min(op.qLen, (b + 1) * blockQ), blockKv));
    const maskedBlocks = maskedPerHead.reduce((t, x) => t + x, 0);
    if (g.attention?.softmaxOverlap) {
      // FlashAttention-3: ping-pong warpgroups, persistent CTAs (attention-schedule.ts).
      const pp = pingPongPrefill(op, c, perHead, maskedPerHead, heads, { blockQ, blockKv, dV, fmaPerClk, sfu, act, kvBytesPerElem, latency, bwPeak });
      schedule = pp.schedule;
      computeCycles = pp.tensorCycles;
      softmaxCycles = pp.softmaxCycles;
      ctaCycles = pp.ctaCycles;
    } else {
      const cyclesPerBlock = (blockQ * blockKv * pairMacs) / fmaPerClk;
      const softmaxPerBlock = (blockQ * blockKv) / sfu + (5 * blockQ * blockKv) / g.cudaCoreFlopsPerClockPerSm;
      // Busiest SM: its share of the block-steps, at least the longest CTA.
      const perSmBlocks = Math.max(maxBlocks, busiestUnitItems(totalBlocks, g.sms));
      computeCycles = perSmBlocks * cyclesPerBlock;
      softmaxCycles = perSmBlocks * softmaxPerBlock;
      perCtaMaxCycles = cyclesPerBlock + softmaxPerBlock;
    }
    issuedMacs = totalBlocks * blockQ * blockKv * pairMacs;
    sfuOps = totalBlocks * blockQ * blockKv;
    // Every block's softmax, plus the mask's compare and select on the scores of the blocks it cuts.
    softmaxLaneOps =
      heads * (perHead.reduce((t, x) => t + x, 0) * laneOps(softmaxCounts(blockQ, blockKv, dV)) + maskedBlocks * MASK_OPS_PER_SCORE * blockQ * blockKv);
    l2Bytes = totalBlocks * blockKv * rowElems * kvBytesPerElem + heads * op.qLen * pairMacs * act;
  } else {
    // Flash-decoding: one CTA per (sequence, KV head, KV split); the query group is one tile.
    // The rows are padded to whole MMA tiles (a GQA group of 17 on m16 tiles: 32 rows).
    const rows = ceilDiv(op.qLen * group, mmaRows(c)) * mmaRows(c);
    const units = op.batch * op.kvHeads;
    const span = op.window > 0 ? op.window : (op.chunk ?? 0);
    const keys = span > 0 ? Math.min(op.kvLen, span + op.qLen - 1) : op.kvLen;
    const minKeys = g.attention?.decodeSplitMinKeys ?? STRUCTURE_DEFAULTS.decodeSplitMinKeys;
    kvSplits = Math.max(1, Math.min(ceilDiv(keys, minKeys), ceilDiv(g.sms, units)));
    ctas = units * kvSplits;
    const blocksPerCta = ceilDiv(ceilDiv(keys, kvSplits), blockKv);
    const cyclesPerBlock = (rows * blockKv * pairMacs) / fmaPerClk;
    const softmaxPerBlock = (op.qLen * group * blockKv) / sfu + (5 * op.qLen * group * blockKv) / g.cudaCoreFlopsPerClockPerSm;
    const perSm = busiestUnitItems(ctas, g.sms) * blocksPerCta;
    computeCycles = perSm * cyclesPerBlock;
    softmaxCycles = perSm * softmaxPerBlock;
    perCtaMaxCycles = cyclesPerBlock + softmaxPerBlock;
    issuedMacs = ctas * blocksPerCta * rows * blockKv * pairMacs;
    sfuOps = ctas * blocksPerCta * op.qLen * group * blockKv;
    softmaxLaneOps = ctas * blocksPerCta * laneOps(softmaxCounts(op.qLen * group, blockKv, dV));
    l2Bytes = op.batch * op.kvHeads * keys * rowElems * kvBytesPerElem;
    if (kvSplits > 1) {
      // Partial outputs (fp32 O plus max and sum per row) written, read back and combined.
      const partial = kvSplits * op.batch * op.heads * op.qLen * (dV + 2) * 4;
      l2Bytes += 2 * partial;
      combine = launch + (2 * partial) / l2BandwidthBps(c);
    }
  }
  const activeSms = Math.min(g.sms, ctas);
  // Memory-level parallelism: each active SM keeps two K/V blocks in flight.
  const inFlight = activeSms * 2 * blockKv * rowElems * kvBytesPerElem;
  const bw = Math.min(bwPeak, inFlight / latency);
  const dramRead = compulsory;
  const writeback = l2State === 'flushed' ? Math.min(l2Cap, dramRead) : 0;
  const dramBytes = dramRead + writeback;
  const dramS = dramBytes / bw;
  const l2S = l2Bytes / l2BandwidthBps(c);
  const computeS = computeCycles / clock;
  const softmaxS = softmaxCycles / clock;
  const ctaS = ctaCycles / clock;
  // The ping-pong prefill counts each CTA's prologue (the first loads' latency included) in ctaS.
  const fill = schedule ? 0 : latency + perCtaMaxCycles / clock;
  // FlashAttention-3 prefill: its schedule already split the heaviest SM's time into the tensor
  // cores' share, the softmax the ping-pong leaves exposed and the per-CTA prologue/epilogue. Decode
  // with softmaxOverlap: the softmax of one block beside the MMAs of another; FlashAttention-2 and
  // cuDNN (softmaxOverlap false) run them in turn.
  const loopS = schedule ? computeS + softmaxS + ctaS : g.attention?.softmaxOverlap ? Math.max(computeS, softmaxS) : computeS + softmaxS;
  const main = Math.max(loopS, dramS, l2S);
  const overhead = launch + fill + combine;
  const one = overhead + main;
  const bound = overhead > main ? 'latency' : loopS >= Math.max(dramS, l2S) ? 'compute' : 'memory';
  return {
    seconds: one * inst,
    dtype,
    phase: decode ? 'decode' : 'prefill',
    ctas,
    kvSplits,
    issuedMacs: issuedMacs * inst,
    sfuOps: sfuOps * inst,
    softmaxLaneOps: softmaxLaneOps * inst,
    terms: { launch, fill, compute: computeS, softmax: softmaxS, dram: dramS, l2: l2S, combine, cta: ctaS },
    ...(schedule ? { schedule } : {}),
    bytes: { dram: dramBytes * inst, l2: l2Bytes * inst, writeback: writeback * inst },
    bound,
    peakMacsPerSecond: tensorFma(c, dtype) * g.sms * clock,
  };
}

interface PrefillShape {
  blockQ: number;
  blockKv: number;
  dV: number;
  fmaPerClk: number;
  sfu: number;
  act: number;
  kvBytesPerElem: number;
  latency: number;
  bwPeak: number;
}

/**
 * FlashAttention-3 prefill on the heaviest SM (attention-schedule.ts): blockQ rows over
 * blockQ / 64 consumer warpgroups in ping-pong with the intra-warpgroup pipeline; a step of a
 * block the mask cuts adds the mask's compare and select per score. CTAs run persistently, one per
 * SM (FA3's shared memory: Q, two K/V stages), longest first; each adds
 *   prologue  the DRAM latency, its Q tile at the SM's share of DRAM bandwidth and the first K
 *             block at its share of L2 bandwidth, before the first GEMM can start;
 *   fill      the first block's softmax (no GEMM of its own to hide under) and the last block's
 *             GEMM-II (nothing after it to overlap);
 *   epilogue  O divided by the row sums (rows × d_v FP32 products); the store is asynchronous (TMA)
 *             under the next CTA's prologue.
 */
function pingPongPrefill(
  op: AttentionOp,
  c: GpuArchConfig,
  perHead: number[],
  maskedPerHead: number[],
  heads: number,
  s: PrefillShape,
): { tensorCycles: number; softmaxCycles: number; ctaCycles: number; schedule: NonNullable<AttentionTiming['schedule']> } {
  const g = c.gpu;
  const warpgroups = Math.max(1, Math.floor(s.blockQ / WGMMA_ROWS));
  const rows = s.blockQ / warpgroups;
  const rates = pipeRates(g.cudaCoreFlopsPerClockPerSm / 2, s.sfu);
  const gemmQk = (rows * s.blockKv * op.headDim) / s.fmaPerClk;
  const gemmPv = (rows * s.blockKv * s.dV) / s.fmaPerClk;
  const softmax = warpgroupSoftmaxCycles(softmaxCounts(rows, s.blockKv, s.dV), rates).total;
  const softmaxMasked = warpgroupSoftmaxCycles(softmaxCounts(rows, s.blockKv, s.dV, rows * s.blockKv), rates).total;
  const intraWarpgroupPipeline = g.attention?.intraWarpgroupPipeline ?? true;
  const step = (sm: number) => stepCycles({ gemmQk, gemmPv, softmax: sm, warpgroups, schedule: 'ping-pong', intraWarpgroupPipeline });
  const plain = step(softmax);
  const masked = step(softmaxMasked);
  const qBlocks = perHead.length;
  const activeSms = Math.min(g.sms, heads * qBlocks);
  const clock = g.clockHz;
  const prologueS =
    s.latency + (s.blockQ * op.headDim * s.act) / (s.bwPeak / activeSms) + (s.blockKv * op.headDim * s.kvBytesPerElem) / (l2BandwidthBps(c) / activeSms);
  const epilogue = (s.blockQ * s.dV) / rates.fp32;
  const ctaOverhead = prologueS * clock + softmax + gemmPv + epilogue;
  const work = (b: number) => (perHead[b]! - maskedPerHead[b]!) * plain.step + maskedPerHead[b]! * masked.step + ctaOverhead;
  const perCta: number[] = [];
  for (let b = 0; b < qBlocks; b++) perCta.push(work(b));
  // Every (sequence, head) has the same query blocks: each tile size `heads` times.
  const heaviest = heaviestUnitLoad(perCta, g.sms, heads);
  // Split the heaviest SM's time in proportion: its CTAs' overheads, then the steps' tensor and exposed-softmax parts.
  const ctaCount = Math.ceil((perCta.length * heads) / g.sms);
  const ctaCycles = Math.min(heaviest, ctaCount * ctaOverhead);
  const blocks = perHead.reduce((t, x) => t + x, 0);
  const maskedBlocks = maskedPerHead.reduce((t, x) => t + x, 0);
  const stepSum = (blocks - maskedBlocks) * plain.step + maskedBlocks * masked.step;
  const tensorSum = blocks * plain.tensor;
  const loop = heaviest - ctaCycles;
  const tensorCycles = stepSum > 0 ? (loop * tensorSum) / stepSum : 0;
  return {
    tensorCycles,
    softmaxCycles: loop - tensorCycles,
    ctaCycles,
    schedule: { warpgroups, diagonalBlocks: maskedBlocks * heads, step: plain, softmaxCycles: softmax, ctaOverheadCycles: ctaOverhead },
  };
}
