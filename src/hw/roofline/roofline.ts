/**
 * The roofline baseline, available for every arch kind: each op runs at
 * min(peak compute for its dtype, main-memory bandwidth × arithmetic intensity), with its
 * compulsory traffic (workload/ops.ts). Reports show every cycle model beside it.
 */
import type { ComputeDtype, QuantScheme } from '../../quant/types.ts';
import type { Op } from '../../workload/graph.ts';
import { opComputeDtype, opFlops, opMacs, opTraffic } from '../../workload/ops.ts';
import type { Ceilings, OpResult } from '../model.ts';
import type { ArchConfig } from '../../arch/base.ts';
import { energyOf } from '../../energy/account.ts';

/** Narrower dtypes a device lacks run at the next wider one it has (documented emulation). */
const WIDER: Partial<Record<ComputeDtype, ComputeDtype>> = {
  ternary: 'int2',
  int1: 'int2',
  int2: 'int4',
  int4: 'int8',
  int8: 'fp16',
  fp4: 'fp6',
  fp6: 'fp8',
  fp8: 'fp16',
  bf16: 'fp16',
  fp16: 'bf16',
  tf32: 'fp32',
};

/** The dtype a device actually runs `want` at, following WIDER until it has a peak for it. */
export function resolveDtype(matrix: Ceilings['matrix'], want: ComputeDtype): ComputeDtype | undefined {
  const seen = new Set<ComputeDtype>();
  let d: ComputeDtype | undefined = want;
  while (d && !seen.has(d)) {
    if (matrix[d] !== undefined) return d;
    seen.add(d);
    d = WIDER[d];
  }
  return undefined;
}

export interface RooflinePoint {
  seconds: number;
  flops: number;
  bytes: number;
  intensity: number;
  bound: 'compute' | 'memory';
  dtype: string;
  peakOpsPerSecond: number;
  bandwidthBps: number;
}

export function rooflinePoint(op: Op, ceil: Ceilings, q: QuantScheme): RooflinePoint {
  const flops = opFlops(op);
  const bytes = opTraffic(op, q).total;
  const want = opComputeDtype(op, q);
  let dtype: string = 'vector';
  let peak = ceil.vector;
  if (want !== 'vector') {
    const d = resolveDtype(ceil.matrix, want);
    if (d) {
      dtype = d;
      peak = ceil.matrix[d]!;
    } else {
      // No matrix unit at this width or wider (e.g. fp16 attention on an int-only FPGA): the
      // hardware model must run it narrower, so the bound takes the fastest matrix unit there is.
      for (const [k, v] of Object.entries(ceil.matrix)) {
        if (v !== undefined && v > (dtype === 'vector' ? ceil.vector : peak)) {
          dtype = k;
          peak = v;
        }
      }
    }
  }
  const bw = ceil.memory.reduce((best, l, i) => (i === 0 || l.servesMainMemory ? Math.max(best, l.bandwidthBps) : best), 0);
  const tc = flops / peak;
  const tm = bytes / bw;
  return {
    seconds: Math.max(tc, tm),
    flops,
    bytes,
    intensity: bytes > 0 ? flops / bytes : Infinity,
    bound: tc >= tm ? 'compute' : 'memory',
    dtype,
    peakOpsPerSecond: peak,
    bandwidthBps: bw,
  };
}

/** The roofline as a full OpResult (used as the hardware model until a cycle model exists). */
export function rooflineOpResult(op: Op, arch: ArchConfig, ceil: Ceilings, q: QuantScheme, clockHz: number): OpResult {
  const p = rooflinePoint(op, ceil, q);
  const macs = opMacs(op);
  const energyPj = energyOf(
    {
      compute: [
        ...(macs > 0 && p.dtype !== 'vector' ? [{ key: `mac:${p.dtype}`, count: macs }] : []),
        ...(p.dtype === 'vector' || macs === 0 ? [{ key: 'vector:fp32', count: p.flops }] : []),
      ],
      traffic: [{ level: 'dram', bytes: p.bytes }],
      seconds: p.seconds,
    },
    arch,
  );
  return {
    cycles: Math.ceil(p.seconds * clockHz),
    seconds: p.seconds,
    flops: p.flops,
    bytes: { dram: p.bytes },
    energyPj,
    bound: p.bound,
    utilization: p.bound === 'compute' ? 1 : 1,
    dtype: p.dtype,
  };
}
