/**
 * GEMM (and batched GEMM) on a tensor-core GPU, through CTA tiles and waves.
 *
 * For every CTA tile the config lists and every split-K factor the policy allows, the kernel
 * time is built from the machine's structure; the plan with the least time is the one a
 * library heuristic picks (cuBLASLt ranks its candidates with a model the same way):
 *   tiles = ⌈M/tm⌉·⌈N/tn⌉·batch, CTAs = tiles·splits, resident CTAs/SM from shared memory
 *   compute  = ⌈CTAs/SMs⌉ · k-iterations · (tm·tn·tk / (tensor FMA/clk/SM · efficiency · tile rate)
 *                            ⊕ dequantization of the B tile on CUDA cores) / clock
 *              (⊕ = + for a serial main loop, max for a pipelined mixed-input kernel)
 * Kernel class: a GEMM whose operand needs converting (weight-only W4A16) is 'mixed-input' and
 * may use tiles built for it (Marlin-style m16/m32 mma.sync tiles); others use 'dense' tiles.
 *   DRAM     = (operands with the L2 reuse of a wave + C + split-K partials that spill
 *               + dirty-line write-back of a flushed L2) / achievable bandwidth
 *   L2       = tile-stream bytes (less what cluster multicast shares) / L2→SM bandwidth
 *   pipeline = ⌈busiest SM's CTAs / ctasPerSm⌉ · ⌈k-iterations / (stages − 1)⌉ · DRAM latency
 *              − the fill's latency (a k-step uses the stage requested stages − 1 steps earlier:
 *              Little's law per CTA)
 *   time     = launch + fill (DRAM latency + first k-step) + max(compute, DRAM, L2, pipeline)
 *              + epilogue (last C tile) + serial split-K reduction of the fp32 partials
 */
import type { GemmOp } from '../../workload/graph.ts';
import type { ComputeDtype, QuantScheme } from '../../quant/types.ts';
import { activationStorageBytes, opComputeDtype } from '../../workload/ops.ts';
import { resolveDtype } from '../roofline/roofline.ts';
import { InfeasibleError } from '../../util/errors.ts';
import { busiestUnitItems, ceilDiv, tilesAlong, waves } from '../../tiling/tiles.ts';
import { cachedOperandBytes, type GemmExtent, type OperandBytes } from '../../tiling/traffic.ts';
import {
  cal,
  l2BandwidthBps,
  l2CapacityBytes,
  STRUCTURE_DEFAULTS,
  tensorFma,
  tilesFor,
  type GemmKernelClass,
  type GpuArchConfig,
  type GpuTile,
  type L2State,
} from './config.ts';

export interface GemmPlan {
  tile: GpuTile;
  /** Index of the chosen tile among the candidates of its kernel class (tilesFor). */
  tileIndex: number;
  splits: number;
  ctas: number;
  ctasPerSm: number;
  waves: number;
  waveEfficiency: number;
}

export interface GemmTiming {
  seconds: number;
  plan: GemmPlan;
  dtype: ComputeDtype;
  /** Seconds per term. */
  terms: {
    launch: number;
    fill: number;
    compute: number;
    dequant: number;
    dram: number;
    l2: number;
    epilogue: number;
    splitKReduce: number;
    /** Main loop bound by the load pipeline's depth: each k-step waits for a stage issued stages − 1 steps earlier. */
    pipeline: number;
  };
  /**
   * Bytes per level. smem: tiles written into shared memory; smemRead: operand reads by the
   * MMA-issuing warps (re-reads per warp); register: accumulator read-modify-write per MMA
   * instruction plus operand fragments that pass through registers.
   */
  bytes: { dram: number; l2: number; smem: number; smemRead: number; register: number; writeback: number };
  kernel: GemmKernelClass;
  /** MACs the tensor cores issue, padding of edge tiles included. */
  issuedMacs: number;
  /** Useful MACs (this kernel, all batch instances, one op instance) and CUDA-core conversion ops. */
  macs: number;
  dequantOps: number;
  bound: 'compute' | 'memory' | 'latency';
  peakMacsPerSecond: number;
  dramBandwidthBps: number;
}

export interface GemmFusion {
  /** The kernel is part of a fused GEMM whose first member pays the launch. */
  noLaunch?: boolean;
  /** The A operand was already read by the fused GEMM's first member. */
  noARead?: boolean;
  /** Bytes per output element when the kernel writes another type than the activations (int32 of `_int_mm`). */
  outputBytes?: number;
}

/** Storage bytes per element of A, B, C and the dtypes involved. */
export function gemmOperands(
  op: GemmOp,
  q: QuantScheme,
  c: GpuArchConfig,
): {
  o: OperandBytes;
  mma: ComputeDtype;
  convertA: boolean;
  convertB: boolean;
} {
  const act = activationStorageBytes(q);
  const want = opComputeDtype(op, q) as ComputeDtype;
  const mma = resolveDtype(c.gpu.tensorFmaPerClockPerSm, want);
  if (!mma) tensorFma(c, want); // throws InfeasibleError naming what the device has
  const d = mma!;
  if (op.weight === 'layer') {
    return {
      o: { a: q.activations.bitsPerElement / 8, b: q.weights.bitsPerElement / 8, c: act, bShared: true },
      mma: d,
      convertA: q.activations.computeDtype !== d,
      convertB: q.weights.computeDtype !== d,
    };
  }
  if (op.weight === 'aux') {
    return {
      o: { a: act, b: q.embeddings.bitsPerElement / 8, c: act, bShared: true },
      mma: d,
      convertA: false,
      convertB: q.embeddings.computeDtype !== d && q.embeddings.bitsPerElement < 16,
    };
  }
  return { o: { a: act, b: act, c: act, bShared: false }, mma: d, convertA: false, convertB: false };
}

/** Bytes of one element of a tensor-core compute dtype. */
export function dtypeBytes(d: ComputeDtype): number {
  const bits: Partial<Record<ComputeDtype, number>> = {
    fp64: 64,
    fp32: 32,
    tf32: 32,
    fp16: 16,
    bf16: 16,
    fp8: 8,
    fp6: 8,
    fp4: 4,
    int8: 8,
    int4: 4,
    int2: 2,
    int1: 1,
    ternary: 2,
  };
  return (bits[d] ?? 16) / 8;
}

/**
 * A listed tile's k is written for 16-bit operands. The kernel keeps the bytes of a stage's K-block
 * (one 128-byte swizzled row for TMA / ldmatrix: k 64 of fp16), so operands wider than 2 bytes take
 * proportionally fewer K elements (tf32: 64 → 32, as cuBLAS/CUTLASS sm90 tf32 kernels use
 * 128×128×32 and 128×256×32 tiles) and the stages still fit the shared memory they were sized for.
 * Narrower operands keep the listed k.
 */
export function tileForOperands(tile: GpuTile, o: OperandBytes): GpuTile {
  const widest = Math.max(o.a, o.b);
  return widest > 2 ? { ...tile, k: Math.max(1, Math.floor((tile.k * 2) / widest)) } : tile;
}

/** A plan already chosen: its tile (index among the candidates) and split-K factor. */
export interface GemmPin {
  tileIndex: number;
  splits: number;
}

/**
 * Time of one GEMM kernel (one op instance) on the GPU, with the plan the heuristic picks; with
 * `pin`, the time of that plan only (the library picks its kernel once, not per clock: power.ts
 * re-times the pinned plan at the power-limited clock).
 */
export function gemmTiming(op: GemmOp, c: GpuArchConfig, q: QuantScheme, l2State: L2State, fusion: GemmFusion = {}, pin?: GemmPin): GemmTiming {
  const operands = gemmOperands(op, q, c);
  const { mma, convertA, convertB } = operands;
  const o = fusion.outputBytes !== undefined ? { ...operands.o, c: fusion.outputBytes } : operands.o;
  const g = c.gpu;
  const e: GemmExtent = { m: op.m, n: op.n, k: op.k, batch: op.batch };
  const clock = g.clockHz;
  const kernel: GemmKernelClass = convertA || convertB ? 'mixed-input' : 'dense';
  const candidates = tilesFor(c, kernel);
  if (candidates.length === 0) {
    throw new InfeasibleError(`${c.name} lists no GEMM tile for ${kernel} kernels`, { pointer: '/gpu/tiles' });
  }
  const baseFmaPerClk = tensorFma(c, mma) * cal(c, 'tensorCoreEfficiency');
  const mmaBytes = dtypeBytes(mma);
  // One MMA instruction covers 32 bytes of K (m16n8k16 fp16, k32 fp8/int8, k8 tf32): the fp32
  // accumulators are read and written once per instruction-k.
  const accBytesPerMac = (2 * 4 * mmaBytes) / 32;
  const cudaPerClk = g.cudaCoreFlopsPerClockPerSm;
  const dequantOps = g.dequantOpsPerWeight ?? STRUCTURE_DEFAULTS.dequantOpsPerWeight;
  const launch = fusion.noLaunch ? 0 : cal(c, 'kernelLaunchSeconds');
  const latency = g.dramLatencySeconds ?? STRUCTURE_DEFAULTS.dramLatencySeconds;
  const bwPeak = c.memory.bandwidthBps * cal(c, 'dramBandwidthEfficiency');
  const l2Bw = l2BandwidthBps(c);
  const l2Cap = l2CapacityBytes(c);
  const l2PerSmBps = (g.l2BytesPerClockPerSm ?? STRUCTURE_DEFAULTS.l2BytesPerClockPerSm) * clock;
  const maxCtas = g.maxCtasPerSm ?? STRUCTURE_DEFAULTS.maxCtasPerSm;
  const macs = op.m * op.n * op.k * op.batch;

  // The loop allocates nothing per candidate: the best plan's figures are kept in `b` and the
  // result is built once after the loop.
  let found = false;
  let smallestSmem = Infinity;
  const b = {
    seconds: Infinity,
    tile: candidates[0]!,
    tileIndex: 0,
    splits: 1,
    ctas: 0,
    ctasPerSm: 0,
    launch,
    fill: 0,
    compute: 0,
    dequant: 0,
    dram: 0,
    l2: 0,
    epilogue: 0,
    splitKReduce: 0,
    pipeline: 0,
    dramBytes: 0,
    l2Bytes: 0,
    smem: 0,
    smemRead: 0,
    register: 0,
    writeback: 0,
    issuedMacs: 0,
    dequantOps: 0,
    bound: 'compute' as GemmTiming['bound'],
  };
  for (let index = 0; index < candidates.length; index++) {
    if (pin && index !== pin.tileIndex) continue;
    const tile = tileForOperands(candidates[index]!, o);
    const fmaPerClk = baseFmaPerClk * (tile.tensorRateScale ?? 1);
    const fromSmem = tile.operandSource === 'smem';
    const warpM = tile.warpM ?? Math.min(tile.m, 64);
    const warpN = tile.warpN ?? (fromSmem ? tile.n : Math.min(tile.n, 64));
    const stageBytes = tile.m * tile.k * o.a + tile.k * tile.n * o.b;
    const smemPerCta = tile.stages * stageBytes;
    smallestSmem = Math.min(smallestSmem, smemPerCta);
    const ctasPerSm = Math.min(maxCtas, Math.floor(g.sharedMemoryBytesPerSm / smemPerCta));
    if (ctasPerSm < 1) continue;
    const tiles = tilesAlong(op.m, tile.m) * tilesAlong(op.n, tile.n) * op.batch;
    const slots = g.sms * ctasPerSm;
    // Like a library heuristic, split K only when the tiles alone cannot fill the resident
    // slots: splits 1, 2, 4 … up to the policy's maximum while each split keeps minKPerSplit of K.
    // A pinned plan keeps its split-K factor.
    const maxSplits = pin ? pin.splits : tiles < slots ? g.splitK.maxSplits : 1;
    for (let s = pin ? pin.splits : 1; s <= Math.max(1, maxSplits); s *= 2) {
      if (!pin && s > 1 && !(Math.ceil(op.k / s) >= g.splitK.minKPerSplit)) break;
      const kIters = ceilDiv(ceilDiv(op.k, s), tile.k);
      const ctas = tiles * s;
      const activeSms = Math.min(g.sms, ctas);
      // Compute: the busiest SM runs ⌈CTAs/SMs⌉ CTAs back to back on its tensor cores.
      const mmaCyclesPerIter = (tile.m * tile.n * tile.k) / fmaPerClk;
      const convElems = (convertB ? tile.k * tile.n : 0) + (convertA ? tile.m * tile.k : 0);
      const dequantCyclesPerIter = (convElems * dequantOps) / cudaPerClk;
      const perSm = busiestUnitItems(ctas, g.sms);
      const computeS = (perSm * kIters * mmaCyclesPerIter) / clock;
      const dequantS = (perSm * kIters * dequantCyclesPerIter) / clock;
      // Traffic: operands behind the L2 with the reuse one wave of concurrent tiles gives.
      const concurrentTiles = Math.max(1, Math.floor(Math.min(ctas, slots) / s));
      const ops = cachedOperandBytes(e, tile.m, tile.n, o, concurrentTiles, l2Cap);
      const aDram = fusion.noARead ? 0 : ops.a;
      const cBytes = op.batch * op.m * op.n * o.c;
      const partialBytes = s > 1 ? s * op.batch * op.m * op.n * 4 : 0;
      const partialsSpill = partialBytes > l2Cap / 2;
      const readBytes = aDram + ops.b + (partialsSpill ? partialBytes : 0);
      const writeBytes = s > 1 ? (partialsSpill ? partialBytes : 0) : cBytes;
      const writeback = l2State === 'flushed' ? Math.min(l2Cap, readBytes + writeBytes) : 0;
      const dramBytes = readBytes + writeBytes + writeback;
      const dramS = dramBytes / bwPeak;
      // L2 → SM: a cluster's CTAs share multicast loads of the tile they have in common.
      // Out-of-bounds rows of an edge tile are zero-filled by the copy engine, not fetched.
      const streamStage = (Math.min(tile.m, op.m) * tile.k * o.a) / (tile.clusterN ?? 1) + (tile.k * Math.min(tile.n, op.n) * o.b) / (tile.clusterM ?? 1);
      const streamBytes = ctas * kIters * streamStage;
      const l2S = streamBytes / Math.min(l2Bw, activeSms * l2PerSmBps);
      const overlapped = tile.dequant === 'overlapped';
      const fill = latency + (overlapped ? Math.max(mmaCyclesPerIter, dequantCyclesPerIter) : mmaCyclesPerIter + dequantCyclesPerIter) / clock;
      const epilogue = (tile.m * tile.n * (s > 1 ? 4 : o.c)) / l2PerSmBps;
      // Serial split-K: each split writes an fp32 partial tile, the last one to finish reads
      // them back and writes C (in-kernel, no second launch), through L2 unless they spill.
      const splitKReduce = s > 1 ? (partialBytes + cBytes) / (partialsSpill ? bwPeak : l2Bw) + latency : 0;
      const loopS = overlapped ? Math.max(computeS, dequantS) : computeS + dequantS;
      // Load pipeline depth (Little's law per CTA): the prologue requests stages − 1 k-steps, and
      // each later k-step's operands are requested stages − 1 steps before it runs, so a CTA's
      // k-loop is a chain of ⌈k-iterations / (stages − 1)⌉ DRAM round trips; the busiest SM runs
      // its CTAs in rounds of ctasPerSm. The first round trip is the fill term's latency.
      const pipelineS = Math.max(0, ceilDiv(perSm, ctasPerSm) * ceilDiv(kIters, Math.max(1, tile.stages - 1)) * latency - latency);
      const main = Math.max(loopS, dramS, l2S, pipelineS);
      const seconds = launch + fill + main + epilogue + splitKReduce;
      if (found && seconds >= b.seconds) continue;
      found = true;
      const overhead = launch + fill + epilogue + splitKReduce;
      b.bound = overhead > main || pipelineS >= Math.max(loopS, dramS, l2S) ? 'latency' : loopS >= Math.max(dramS, l2S) ? 'compute' : 'memory';
      // Operand delivery: every k-step each warp (group) reads its rows of A and columns of B.
      const steps = ctas * kIters;
      const issuedMacs = steps * tile.m * tile.n * tile.k;
      const smemRead = steps * (tile.m * tile.k * o.a * ceilDiv(tile.n, warpN) + tile.k * tile.n * o.b * ceilDiv(tile.m, warpM));
      // Fragments loaded into registers (mma.sync) are written there and read by the MMA; a
      // converted operand is rewritten in the MMA dtype and read back.
      const fragmentBytes = fromSmem ? 0 : 2 * smemRead;
      const convertedBytes = steps * convElems * mmaBytes * 2;
      b.seconds = seconds;
      b.tile = tile;
      b.tileIndex = index;
      b.splits = s;
      b.ctas = ctas;
      b.ctasPerSm = ctasPerSm;
      b.fill = fill;
      b.compute = computeS;
      b.dequant = dequantS;
      b.dram = dramS;
      b.l2 = l2S;
      b.epilogue = epilogue;
      b.splitKReduce = splitKReduce;
      b.pipeline = pipelineS;
      b.dramBytes = dramBytes;
      b.l2Bytes = streamBytes + partialBytes * 2;
      b.smem = steps * (Math.min(tile.m, op.m) * tile.k * o.a + tile.k * Math.min(tile.n, op.n) * o.b);
      b.smemRead = smemRead;
      b.register = issuedMacs * accBytesPerMac + fragmentBytes + convertedBytes;
      b.writeback = writeback;
      b.issuedMacs = issuedMacs;
      b.dequantOps = ctas * kIters * convElems * dequantOps;
    }
  }
  if (!found) {
    throw new InfeasibleError(
      `no CTA tile for ${kernel} kernels of ${c.name} fits its ${g.sharedMemoryBytesPerSm} B of shared memory per SM (smallest needs ${smallestSmem} B)`,
      { pointer: '/gpu/tiles' },
    );
  }
  const w = waves(b.ctas, g.sms, b.ctasPerSm);
  return {
    seconds: b.seconds,
    plan: { tile: b.tile, tileIndex: b.tileIndex, splits: b.splits, ctas: b.ctas, ctasPerSm: b.ctasPerSm, waves: w.waves, waveEfficiency: w.efficiency },
    dtype: mma,
    terms: {
      launch,
      fill: b.fill,
      compute: b.compute,
      dequant: b.dequant,
      dram: b.dram,
      l2: b.l2,
      epilogue: b.epilogue,
      splitKReduce: b.splitKReduce,
      pipeline: b.pipeline,
    },
    bytes: { dram: b.dramBytes, l2: b.l2Bytes, smem: b.smem, smemRead: b.smemRead, register: b.register, writeback: b.writeback },
    kernel,
    issuedMacs: b.issuedMacs,
    macs,
    dequantOps: b.dequantOps,
    bound: b.bound,
    peakMacsPerSecond: tensorFma(c, mma) * g.sms * clock,
    dramBandwidthBps: c.memory.bandwidthBps,
  };
}
