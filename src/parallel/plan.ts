/**
 * A parallelism plan: tensor (tp), pipeline (pp), expert (ep) and data (dp) parallel degrees,
 * micro-batches for the pipeline, Megatron sequence parallelism and communication/compute
 * overlap. Devices are numbered dp-major, then pp, then tp (a TP group is contiguous, so it stays
 * inside a node when it fits): rank = (d·pp + s)·tp + t.
 */
import { AccelscopeError } from '../util/errors.ts';
import type { SystemConfig } from '../system/types.ts';

export interface ParallelPlan {
  tp: number;
  pp: number;
  /** Expert parallelism: 1, or tp·dp (the experts of a stage spread over all its devices). */
  ep: number;
  dp: number;
  /** Micro-batches per step (pipeline); default min(batch per replica, pp). */
  microBatches?: number;
  /** Megatron sequence parallelism: reduce-scatter + all-gather instead of all-reduce, norms on T/tp rows. */
  sequenceParallel: boolean;
  /** Overlap each tensor-parallel collective with the GEMM that produces it (chunked, as T3/Flux do). */
  overlap: boolean;
}

export const SINGLE_DEVICE_PLAN: ParallelPlan = { tp: 1, pp: 1, ep: 1, dp: 1, sequenceParallel: false, overlap: false };

export function planDevices(p: ParallelPlan): number {
  return p.tp * p.pp * p.dp;
}

export function rankOf(p: ParallelPlan, d: number, s: number, t: number): number {
  return (d * p.pp + s) * p.tp + t;
}

/** Checks the degrees are positive integers and the plan fits the system's device count. */
export function checkPlan(p: ParallelPlan, sys: SystemConfig, systemFile?: string): void {
  for (const k of ['tp', 'pp', 'ep', 'dp'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1) throw new AccelscopeError('bad-flag', `--${k} must be a positive integer (got ${p[k]})`);
  }
  if (p.microBatches !== undefined && (!Number.isInteger(p.microBatches) || p.microBatches < 1)) {
    throw AccelscopeError.withParams('bad-flag', (f) => `${f('microBatches')} must be a positive integer (got ${p.microBatches})`);
  }
  const devices = sys.devicesPerNode * sys.nodes;
  const need = planDevices(p);
  if (need > devices) {
    throw new AccelscopeError(
      'bad-flag',
      `the plan needs tp ${p.tp} × pp ${p.pp} × dp ${p.dp} = ${need} devices but ${sys.name} has ${devices} (${sys.nodes} node(s) × ${sys.devicesPerNode})`,
      { file: systemFile },
    );
  }
  if (p.tp > sys.devicesPerNode && p.tp % sys.devicesPerNode !== 0) {
    throw AccelscopeError.withParams(
      'bad-flag',
      (f) => `${f('tp')} ${p.tp} spans nodes of ${sys.devicesPerNode} devices unevenly: use a divisor or a multiple of ${sys.devicesPerNode}`,
    );
  }
  if (p.ep > 1 && p.ep !== p.tp * p.dp) {
    throw AccelscopeError.withParams(
      'bad-flag',
      (f) =>
        `${f('ep')} ${p.ep}: expert parallelism spreads the experts over every device of a pipeline stage, so ${f('ep')} must be 1 or tp × dp = ${p.tp * p.dp}`,
    );
  }
  if (p.sequenceParallel && p.tp === 1) throw AccelscopeError.withParams('bad-flag', (f) => `${f('sp')} (sequence parallelism) needs ${f('tp')} > 1`);
}

export function describePlan(p: ParallelPlan): string {
  const parts = [`TP ${p.tp}`];
  if (p.pp > 1) parts.push(`PP ${p.pp}`);
  if (p.ep > 1) parts.push(`EP ${p.ep}`);
  if (p.dp > 1) parts.push(`DP ${p.dp}`);
  if (p.sequenceParallel) parts.push('SP');
  if (p.overlap) parts.push('overlap');
  return parts.join(' × ').replace(/ × (SP|overlap)/g, ', $1');
}
