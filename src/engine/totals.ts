/**
 * A step's totals, the one place they are added up and derived: per-op results accumulate into
 * sums (time, roofline time, FLOPs, main-memory bytes, energy by component) and the sums become
 * RunResult['totals'] (energy in joules, energy per token, average power, tokens per second).
 * engine/run (one device, one graph) and parallel/ (stages, replicas, pipelines) both use it.
 */
import type { EnergyBreakdownPj, OpResult } from '../hw/model.ts';
import type { RooflinePoint } from '../hw/roofline/roofline.ts';

export interface StepSums {
  seconds: number;
  rooflineSeconds: number;
  flops: number;
  /** Main-memory (DRAM) bytes. */
  bytes: number;
  energyPj: EnergyBreakdownPj;
}

export interface StepTotals extends StepSums {
  energyJ: number;
  energyPerTokenJ: number;
  averagePowerW: number;
  tokensPerSecond: number;
  memoryBytes: number;
}

export function emptySums(): StepSums {
  return { seconds: 0, rooflineSeconds: 0, flops: 0, bytes: 0, energyPj: { compute: 0, onChip: 0, offChip: 0, static: 0 } };
}

/** Joules of an energy breakdown in picojoules. */
export function energyJOf(pj: EnergyBreakdownPj): number {
  return (pj.compute + pj.onChip + pj.offChip + pj.static) * 1e-12;
}

/** Adds `times` × the work (FLOPs, DRAM bytes, energy) to the sums; time is the caller's. */
export function addWork(s: StepSums, flops: number, bytes: number, energyPj: EnergyBreakdownPj, times = 1): void {
  s.flops += times * flops;
  s.bytes += times * bytes;
  s.energyPj.compute += times * energyPj.compute;
  s.energyPj.onChip += times * energyPj.onChip;
  s.energyPj.offChip += times * energyPj.offChip;
  s.energyPj.static += times * energyPj.static;
}

/** Adds `times` runs of one op (its model result and its roofline point) to the sums. */
export function addOp(s: StepSums, r: OpResult, p: RooflinePoint, times = 1): void {
  s.seconds += times * r.seconds;
  s.rooflineSeconds += times * p.seconds;
  addWork(s, r.flops, r.bytes['dram'] ?? 0, r.energyPj, times);
}

/** The step's totals from its sums, the tokens it processes and the memory it holds. */
export function stepTotals(s: StepSums, tokens: number, memoryBytes: number): StepTotals {
  const energyJ = energyJOf(s.energyPj);
  return {
    seconds: s.seconds,
    rooflineSeconds: s.rooflineSeconds,
    flops: s.flops,
    bytes: s.bytes,
    energyJ,
    energyPj: s.energyPj,
    energyPerTokenJ: energyJ / tokens,
    averagePowerW: s.seconds > 0 ? energyJ / s.seconds : 0,
    tokensPerSecond: tokens / s.seconds,
    memoryBytes,
  };
}
