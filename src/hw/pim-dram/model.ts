/**
 * PIM DRAM model (HBM-PIM, GDDR6-AiM, PIM-GPT, NeuPIMs): processing units beside DRAM banks that
 * compute on their open rows in all-bank mode, timed command by command on memory/'s bank model,
 * plus the host unit (PIM-GPT's ASIC, NeuPIMs' NPU) that runs what PIM cannot and reaches the
 * same DRAM through the normal path. Pipeline per op:
 *   dispatch (config policy; 'auto' takes the faster) → PIM: map (mapping.ts) → schedule
 *   (schedule.ts) → refresh → energy; host: max(compute at its peak, bytes at the DRAM's
 *   sustained streaming bandwidth) → energy.
 * Equations, the mapping and sources: docs/models/pim-dram.md.
 */
import type { AttentionOp, ElementwiseOp, GemmOp, Op } from '../../workload/graph.ts';
import type { ComputeDtype, QuantScheme } from '../../quant/types.ts';
import { activationStorageBytes, attentionScores, instances, opComputeDtype, opFlops, opMacs, opTraffic } from '../../workload/ops.ts';
import { energyOf, type EnergyWork } from '../../energy/account.ts';
import { cyclesToSeconds } from '../../memory/timing.ts';
import type { Bound, Ceilings, EnergyBreakdownPj, OpResult } from '../model.ts';
import { resolveDtype } from '../roofline/roofline.ts';
import { hostStream, hostStreamBps, resolveDram, type ResolvedDram } from './dram.ts';
import { mapGemv, type GemvJob } from './mapping.ts';
import { pimTiming, scheduleElementwise, scheduleGemv, unitCyclesPerBurst } from './schedule.ts';
import type { PimArchConfig } from './schema.ts';
import { systolicGemmOp } from './systolic.ts';

/** One unit's share of an op: seconds, traffic and the work energy is charged for. */
export interface Part {
  seconds: number;
  /** Host: seconds waiting on memory / computing. PIM: all memory-side. */
  memorySeconds: number;
  computeSeconds: number;
  busBytes: number;
  bankBytes: number;
  /** Bytes of rows opened by PIM activations (energy level 'dram-activate'). */
  activatedBytes: number;
  work: EnergyWork['compute'];
  breakdown: Record<string, number>;
  bound: Bound;
  utilization: number;
}

function emptyPart(): Part {
  return {
    seconds: 0,
    memorySeconds: 0,
    computeSeconds: 0,
    busBytes: 0,
    bankBytes: 0,
    activatedBytes: 0,
    work: [],
    breakdown: {},
    bound: 'memory',
    utilization: 0,
  };
}

function unitBits(c: PimArchConfig): number {
  return c.pim.unit.dtype === 'int8' ? 8 : 16;
}

/** Peak MAC rate of all PIM units, FLOP/s: limited by the unit clock and by the column-command rate. */
export function pimPeakFlops(c: PimArchConfig): number {
  const d = resolveDram(c);
  const t = pimTiming(c, d);
  const elems = Math.floor((d.org.burstBytes * 8) / unitBits(c));
  const spacing = Math.max(t.nCCDL, unitCyclesPerBurst(c, t, elems));
  const units = d.channels * (d.banksPerChannel / c.pim.unit.banksPerUnit);
  return (2 * units * elems) / cyclesToSeconds(spacing, t);
}

/** Whether the PIM units can run a MAC at the op's dtype (natively or widened to the unit's). */
export function pimSupportsDtype(c: PimArchConfig, want: string): boolean {
  if (!c.pim.unit.ops.includes('mac')) return false;
  if (want === 'vector') return false;
  return resolveDtype({ [c.pim.unit.dtype]: 1 }, want as never) === c.pim.unit.dtype;
}

/** A GEMV job on the PIM units, timed. */
export function pimGemv(job: GemvJob, c: PimArchConfig, macs: number): Part {
  const d = resolveDram(c);
  const m = mapGemv(job, c, d);
  const s = scheduleGemv(job, m, c, d);
  const hostAdds = job.groups * job.vectors * job.outputs * Math.max(0, m.partialsPerOutput - 1);
  // The host adds the partial sums it read back once the schedule has delivered them.
  const reduceSeconds = hostAdds / c.pim.host.vectorOpsPerSecond;
  const seconds = cyclesToSeconds(s.cycles, d.timing) + reduceSeconds;
  const activeFrac = m.activeChannels / d.channels;
  const busBytes = s.stats.busBursts * d.org.burstBytes * m.activeChannels;
  const bankBytes = s.stats.bankBursts * d.org.burstBytes * m.activeChannels;
  const bankActivations = s.stats.bankActivations * m.activeChannels;
  // A fixed kernel program (pim.kernel.padTiles) executes — and burns — the padded MACs too:
  // every MAC command moves one burst of elemsPerBurst MACs in each unit of each active channel.
  const executedMacs = m.passes * m.macCommandsPerPass * m.unitsPerChannel * m.elemsPerBurst * m.activeChannels;
  const chargedMacs = c.pim.kernel?.padTiles ? Math.max(macs, executedMacs) : macs;
  const work: EnergyWork['compute'] = [{ key: `mac:${c.pim.unit.dtype}`, count: chargedMacs }];
  if (hostAdds > 0) work.push({ key: 'add:fp32', count: hostAdds });
  const unitBound = s.unitCyclesPerMac > pimTiming(c, d).nCCDL;
  const macShare = seconds > 0 ? cyclesToSeconds(s.macCycles, d.timing) / seconds : 0;
  return {
    seconds,
    memorySeconds: seconds,
    computeSeconds: 0,
    busBytes,
    bankBytes,
    activatedBytes: bankActivations * d.org.rowBytes,
    work,
    breakdown: {
      pimMacCycles: s.macCycles,
      pimOverheadCycles: s.busyCycles - s.macCycles,
      pimRefreshCycles: s.cycles - s.busyCycles,
      pimRowActivations: s.stats.actCommands,
      pimPasses: m.passes,
      pimKSplit: m.kSplit,
      pimActiveChannelFraction: activeFrac,
      pimUsefulMacFraction: executedMacs > 0 ? Math.min(1, macs / executedMacs) : 1,
      hostReduceSeconds: reduceSeconds,
    },
    bound: unitBound ? 'compute' : macShare < 0.5 ? 'overhead' : 'memory',
    utilization: macShare * activeFrac,
  };
}

/** The host unit running an op from DRAM through the normal path. */
export function hostPart(op: Op, c: PimArchConfig, q: QuantScheme, d: ResolvedDram, bytesOverride?: number): Part {
  const flops = opFlops(op);
  const want = opComputeDtype(op, q);
  let peak = c.pim.host.vectorOpsPerSecond;
  let dtype = 'vector';
  if (want !== 'vector') {
    const r = resolveDtype(c.pim.host.matrixOpsPerSecond, want);
    if (r) {
      peak = c.pim.host.matrixOpsPerSecond[r]!;
      dtype = r;
    }
  }
  // A systolic host times its GEMMs tile by tile (systolic.ts), with the traffic its tiling moves.
  const sys = op.kind === 'gemm' && dtype !== 'vector' && c.pim.host.systolic ? systolicGemmOp(op, c.pim.host.systolic, q) : undefined;
  const bytes = bytesOverride ?? sys?.bytes ?? opTraffic(op, q).total;
  const memorySeconds = bytes / hostStreamBps(d);
  const computeSeconds = sys ? sys.computeSeconds : flops / peak;
  const macs = opMacs(op);
  const work: EnergyWork['compute'] = macs > 0 && dtype !== 'vector' ? [{ key: `mac:${dtype}`, count: macs }] : [{ key: 'vector:fp32', count: flops }];
  const seconds = Math.max(memorySeconds, computeSeconds);
  return {
    seconds,
    memorySeconds,
    computeSeconds,
    busBytes: bytes,
    bankBytes: 0,
    activatedBytes: 0,
    work,
    breakdown: { hostSeconds: seconds, hostMemorySeconds: memorySeconds, hostComputeSeconds: computeSeconds, ...sys?.breakdown },
    bound: computeSeconds >= memorySeconds ? 'compute' : 'memory',
    utilization: sys && computeSeconds >= memorySeconds ? sys.breakdown['npuArrayUtilization']! : 1,
  };
}

function gemmJob(op: GemmOp, c: PimArchConfig, q: QuantScheme): GemvJob {
  const act = activationStorageBytes(q) * 8;
  const weightBits = op.weight === 'layer' ? q.weights.bitsPerElement : op.weight === 'aux' ? q.embeddings.bitsPerElement : act;
  return op.weight === 'none'
    ? { groups: op.batch, inputs: op.k, outputs: op.n, vectors: op.m, weightBits, inputBits: unitBits(c) }
    : { groups: 1, inputs: op.k, outputs: op.n, vectors: op.m * op.batch, weightBits, inputBits: unitBits(c) };
}

function scale(p: Part, k: number): Part {
  return {
    ...p,
    seconds: p.seconds * k,
    memorySeconds: p.memorySeconds * k,
    computeSeconds: p.computeSeconds * k,
    busBytes: p.busBytes * k,
    bankBytes: p.bankBytes * k,
    activatedBytes: p.activatedBytes * k,
    work: p.work.map((w) => ({ key: w.key, count: w.count * k })),
    breakdown: Object.fromEntries(Object.entries(p.breakdown).map(([key, v]) => [key, /Fraction|KSplit/.test(key) ? v : v * k])),
  };
}

function pimGemm(op: GemmOp, c: PimArchConfig, q: QuantScheme): Part {
  const job = gemmJob(op, c, q);
  const p = pimGemv(job, c, opMacs(op) / instances(op));
  return scale(p, instances(op));
}

/** An elementwise op (add, mul, relu) computed in the banks: operands and result stay in DRAM. */
export function pimElementwise(op: ElementwiseOp, c: PimArchConfig, q: QuantScheme): Part {
  const d = resolveDram(c);
  const elemBytes = activationStorageBytes(q);
  const s = scheduleElementwise(op.elements, op.inputs, elemBytes, c, d);
  const seconds = cyclesToSeconds(s.cycles, d.timing);
  return {
    seconds,
    memorySeconds: seconds,
    computeSeconds: 0,
    busBytes: 0,
    bankBytes: s.stats.bankBursts * d.org.burstBytes * d.channels,
    activatedBytes: s.stats.bankActivations * d.org.rowBytes * d.channels,
    work: [{ key: `add:${c.pim.unit.dtype === 'int8' ? 'int8' : 'fp16'}`, count: op.elements * (op.fn === 'relu' ? 1 : op.inputs - 1) }],
    breakdown: {
      pimMacCycles: s.macCycles,
      pimOverheadCycles: s.busyCycles - s.macCycles,
      pimRefreshCycles: s.cycles - s.busyCycles,
      pimRowActivations: s.stats.actCommands,
    },
    bound: s.cycles > 0 && s.macCycles / s.cycles < 0.5 ? 'overhead' : 'memory',
    utilization: s.cycles > 0 ? s.macCycles / s.cycles : 0,
  };
}

/** Attention on PIM (decode): QKᵀ and PV as GEMVs over each sequence's KV cache, softmax on the host. */
export interface AttentionParts {
  qk: Part;
  softmax: Part;
  pv: Part;
  append: Part;
}

export function pimAttentionParts(op: AttentionOp, c: PimArchConfig, q: QuantScheme): AttentionParts {
  const d = resolveDram(c);
  const kvBits = q.kv.bitsPerElement;
  const groups = op.batch * op.kvHeads;
  const vectors = op.qLen * (op.heads / op.kvHeads);
  const keys = op.window > 0 ? Math.min(op.kvLen, op.window) : op.kvLen;
  const macsHalf = opMacs(op) / 2 / instances(op);
  const qk = pimGemv({ groups, inputs: op.headDim, outputs: keys, vectors, weightBits: kvBits, inputBits: unitBits(c) }, c, macsHalf);
  const pv = pimGemv({ groups, inputs: keys, outputs: op.headDim, vectors, weightBits: kvBits, inputBits: unitBits(c) }, c, macsHalf);
  const scores = attentionScores(op) / instances(op);
  const softmaxSeconds = (5 * scores) / c.pim.host.vectorOpsPerSecond;
  const softmax: Part = {
    ...emptyPart(),
    seconds: softmaxSeconds,
    computeSeconds: softmaxSeconds,
    work: [{ key: 'vector:fp32', count: 5 * scores }],
    breakdown: { hostSoftmaxSeconds: softmaxSeconds },
    bound: 'compute',
    utilization: 1,
  };
  // The new keys and values are written by the host through the normal path.
  const appendBytes = (2 * op.batch * op.kvHeads * op.qLen * op.headDim * kvBits) / 8;
  const ws = hostStream(d, appendBytes, 'WR');
  const append: Part = {
    ...emptyPart(),
    seconds: ws.seconds,
    memorySeconds: ws.seconds,
    busBytes: appendBytes,
    breakdown: { hostKvAppendSeconds: ws.seconds },
    bound: 'memory',
    utilization: 1,
  };
  return { qk, softmax, pv, append };
}

/** Combines the attention parts under the concurrency options. */
export function attentionTime(a: AttentionParts, half: AttentionParts | undefined, c: PimArchConfig): { seconds: number; breakdown: Record<string, number> } {
  const dual = c.pim.concurrency.dualRowBuffer;
  const chain = (x: AttentionParts) => x.qk.seconds + x.softmax.seconds + x.pv.seconds;
  const blocked = chain(a) + a.append.seconds;
  let seconds = dual ? Math.max(a.qk.seconds + a.pv.seconds, a.append.seconds) + a.softmax.seconds : blocked;
  const breakdown: Record<string, number> = { blockedSeconds: blocked };
  if (dual) breakdown['dualRowBufferSavedSeconds'] = blocked - seconds;
  if (half) {
    // Two sub-batches: PIM runs QK_A, QK_B, PV_A, PV_B; the host's softmax of one overlaps PIM work of the other.
    const qkA = half.qk.seconds,
      qkB = half.qk.seconds,
      sm = half.softmax.seconds,
      pv = half.pv.seconds;
    const smA = qkA + sm;
    const pimFree = qkA + qkB;
    const pvA = Math.max(pimFree, smA) + pv;
    const smB = Math.max(pimFree, smA) + sm;
    const pvB = Math.max(pvA, smB) + pv;
    const app = dual ? Math.max(0, half.append.seconds * 2 - (pvB - 2 * sm)) : half.append.seconds * 2;
    const inter = pvB + app;
    if (inter < seconds) {
      breakdown['subBatchSavedSeconds'] = seconds - inter;
      seconds = inter;
    } else breakdown['subBatchSavedSeconds'] = 0;
  }
  return { seconds, breakdown };
}

function halfOp(op: AttentionOp): AttentionOp | undefined {
  return op.batch >= 2 ? { ...op, batch: Math.ceil(op.batch / 2) } : undefined;
}

interface Plan {
  unit: 'pim' | 'host' | 'pim+host';
  seconds: number;
  parts: Part[];
  breakdown: Record<string, number>;
  bound: Bound;
  utilization: number;
  notes: string[];
}

function hostPlan(op: Op, c: PimArchConfig, q: QuantScheme, note?: string): Plan {
  const p = hostPart(op, c, q, resolveDram(c));
  return {
    unit: 'host',
    seconds: p.seconds,
    parts: [p],
    breakdown: { ...p.breakdown, onPim: 0 },
    bound: p.bound,
    utilization: p.utilization,
    notes: note ? [note] : [],
  };
}

function choose(policy: 'auto' | 'pim' | 'host', pim: () => Plan, host: () => Plan, vectors = 1, maxVectors = Infinity): Plan {
  if (policy === 'host' || vectors > maxVectors) return host();
  const p = pim();
  if (policy === 'pim') return p;
  const h = host();
  return p.seconds <= h.seconds ? p : h;
}

export function planOp(op: Op, c: PimArchConfig, q: QuantScheme): Plan {
  const want = opComputeDtype(op, q);
  switch (op.kind) {
    case 'gemm': {
      if (!pimSupportsDtype(c, want)) return hostPlan(op, c, q, `pim: units compute ${c.pim.unit.dtype}, op needs ${want}: ran on the host`);
      return choose(
        c.pim.dispatch.gemm,
        () => {
          const p = pimGemm(op, c, q);
          return {
            unit: 'pim',
            seconds: p.seconds,
            parts: [p],
            breakdown: { ...p.breakdown, pimSeconds: p.seconds, onPim: 1 },
            bound: p.bound,
            utilization: p.utilization,
            notes: [],
          };
        },
        () => hostPlan(op, c, q),
        gemmJob(op, c, q).vectors,
        c.pim.dispatch.pimMaxVectors,
      );
    }
    case 'attention': {
      if (!pimSupportsDtype(c, want)) return hostPlan(op, c, q, `pim: units compute ${c.pim.unit.dtype}, attention needs ${want}: ran on the host`);
      return choose(
        c.pim.dispatch.attention,
        () => {
          const k = instances(op);
          const a = pimAttentionParts(op, c, q);
          const h = c.pim.concurrency.subBatchInterleave ? halfOp(op) : undefined;
          const t = attentionTime(a, h ? pimAttentionParts(h, c, q) : undefined, c);
          const parts = [a.qk, a.softmax, a.pv, a.append].map((p) => scale(p, k));
          return {
            unit: 'pim+host',
            seconds: t.seconds * k,
            parts,
            breakdown: {
              pimSeconds: (a.qk.seconds + a.pv.seconds) * k,
              pimQkSeconds: a.qk.seconds * k,
              pimPvSeconds: a.pv.seconds * k,
              hostSoftmaxSeconds: a.softmax.seconds * k,
              hostKvAppendSeconds: a.append.seconds * k,
              ...Object.fromEntries(Object.entries(t.breakdown).map(([key, v]) => [key, v * k])),
              pimRowActivations: ((a.qk.breakdown['pimRowActivations'] ?? 0) + (a.pv.breakdown['pimRowActivations'] ?? 0)) * k,
              onPim: 1,
            },
            bound: a.qk.bound,
            utilization: (a.qk.utilization + a.pv.utilization) / 2,
            notes: [],
          };
        },
        () => hostPlan(op, c, q),
        op.qLen * (op.heads / op.kvHeads),
        c.pim.dispatch.pimMaxVectors,
      );
    }
    case 'elementwise': {
      const fn = op.fn as string;
      if (!(['add', 'mul', 'relu'] as string[]).includes(fn) || !c.pim.unit.ops.includes(fn as 'add')) return hostPlan(op, c, q);
      return choose(
        c.pim.dispatch.elementwise,
        () => {
          const p = scale(pimElementwise(op, c, q), instances(op));
          return {
            unit: 'pim',
            seconds: p.seconds,
            parts: [p],
            breakdown: { ...p.breakdown, pimSeconds: p.seconds, onPim: 1 },
            bound: p.bound,
            utilization: p.utilization,
            notes: [],
          };
        },
        () => hostPlan(op, c, q),
      );
    }
    default:
      return hostPlan(op, c, q);
  }
}

export function pimCeilings(c: PimArchConfig): Ceilings {
  const d = resolveDram(c);
  const internalBps = (pimPeakFlops(c) / 2) * (unitBits(c) / 8);
  // The bound for a heterogeneous host + PIM system: the faster of the two at each dtype.
  const matrix: Ceilings['matrix'] = { ...c.pim.host.matrixOpsPerSecond };
  // 16-bit units take fp16 and bf16 operands alike (the model converts between them).
  const unitDtypes: ComputeDtype[] = c.pim.unit.dtype === 'int8' ? ['int8'] : ['fp16', 'bf16'];
  for (const d of unitDtypes) matrix[d] = Math.max(matrix[d] ?? 0, pimPeakFlops(c));
  return {
    matrix,
    vector: c.pim.host.vectorOpsPerSecond,
    memory: [
      { level: 'dram', bandwidthBps: c.memory.bandwidthBps, capacityBytes: c.memory.capacityBytes },
      { level: 'pim-bank', bandwidthBps: internalBps, servesMainMemory: true },
      { level: 'dram-sustained', bandwidthBps: hostStreamBps(d) },
    ],
  };
}

export function simulatePim(op: Op, c: PimArchConfig, q: QuantScheme): OpResult {
  const d = resolveDram(c);
  const plan = planOp(op, c, q);
  const busBytes = plan.parts.reduce((s, p) => s + p.busBytes, 0);
  const bankBytes = plan.parts.reduce((s, p) => s + p.bankBytes, 0);
  const activatedBytes = plan.parts.reduce((s, p) => s + p.activatedBytes, 0);
  // Host traffic: the technology's per-byte energy (activation amortized in it). PIM: the bank's
  // column access per byte plus every row it opened, counted from the command schedule.
  const energyPj: EnergyBreakdownPj = energyOf(
    {
      compute: plan.parts.flatMap((p) => p.work),
      traffic: [
        { level: 'dram', bytes: busBytes },
        ...(bankBytes > 0
          ? [
              { level: 'pim-bank-column', bytes: bankBytes },
              { level: 'dram-activate', bytes: activatedBytes },
            ]
          : []),
      ],
      seconds: plan.seconds,
    },
    c,
  );
  const clock = 1e12 / d.timing.tCK_ps;
  return {
    cycles: Math.ceil(plan.seconds * clock - 1e-6),
    seconds: plan.seconds,
    flops: opFlops(op),
    bytes: { dram: busBytes, ...(bankBytes > 0 ? { 'pim-bank': bankBytes } : {}) },
    energyPj,
    bound: plan.bound,
    utilization: Math.min(1, plan.utilization),
    breakdown: plan.breakdown,
    dtype: plan.unit === 'host' ? opComputeDtype(op, q) : c.pim.unit.dtype,
    notes: [`ran on ${plan.unit === 'host' ? c.pim.host.name : plan.unit === 'pim' ? 'PIM units' : `PIM units + ${c.pim.host.name}`}`, ...plan.notes],
  };
}
