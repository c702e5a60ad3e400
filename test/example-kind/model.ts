/**
 * The example kind's model: GEMMs tile the output over a rows × cols array (k cycles per tile
 * plus a fill), bounded by weight streaming from DRAM; every other op at the roofline.
 */
import type { Ceilings, HardwareModel, OpResult } from '../../src/hw/model.ts';
import { rooflineOpResult } from '../../src/hw/roofline/roofline.ts';
import { opFlops, opMacs, opTraffic, instances } from '../../src/workload/ops.ts';
import { energyOf } from '../../src/energy/account.ts';
import { calibrationOf } from '../../src/arch/calibration.ts';
import { systolicArchSchema, SYSTOLIC_DEFAULTS, type SystolicArchConfig } from './schema.ts';
import { EXAMPLE_CALIBRATION } from './calibration.ts';

function ceilings(c: SystolicArchConfig): Ceilings {
  const s = c.systolic;
  return {
    matrix: { fp16: 2 * s.rows * s.cols * s.clockHz },
    vector: c.compute.vectorOpsPerSecond,
    memory: [{ level: 'dram', bandwidthBps: c.memory.bandwidthBps, capacityBytes: c.memory.capacityBytes }],
  };
}

export const systolicExampleModel: HardwareModel<SystolicArchConfig> = {
  kind: 'systolic-example',
  description: 'Example kind of docs/adding-a-hardware-model.md: an output-stationary systolic array.',
  schema: systolicArchSchema,
  calibration: EXAMPLE_CALIBRATION,
  datapaths: () => [],
  ceilings,
  clockHz: (c) => c.systolic.clockHz,
  simulate(op, c, q): OpResult {
    if (op.kind !== 'gemm') return rooflineOpResult(op, c, ceilings(c), q, c.systolic.clockHz);
    const s = c.systolic;
    const fill = s.fillCycles ?? SYSTOLIC_DEFAULTS.fillCycles;
    const tiles = Math.ceil(op.m / s.rows) * Math.ceil(op.n / s.cols) * op.batch * instances(op);
    const computeCycles = tiles * (op.k + fill);
    const bytes = opTraffic(op, q).total;
    const memorySeconds = bytes / (c.memory.bandwidthBps * calibrationOf(c, EXAMPLE_CALIBRATION, 'dramBandwidthEfficiency'));
    const computeSeconds = computeCycles / s.clockHz;
    const seconds = Math.max(computeSeconds, memorySeconds);
    return {
      cycles: Math.ceil(seconds * s.clockHz),
      seconds,
      flops: opFlops(op),
      bytes: { dram: bytes },
      energyPj: energyOf({ compute: [{ key: 'mac:fp16', count: opMacs(op) }], traffic: [{ level: 'dram', bytes }], seconds }, c),
      bound: computeSeconds >= memorySeconds ? 'compute' : 'memory',
      utilization: computeSeconds >= memorySeconds ? opMacs(op) / (computeCycles * s.rows * s.cols) : memorySeconds > 0 ? 1 : 0,
      breakdown: { tiles, computeS: computeSeconds, memoryS: memorySeconds },
      dtype: 'fp16',
    };
  },
};
