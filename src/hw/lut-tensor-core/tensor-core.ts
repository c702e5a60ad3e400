/**
 * LUT Tensor Core variant (Mo et al., ISCA 2025): LUT units beside a host GPU.
 *
 * Per low-bit weight GEMM (m rows, n outputs, k inputs, b planes; unit tile tm × tn × g):
 *   items      = ⌈m/tm⌉ · ⌈n/tn⌉ · batch · instances         (output tiles)
 *   splitK     = min(⌊units/items⌋, ⌈k/g⌉) when items < units  (otherwise 1)
 *   cycles     = ⌈items·splitK / units⌉ · ⌈⌈k/g⌉/splitK⌉ · b  (bit-serial: one plane per cycle)
 *   operands   = tn·g/8 weight-plane bytes per cycle + tm·entries·entryBytes table refill per b cycles;
 *                above operandBytesPerCyclePerUnit the unit stalls in proportion
 *   precompute = 'separate': table build adds on the host vector units, tables written to and read
 *                back from DRAM; 'fused': built in the previous op's epilogue (no cycles here),
 *                the GEMM reads tables instead of activations
 *   memory     = DRAM bytes / (memory bandwidth × calibration dramBandwidthEfficiency)
 *   time       = launch + fill + precompute + max(cycles/clock, memory)
 *                (launch: calibration kernelLaunchSeconds per kernel, a separate precompute is a
 *                second kernel; fill: lut.dramLatencySeconds — the same host terms the GPU model uses)
 * Everything else (attention, norms, fp16 lm_head, 8/16-bit weights) runs on the host's MAC and
 * vector units (the `compute` section) at its roofline over the sustained DRAM bandwidth, plus
 * one kernel launch.
 */
import type { GemmOp, Op } from '../../workload/graph.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { opFlops, opTraffic } from '../../workload/ops.ts';
import type { Ceilings, OpResult } from '../model.ts';
import { rooflineOpResult } from '../roofline/roofline.ts';
import { energyOf } from '../../energy/account.ts';
import { AccelscopeError, InfeasibleError } from '../../util/errors.ts';
import { calibrationOf } from '../../arch/calibration.ts';
import { LUT_CALIBRATION } from './calibration.ts';
import { isLutGemm, mpGemmCounts } from './mpgemm.ts';
import { LUT_DEFAULTS, type LutArchConfig, type LutTensorCoreSection } from './schema.ts';

export type TensorCoreArch = LutArchConfig & { lut: LutTensorCoreSection };

function hostCompute(c: TensorCoreArch): NonNullable<LutArchConfig['compute']> {
  if (!c.compute) throw new AccelscopeError('schema', `${c.name}: a tensor-core LUT design needs the host's 'compute' section`, { pointer: '/compute' });
  return c.compute;
}

/** Equivalent peak of the LUT units for b-bit weights: each lookup is g MACs of one plane. */
export function lutPeakOpsPerSecond(s: LutTensorCoreSection, planes: number): number {
  return (s.units * s.tile.m * s.tile.n * s.tile.k * 2 * s.clockHz) / planes;
}

export function tensorCoreCeilings(c: TensorCoreArch): Ceilings {
  const host = hostCompute(c);
  const s = c.lut;
  const matrix = { ...host.matrixOpsPerSecond };
  const lut = { int1: lutPeakOpsPerSecond(s, 1), ternary: lutPeakOpsPerSecond(s, 2), int2: lutPeakOpsPerSecond(s, 2), int4: lutPeakOpsPerSecond(s, 4) };
  for (const [d, v] of Object.entries(lut) as [keyof typeof lut, number][]) {
    if (s.weightBits.includes(d === 'ternary' ? 2 : Number(d.slice(3)))) matrix[d] = Math.max(matrix[d] ?? 0, v);
  }
  return {
    matrix,
    vector: host.vectorOpsPerSecond,
    memory: [
      { level: 'dram', bandwidthBps: c.memory.bandwidthBps, capacityBytes: c.memory.capacityBytes },
      ...(c.onChip ?? []).map((l) => ({ level: l.level, bandwidthBps: l.bandwidthBps, capacityBytes: l.capacityBytes })),
    ],
  };
}

/** The dtype of a table entry built from activations of this compute dtype. */
function entryDtype(actDtype: string): 'fp16' | 'int16' {
  return actDtype === 'int8' ? 'int16' : 'fp16';
}

function lutGemm(op: GemmOp, c: TensorCoreArch, q: QuantScheme): OpResult {
  const s = c.lut;
  const act = q.activations.computeDtype;
  if (!(s.activationDtypes as readonly string[]).includes(act)) {
    throw new InfeasibleError(`${c.name} builds tables from ${s.activationDtypes.join('/')} activations, not ${act}`, { pointer: '/lut/activationDtypes' });
  }
  const g = s.tile.k;
  const counts = mpGemmCounts(op, q, { groupSize: g, symmetrization: s.table.symmetrization });
  const b = counts.planes;
  const inst = (op.count ?? 1) * op.batch;
  const items = Math.ceil(Math.ceil(op.m / s.tile.m) * Math.ceil(op.n / s.tile.n) * inst);
  const kSteps = counts.groups;
  const splitK = items < s.units ? Math.max(1, Math.min(Math.floor(s.units / items), kSteps)) : 1;
  const waves = Math.ceil((items * splitK) / s.units);
  const cyclesPerItem = Math.ceil(kSteps / splitK) * b;
  const entryBytes = s.table.entryBits / 8;
  const unitTableBytes = s.tile.m * counts.tableEntries * entryBytes;
  if (s.table.capacityBytesPerUnit !== undefined && unitTableBytes > s.table.capacityBytesPerUnit) {
    throw new InfeasibleError(
      `a LUT unit holds ${s.tile.m} tables of ${counts.tableEntries} × ${s.table.entryBits}-bit entries = ${unitTableBytes} bytes, above its ${s.table.capacityBytesPerUnit}-byte table storage`,
      { pointer: '/lut/table/capacityBytesPerUnit' },
    );
  }
  // Operand traffic per unit-cycle: one plane of tn × g weight bits, and a table refill of
  // tm tables, reused over the b planes of the same activation group.
  const operandBytesPerCycle = (s.tile.n * g) / 8 + (s.tile.m * counts.tableEntries * entryBytes) / b;
  const stall = Math.max(1, operandBytesPerCycle / s.operandBytesPerCyclePerUnit);
  const lutCycles = waves * cyclesPerItem * stall;

  const traffic = opTraffic(op, q);
  const launchSeconds = calibrationOf(c, LUT_CALIBRATION, 'kernelLaunchSeconds');
  const bwBps = c.memory.bandwidthBps * calibrationOf(c, LUT_CALIBRATION, 'dramBandwidthEfficiency');
  const fillSeconds = s.dramLatencySeconds ?? LUT_DEFAULTS.dramLatencySeconds;
  const tableBytes = counts.tables * counts.tableEntries * entryBytes;
  const actInBytes = (op.m * op.k * inst * q.activations.bitsPerElement) / 8;
  let dram: number;
  let precomputeSeconds = 0;
  if (s.table.precompute === 'separate') {
    // A precompute kernel on the host vector units reads the activations and writes tables;
    // the GEMM reads the tables back.
    dram = traffic.total + 2 * tableBytes;
    precomputeSeconds = launchSeconds + Math.max(counts.precomputeAdds / hostCompute(c).vectorOpsPerSecond, (actInBytes + tableBytes) / bwBps);
  } else {
    dram = traffic.total - actInBytes + tableBytes;
  }
  const computeSeconds = lutCycles / s.clockHz;
  const memorySeconds = dram / bwBps;
  const seconds = launchSeconds + fillSeconds + precomputeSeconds + Math.max(computeSeconds, memorySeconds);
  const memoryBound = memorySeconds > computeSeconds;
  const ed = entryDtype(act);
  const accKey = ed === 'fp16' ? 'fp16' : 'int32';
  const energyPj = energyOf(
    {
      compute: [
        { key: `lookup:${ed}`, count: counts.lookups },
        { key: `add:${accKey}`, count: counts.accumulates },
        { key: `shift_add:${accKey}`, count: counts.planeCombines },
        { key: 'mult:fp16', count: counts.scaleMuls },
        { key: `add:${ed}`, count: counts.precomputeAdds },
      ],
      traffic: [
        { level: 'dram', bytes: dram },
        // Weight planes and table refills read from the register file/SRAM into the units.
        { level: 'register', bytes: waves * cyclesPerItem * s.units * operandBytesPerCycle },
        // Every lookup reads one entry from the unit's table storage.
        { level: s.table.storage ?? LUT_DEFAULTS.storage, bytes: counts.lookups * entryBytes },
      ],
      seconds,
    },
    c,
  );
  const usefulLookupSlots = counts.lookups / (s.units * s.tile.m * s.tile.n);
  return {
    cycles: Math.ceil(seconds * s.clockHz),
    seconds,
    flops: opFlops(op),
    bytes: { dram },
    energyPj,
    bound: memoryBound ? 'memory' : 'compute',
    utilization: memoryBound ? dram / (seconds * bwBps) : usefulLookupSlots / (seconds * s.clockHz),
    breakdown: {
      planes: b,
      items,
      splitK,
      waves,
      lutCycles,
      operandStall: stall,
      launchSeconds,
      fillSeconds,
      precomputeSeconds,
      lookupSeconds: computeSeconds,
      memorySeconds,
      tableBytes,
    },
    dtype: q.weights.name === 'ternary' ? 'ternary' : `int${b}`,
  };
}

/**
 * An op the LUT units do not take, on the host: its roofline at the sustained DRAM bandwidth,
 * plus one kernel launch (the same host terms the LUT kernels pay).
 */
function hostOp(op: Op, c: TensorCoreArch, q: QuantScheme): OpResult {
  const ceil = tensorCoreCeilings(c);
  const eff = calibrationOf(c, LUT_CALIBRATION, 'dramBandwidthEfficiency');
  const sustained = { ...ceil, memory: ceil.memory.map((m, i) => (i === 0 ? { ...m, bandwidthBps: m.bandwidthBps * eff } : m)) };
  const r = rooflineOpResult(op, c, sustained, q, c.lut.clockHz);
  const launchSeconds = calibrationOf(c, LUT_CALIBRATION, 'kernelLaunchSeconds');
  const seconds = r.seconds + launchSeconds;
  return { ...r, seconds, cycles: Math.ceil(seconds * c.lut.clockHz), breakdown: { launchSeconds, rooflineSeconds: r.seconds } };
}

export function simulateTensorCore(op: Op, c: TensorCoreArch, q: QuantScheme): OpResult {
  if (op.kind === 'gemm' && isLutGemm(op, q, c.lut.weightBits)) return lutGemm(op, c, q);
  const r = hostOp(op, c, q);
  if (op.kind === 'gemm' && op.weight === 'layer') {
    r.notes = [`${q.weights.name} weights are outside the LUT units' ${c.lut.weightBits.join('/')}-bit planes: dequantize-then-MMA on the host tensor cores`];
  }
  return r;
}
