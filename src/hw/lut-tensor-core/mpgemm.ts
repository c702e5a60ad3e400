/**
 * Counting the work of a LUT-based mpGEMM C[m,n] = A[m,k] · W[k,n] with b-bit weights, shared by
 * the LUT Tensor Core and the T-MAC CPU variants:
 *  - tables: each of the m rows of A is cut into ⌈k/g⌉ groups of g activations; each group gets
 *    a table of the 2^g signed sums ±a₀±a₁…±a_{g-1} (2^(g-1) with symmetrization, the other
 *    half being negations). Built incrementally (Gray-code order), a table costs g−1 adds for
 *    its first entry and one add per further entry.
 *  - lookups: bit-serial, one weight bit plane at a time: for every (row, column, group, plane)
 *    the g bits of that plane index one entry: m·n·⌈k/g⌉·b lookups, each followed by one
 *    accumulate (add).
 *  - plane recombination: the b plane sums of one output are combined by shifts and adds
 *    (Σ 2^i·Sᵢ): m·n·b shift-adds per scale group.
 *  - scales: group-wise weight scales are applied once per output and scale group at the end.
 * FLOPs are never counted here (workload/ops.ts owns them).
 */
import type { GemmOp } from '../../workload/graph.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { instances } from '../../workload/ops.ts';

export interface LutGeometry {
  /** Activations per table (g). */
  groupSize: number;
  symmetrization: boolean;
}

export interface MpGemmCounts {
  /** Weight bit planes processed (b; ternary is stored and processed as 2 planes). */
  planes: number;
  /** ⌈k/g⌉ activation groups per row. */
  groups: number;
  /** Entries stored per table: 2^g, or 2^(g-1) with symmetrization. */
  tableEntries: number;
  /** Tables built (rows × groups × batch × instances). */
  tables: number;
  /** Adds spent building them. */
  precomputeAdds: number;
  /** Table lookups (each covers g activations of one plane). */
  lookups: number;
  /** Adds accumulating looked-up entries (one per lookup). */
  accumulates: number;
  /** Shift-adds recombining bit planes (Σ 2^i·Sᵢ), per output, plane and scale group. */
  planeCombines: number;
  /** Scale multiplies: one per output and weight group (per output row when per-channel). */
  scaleMuls: number;
  /** Weight groups along k sharing one scale. */
  scaleGroups: number;
}

/** Entries one table stores. */
export function tableEntries(g: number, symmetrization: boolean): number {
  return symmetrization ? 2 ** (g - 1) : 2 ** g;
}

/** Adds to build one table incrementally: g−1 for the first entry, 1 for each further entry. */
export function tableBuildAdds(g: number, symmetrization: boolean): number {
  return g - 1 + (tableEntries(g, symmetrization) - 1);
}

/** Weight bit planes of a weight format: its code bits (ternary is 2-bit coded). */
export function weightPlanes(q: QuantScheme): number {
  return q.weights.elementBits;
}

export function mpGemmCounts(op: GemmOp, q: QuantScheme, geo: LutGeometry, scaleGroupOverride?: number): MpGemmCounts {
  const c = instances(op) * op.batch;
  const g = geo.groupSize;
  const planes = weightPlanes(q);
  const groups = Math.ceil(op.k / g);
  const entries = tableEntries(g, geo.symmetrization);
  const tables = op.m * groups * c;
  const lookups = op.m * op.n * groups * planes * c;
  const scaleGroupSize = scaleGroupOverride ?? q.weights.groupSize ?? op.k;
  const scaleGroups = Math.ceil(op.k / scaleGroupSize);
  return {
    planes,
    groups,
    tableEntries: entries,
    tables,
    precomputeAdds: tables * tableBuildAdds(g, geo.symmetrization),
    lookups,
    accumulates: lookups,
    planeCombines: op.m * op.n * planes * scaleGroups * c,
    scaleMuls: op.m * op.n * scaleGroups * c,
    scaleGroups,
  };
}

/** Whether a GEMM is a low-bit weight GEMM a LUT datapath runs (integer weights of ≤ maxBits). */
export function isLutGemm(op: GemmOp, q: QuantScheme, supportedBits: readonly number[]): boolean {
  if (op.weight !== 'layer') return false;
  const w = q.weights;
  if (w.isFloat) return false;
  return supportedBits.includes(w.elementBits);
}
