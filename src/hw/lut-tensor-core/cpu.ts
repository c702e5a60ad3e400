/**
 * T-MAC-style CPU variant: low-bit weight GEMMs by table lookup in SIMD registers.
 *
 * Per weight GEMM (m rows of activations, n outputs, k inputs, b weight planes):
 *   lanes        = simd.widthBits / table.entryBits         (16 int8 entries per 128-bit TBL)
 *   TBL          = ⌈n/lanes⌉ · m · ⌈k/g⌉ · b                (one instruction looks up `lanes` outputs)
 *   SIMD ops     = TBL · (1 + unpack + sign + accumulatorBits/entryBits)
 *                  unpack: 1 AND/shift per TBL when two g-bit indices share a byte;
 *                  sign: 2 (XOR, subtract) when the table is symmetrized (mirror consolidation);
 *                  widening the int8 results into int16 accumulators takes acc/entry adds
 *                + aggregation: (convert + fma) per output, plane and act-scale group, over fp16 lanes
 *   compute      = max(SIMD ops / vectorOpsPerCycle, TBL / tableLookupsPerCycle) / clock, split over threads
 *   precompute   = table build adds + int8 quantization (scale, convert, narrow) per entry, over fp16 lanes
 *   memory       = compulsory bytes / bandwidth(threads)
 *   bandwidth(t) = min(t · perCore, Σ clusters min(cores·perCore, cluster), shared)
 *   time         = precompute + max(compute, memory)
 * Everything else (attention, norms, fp16 lm_head) runs on the SIMD FMA units at
 * max(flops / SIMD peak, bytes / bandwidth(threads)).
 */
import type { GemmOp, Op } from '../../workload/graph.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { instances, opFlops, opMacs, opTraffic } from '../../workload/ops.ts';
import type { Ceilings, OpResult, SimOptions } from '../model.ts';
import { energyOf } from '../../energy/account.ts';
import { AccelscopeError, InfeasibleError } from '../../util/errors.ts';
import { isLutGemm, mpGemmCounts } from './mpgemm.ts';
import type { LutArchConfig, LutCpuSection } from './schema.ts';

export type CpuArch = LutArchConfig & { lut: LutCpuSection };

/** Weight bit-widths the T-MAC kernels support (int1..int4; ternary runs as 2 bits). */
export const CPU_WEIGHT_BITS = [1, 2, 3, 4] as const;

export function threadsOf(c: CpuArch, options: SimOptions = {}): number {
  const t = options.threads ?? c.lut.cores;
  if (!Number.isInteger(t) || t < 1) throw AccelscopeError.withParams('bad-flag', (n) => `${n('threads')} must be a positive integer (got ${t})`);
  if (t > c.lut.cores) throw AccelscopeError.withParams('bad-flag', (n) => `${n('threads')} ${t} exceeds the ${c.lut.cores} cores of ${c.name}`);
  return t;
}

/**
 * What one core streams from DRAM on its own: Little's law over the lines it keeps in flight
 * (outstandingLinesPerCore × lineBytes / loadedLatencySeconds), capped by a measured per-core
 * figure where the config has one.
 */
export function perCoreBandwidthBps(c: CpuArch): number {
  const m = c.lut.memory;
  const limits: number[] = [];
  if (m.perCoreBandwidthBps !== undefined) limits.push(m.perCoreBandwidthBps);
  if (m.outstandingLinesPerCore !== undefined && m.lineBytes !== undefined && m.loadedLatencySeconds !== undefined) {
    limits.push(littlesLawBandwidthBps(m.outstandingLinesPerCore, m.lineBytes, m.loadedLatencySeconds));
  }
  if (limits.length === 0) {
    throw new AccelscopeError('schema', `${c.name}: lut.memory needs perCoreBandwidthBps or outstandingLinesPerCore, lineBytes and loadedLatencySeconds`, {
      pointer: '/lut/memory',
    });
  }
  return Math.min(...limits);
}

/** Little's law: bytes in flight / time each stays in flight. */
export function littlesLawBandwidthBps(linesInFlight: number, lineBytes: number, latencySeconds: number): number {
  return (linesInFlight * lineBytes) / latencySeconds;
}

/** Sustained DRAM bandwidth `threads` cores reach together: per-core, per-cluster and shared limits. */
export function cpuBandwidthBps(c: CpuArch, threads: number): number {
  const m = c.lut.memory;
  const core = perCoreBandwidthBps(c);
  let bw = threads * core;
  if (m.clusterCores && m.clusterBandwidthBps) {
    // Threads fill clusters one after another (the scheduler keeps a job's threads together).
    const full = Math.floor(threads / m.clusterCores);
    const rest = threads - full * m.clusterCores;
    bw = full * Math.min(m.clusterCores * core, m.clusterBandwidthBps) + Math.min(rest * core, m.clusterBandwidthBps);
  }
  return Math.min(bw, m.sharedBandwidthBps, c.memory.bandwidthBps);
}

/**
 * One runtime barrier across `threads` threads: every arrival increments one shared counter
 * (a contended cache-line transfer each, serialized), and the release reaches the waiters after
 * one more transfer. Threads fill clusters in order; the counter lives in the first cluster, so
 * arrivals from the other clusters, and the release once threads span clusters, cross clusters.
 * One thread needs no barrier; a config without `sync` pays nothing.
 */
export function barrierSeconds(c: CpuArch, threads: number): number {
  const sync = c.lut.sync;
  if (threads <= 1 || !sync) return 0;
  const near = sync.coreToCoreLatencySeconds;
  const far = sync.crossClusterLatencySeconds ?? near;
  const home = Math.min(threads, c.lut.memory.clusterCores ?? threads);
  const away = threads - home;
  return home * near + away * far + (away > 0 ? far : near);
}

/**
 * SIMD instructions per TBL: the lookup, index unpacking, the sign of a symmetrized table
 * ((x ⊕ s) − s: an XOR and a subtract), and widening accumulation.
 */
export function opsPerLookupInstruction(s: LutCpuSection): { unpack: number; sign: number; accumulate: number; total: number } {
  const indicesPerByte = Math.floor(8 / s.table.groupSize);
  const unpack = indicesPerByte > 1 ? 1 : 0;
  const sign = s.table.symmetrization ? 2 : 0;
  const accumulate = s.table.accumulatorBits / s.table.entryBits;
  return { unpack, sign, accumulate, total: 1 + unpack + sign + accumulate };
}

/** TBL instructions per second per core (issue and SIMD-pipe limits). */
export function lookupInstructionsPerCycle(s: LutCpuSection): number {
  return Math.min(s.simd.tableLookupsPerCycle, s.simd.vectorOpsPerCycle / opsPerLookupInstruction(s).total);
}

export function cpuCeilings(c: CpuArch): Ceilings {
  const s = c.lut;
  const lanes = s.simd.widthBits / s.table.entryBits;
  // One lookup covers g multiply-accumulates of one weight plane: 2g ops per plane.
  const lookupsPerSecond = s.cores * lookupInstructionsPerCycle(s) * lanes * s.clockHz;
  const opsPerPlane = lookupsPerSecond * 2 * s.table.groupSize;
  const fp16 = s.cores * s.simd.vectorOpsPerCycle * (s.simd.widthBits / 16) * 2 * s.clockHz;
  return {
    matrix: { int1: opsPerPlane, ternary: opsPerPlane / 2, int2: opsPerPlane / 2, int4: opsPerPlane / 4, fp16 },
    vector: s.cores * s.simd.vectorOpsPerCycle * (s.simd.widthBits / 32) * s.clockHz,
    memory: [{ level: 'dram', bandwidthBps: c.memory.bandwidthBps, capacityBytes: c.memory.capacityBytes }],
  };
}

function lutGemm(op: GemmOp, c: CpuArch, q: QuantScheme, threads: number): OpResult {
  const s = c.lut;
  const g = s.table.groupSize;
  const tableBits = (s.table.symmetrization ? 2 ** (g - 1) : 2 ** g) * s.table.entryBits;
  if (tableBits > s.simd.tableBytes * 8) {
    throw new InfeasibleError(
      `a table of g=${g}${s.table.symmetrization ? ' (symmetrized)' : ''} × ${s.table.entryBits}-bit entries is ${tableBits / 8} bytes; one lookup instruction of ${c.name} indexes ${s.simd.tableBytes}`,
      { pointer: '/lut/table/groupSize' },
    );
  }
  const counts = mpGemmCounts(op, q, { groupSize: g, symmetrization: s.table.symmetrization });
  const lanes = s.simd.widthBits / s.table.entryBits;
  const fpLanes = s.simd.widthBits / 16;
  const inst = (op.count ?? 1) * op.batch;
  // Output columns are split over threads in blocks of `lanes` (one TBL's worth of outputs).
  const blocks = Math.ceil(op.n / lanes);
  const blocksPerThread = Math.ceil(blocks / threads);
  const tblPerThread = blocksPerThread * op.m * counts.groups * counts.planes * inst;
  const per = opsPerLookupInstruction(s);
  const actScaleGroups = Math.ceil(op.k / s.table.scaleGroupActivations);
  const outputsPerThread = blocksPerThread * lanes * op.m * inst;
  // int16 partial sums → fp16 (convert) and × table scale into the fp accumulators (fma).
  const aggregationOps = (2 * outputsPerThread * counts.planes * actScaleGroups) / fpLanes;
  // Weight-group scales at the end: one multiply-add per output and weight group.
  const scaleOps = (2 * outputsPerThread * counts.scaleGroups) / fpLanes;
  const simdOps = tblPerThread * per.total + aggregationOps + scaleOps;
  const lookupCycles = Math.max(simdOps / s.simd.vectorOpsPerCycle, tblPerThread / s.simd.tableLookupsPerCycle);

  // Table precompute: build adds + (int8 tables) scale, convert, narrow per entry. T-MAC's
  // llama.cpp kernel splits it over activation rows (row i on thread i mod t), so only
  // min(t, m) threads build tables: in decode (m = 1) one thread builds while the others wait.
  const quantOps = s.table.entryBits < 16 ? 3 * counts.tables * counts.tableEntries : 0;
  const precomputeOpsTotal = s.table.precompute === 'fused' ? 0 : (counts.precomputeAdds + quantOps) / fpLanes;
  const precomputeThreads = Math.min(threads, op.m);
  const precomputeOps = precomputeOpsTotal / precomputeThreads;
  const precomputeCycles = precomputeOps / s.simd.vectorOpsPerCycle;

  const traffic = opTraffic(op, q);
  const bw = cpuBandwidthBps(c, threads);
  const memorySeconds = traffic.total / bw;
  const computeSeconds = lookupCycles / s.clockHz;
  const precomputeSeconds = precomputeCycles / s.clockHz;
  // Two barriers per instance: after the table build, and at the end of the graph node.
  const barriers = (s.table.precompute === 'fused' ? 1 : 2) * instances(op);
  const syncSeconds = barriers * barrierSeconds(c, threads);
  const seconds = precomputeSeconds + Math.max(computeSeconds, memorySeconds) + syncSeconds;
  const memoryBound = memorySeconds > computeSeconds;
  // Instructions issued on all threads: the SIMD work of every TBL block once (a thread's work is
  // proportional to its blocks; idle threads of an uneven split issue nothing), one 16-byte load
  // per vector of compulsory bytes, and the table build.
  const loadInstructions = traffic.total / (s.simd.widthBits / 8);
  const instructions = (blocks / blocksPerThread) * simdOps + loadInstructions + precomputeOpsTotal;
  const tableBytes = counts.tables * counts.tableEntries * (s.table.entryBits / 8);
  const accDtype = `int${s.table.accumulatorBits}`;
  const energyPj = energyOf(
    {
      compute: [
        { key: `lookup:int${s.table.entryBits}`, count: counts.lookups },
        { key: `add:${accDtype}`, count: counts.accumulates },
        { key: 'shift_add:fp16', count: counts.planeCombines },
        { key: 'mult:fp16', count: counts.scaleMuls },
        { key: 'add:fp16', count: counts.precomputeAdds },
        { key: 'instruction:cpu', count: instructions },
      ],
      traffic: [
        { level: 'dram', bytes: traffic.total },
        { level: 'l1', bytes: 2 * tableBytes },
        { level: 'register', bytes: counts.lookups * (s.table.entryBits / 8) },
      ],
      seconds,
    },
    c,
  );
  const peakTblPerSecond = threads * lookupInstructionsPerCycle(s) * s.clockHz;
  return {
    cycles: Math.ceil(seconds * s.clockHz),
    seconds,
    flops: opFlops(op),
    bytes: { dram: traffic.total, l1: 2 * tableBytes },
    energyPj,
    bound: memoryBound ? 'memory' : 'compute',
    utilization: memoryBound ? traffic.total / (seconds * bw) : (tblPerThread * threads) / (seconds * peakTblPerSecond),
    breakdown: {
      threads,
      planes: counts.planes,
      lookups: counts.lookups,
      tblInstructionsPerThread: tblPerThread,
      simdOpsPerThread: simdOps + precomputeOps,
      precomputeSeconds,
      precomputeThreads,
      lookupSeconds: computeSeconds,
      memorySeconds,
      syncSeconds,
      bandwidthBps: bw,
      instructions,
    },
    dtype: q.weights.name === 'ternary' ? 'ternary' : `int${counts.planes}`,
  };
}

/** Ops the LUT kernels do not take: SIMD FMA units and the thread group's bandwidth. */
function simdOp(op: Op, c: CpuArch, q: QuantScheme, threads: number): OpResult {
  const s = c.lut;
  const flops = opFlops(op);
  const macs = opMacs(op);
  // Matrix work runs as fp16 FMAs (2 flops per lane-op); the rest as fp32 vector ops.
  const flopsPerCycle = macs > 0 ? s.simd.vectorOpsPerCycle * (s.simd.widthBits / 16) * 2 : s.simd.vectorOpsPerCycle * (s.simd.widthBits / 32);
  const computeSeconds = flops / (threads * flopsPerCycle * s.clockHz);
  const bytes = opTraffic(op, q).total;
  const bw = cpuBandwidthBps(c, threads);
  const memorySeconds = bytes / bw;
  // One barrier per graph node instance (llama.cpp synchronizes after every node).
  const syncSeconds = instances(op) * barrierSeconds(c, threads);
  const seconds = Math.max(computeSeconds, memorySeconds) + syncSeconds;
  const memoryBound = memorySeconds >= computeSeconds;
  // SIMD instructions: one per vector of lanes (an FMA is one instruction for 2 flops per lane),
  // plus one load per vector of bytes moved.
  const vectorBytes = s.simd.widthBits / 8;
  const instructions = (flops / flopsPerCycle) * s.simd.vectorOpsPerCycle + bytes / vectorBytes;
  const energyPj = energyOf(
    {
      compute: [...(macs > 0 ? [{ key: 'mac:fp16', count: macs }] : [{ key: 'vector:fp32', count: flops }]), { key: 'instruction:cpu', count: instructions }],
      traffic: [{ level: 'dram', bytes }],
      seconds,
    },
    c,
  );
  return {
    cycles: Math.ceil(seconds * s.clockHz),
    seconds,
    flops,
    bytes: { dram: bytes },
    energyPj,
    bound: memoryBound ? 'memory' : 'compute',
    utilization: seconds > 0 ? (memoryBound ? memorySeconds : computeSeconds) / seconds : 0,
    breakdown: { threads, computeSeconds, memorySeconds, syncSeconds, bandwidthBps: bw, instructions },
    dtype: macs > 0 ? 'fp16' : 'vector',
  };
}

export function simulateCpu(op: Op, c: CpuArch, q: QuantScheme, options: SimOptions = {}): OpResult {
  const threads = threadsOf(c, options);
  if (op.kind === 'gemm' && isLutGemm(op, q, CPU_WEIGHT_BITS)) return lutGemm(op, c, q, threads);
  const r = simdOp(op, c, q, threads);
  if (op.kind === 'gemm' && op.weight === 'layer') {
    r.notes = [`${q.weights.name} weights are not a 1–4-bit integer format: GEMM runs as fp16 SIMD FMAs`];
  }
  return r;
}
