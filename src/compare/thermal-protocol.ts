/**
 * The thermal state of a measured run (issue 19, thermal): how long the die had been heated when a
 * measurement was timed, from the measurement protocol the data file states, and the die
 * temperature the GPU's thermal network (hw/gpu-tensor-core/thermal.ts) gives for it. A kernel
 * timed alone after warm-up calls and a whole step repeated heat the die for different times at
 * different powers; the leakage at that temperature moves the power-limited clock.
 *
 * Protocols (data/measured/*.json `method`), counted up to the median timed call, back to back
 * (the gaps between calls — an L2 flush, host synchronisation — are left out: they would let the
 * die cool, so this is an upper bound on the temperature):
 * - GEMM microbenchmarks: 5 warm-up calls, median of 20 (8 for the largest) → 5 + 10 (or 5 + 4) calls;
 * - decode step (CUDA graph replay): warm-up (taken as 1), median of 20 → 11 replays;
 * - eager prefill: warm-up (taken as 1), median of 3 → 3 forwards.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { GpuArchConfig } from '../hw/gpu-tensor-core/config.ts';
import type { HardwareModel, SimOptions } from '../hw/model.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { GemmOp } from '../workload/graph.ts';
import { settleDieTemp } from '../hw/gpu-tensor-core/thermal.ts';
import { BENCH_REPETITIONS } from '../engine/power-history.ts';

/** Calls (or replays) of the measured thing that heat the die up to the end of the median timed one. */
export const MEASURED_HEATED_CALLS = {
  gemm: (reps: number) => 5 + Math.ceil(reps / 2),
  decodeStep: BENCH_REPETITIONS.decodeStep,
  prefillStep: BENCH_REPETITIONS.prefillStep,
} as const;

/** The settled die temperature of a run repeated `calls` times back to back from the idle board, °C; undefined without a thermal network. */
export function repeatedRunDieTemp(arch: ArchConfig, calls: number, runAt: (dieTempC: number) => { seconds: number; powerW: number }): number | undefined {
  const p = (arch as GpuArchConfig).gpu?.power;
  if (!p?.thermal) return undefined;
  return settleDieTemp(p, arch.power?.idleW ?? 0, runAt, (seconds) => calls * seconds).tempC;
}

/** A GEMM microbenchmark's die temperature: `calls` calls of the kernel at its own power, from the idle board. */
export function gemmDieTemp(model: HardwareModel, arch: ArchConfig, op: GemmOp, q: QuantScheme, options: SimOptions, calls: number): number | undefined {
  return repeatedRunDieTemp(arch, calls, (dieTempC) => {
    const r = model.simulate(op, arch, q, { ...options, dieTempC });
    const e = r.energyPj;
    return { seconds: r.seconds, powerW: r.seconds > 0 ? ((e.compute + e.onChip + e.offChip + e.static) * 1e-12) / r.seconds : 0 };
  });
}
