/**
 * Group-wise weight formats (int4-g128, binary-g64, MX, NVFP4) store one scale per `groupSize`
 * consecutive weights along K. A GEMM whose K is not a multiple of the group size has a partial
 * group that no kernel lays out that way, and amortizing the scale over a group that does not
 * exist gives fractional bytes: such a (format, op) pair is an infeasible design point.
 */
import type { Op } from '../workload/graph.ts';
import type { QuantScheme } from '../quant/types.ts';
import { InfeasibleError } from '../util/errors.ts';

export function assertGroupsFit(op: Op, q: QuantScheme): void {
  if (op.kind !== 'gemm' || op.weight !== 'layer') return;
  const g = q.weights.groupSize;
  if (g === undefined || op.k % g === 0) return;
  throw new InfeasibleError(`weight format ${q.weights.name} groups ${g} weights along K, but op '${op.id}' has K = ${op.k} (not a multiple of ${g})`);
}
