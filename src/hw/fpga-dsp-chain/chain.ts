/**
 * Timing of the matrix processing engine (MPE): per core, `chains` chains of `chainLength` DSPs
 * cascaded through PCIN/PCOUT. Each chain reduces chainLength K-elements per cycle (× P along K
 * in DSP58 dot-product mode) for one output column (× P columns with DSP48E2 INT8 packing).
 *
 *   matrix-vector (m = 1): weights are used once, so they reach the chains through the weight
 *     port: colsPerPass = min(chains·Pcol, ⌊weightsPerCycle / (chainLength·Pk)⌋), weightsPerCycle =
 *     ⌊portBytes·8 / weightBits⌋. Output columns come in tiles of gemvColumnTile spread over the
 *     cores round-robin; a tile of c columns takes ⌈c / colsPerPass⌉ · ⌈kEff / (chainLength·Pk)⌉.
 *   matrix-matrix (m > 1): one pass holds `chains` token rows; a cycle covers Pcol columns and
 *     chainLength·Pk K-elements of every row: ⌈m / chains⌉ · ⌈⌈n / Pcol⌉ / cores⌉ · ⌈kEff / (chainLength·Pk)⌉.
 *   fill + drain: chainLength cascade stages + extraPipelineStages, once per op (tiles stream back
 *     to back; the op's result is needed before the next op starts).
 * kEff is K after the sparse chain skips zeros (sparsity.ts).
 */
import { InfeasibleError } from '../../util/errors.ts';
import type { FpgaArchConfig, Mpe } from './config.ts';

export interface MatmulShape {
  /** Rows (tokens) sharing the weights. */
  m: number;
  /** Output columns. */
  n: number;
  /** Reduction length after skipping zeros. */
  kEff: number;
  /** Independent instances (heads × batch); spread over cores when there are at least as many as cores. */
  instances: number;
  /** Bits of one weight (B-operand) element as it crosses the weight port. */
  weightBits: number;
}

export interface MatmulTiming {
  mode: 'gemv' | 'gemm';
  /** Cycles streaming operands through the chains (critical core). */
  streamCycles: number;
  fillDrainCycles: number;
  /** Columns computed concurrently per core (gemv). */
  colsPerPass: number;
  /** MAC slots the critical core offered during streamCycles (for utilization). */
  macSlots: number;
}

export interface Packing {
  /** Products per DSP that feed different output columns. */
  col: number;
  /** Products per DSP summed along K. */
  k: number;
}

export function packingOf(mpe: Mpe, products: number): Packing {
  return mpe.packing === 'shared-activation' ? { col: products, k: 1 } : { col: 1, k: products };
}

export function fillDrainCycles(mpe: Mpe): number {
  return mpe.chainLength + mpe.extraPipelineStages;
}

/** Output-column tiles of `n` spread round-robin over `cores`: columns the busiest core computes, as tile widths. */
function tilesOfBusiestCore(n: number, tile: number, cores: number): number[] {
  const tiles = Math.ceil(n / tile);
  if (tiles <= 0) return [];
  // Core 0 gets tiles 0, cores, 2·cores, … and always holds the most (and every full) tile.
  const out: number[] = [];
  for (let t = 0; t < tiles; t += cores) out.push(Math.min(tile, n - t * tile));
  return out;
}

export function gemvCycles(s: MatmulShape, c: FpgaArchConfig, p: Packing, cores: number): { cycles: number; colsPerPass: number } {
  const mpe = c.fpga.accelerator.mpe;
  const weightsPerCycle = Math.floor((mpe.gemvWeightPortBytesPerCycle * 8) / s.weightBits);
  const kPerCycle = mpe.chainLength * p.k;
  const colsPerPass = Math.min(mpe.chains * p.col, Math.floor(weightsPerCycle / kPerCycle));
  if (colsPerPass < 1) {
    throw new InfeasibleError(
      `weight port of ${mpe.gemvWeightPortBytesPerCycle} B/cycle cannot feed one chain of ${mpe.chainLength} DSPs at ${s.weightBits}-bit weights`,
      { pointer: '/fpga/accelerator/mpe/gemvWeightPortBytesPerCycle' },
    );
  }
  const kPasses = Math.ceil(s.kEff / kPerCycle);
  let cycles = 0;
  for (const cols of tilesOfBusiestCore(s.n, mpe.gemvColumnTile, cores)) cycles += Math.ceil(cols / colsPerPass) * kPasses;
  return { cycles: cycles * s.m, colsPerPass };
}

export function gemmCycles(s: MatmulShape, c: FpgaArchConfig, p: Packing, cores: number): number {
  const mpe = c.fpga.accelerator.mpe;
  const rowPasses = Math.ceil(s.m / mpe.chains);
  const colGroups = Math.ceil(s.n / p.col);
  const kPasses = Math.ceil(s.kEff / (mpe.chainLength * p.k));
  return rowPasses * Math.ceil(colGroups / cores) * kPasses;
}

/** Cycles of one matmul-like op on the MPE of all cores (instances spread over cores, else columns). */
export function matmulTiming(s: MatmulShape, c: FpgaArchConfig, products: number): MatmulTiming {
  const a = c.fpga.accelerator;
  const p = packingOf(a.mpe, products);
  const spreadInstances = s.instances >= a.cores;
  const perCoreInstances = spreadInstances ? Math.ceil(s.instances / a.cores) : s.instances;
  const coresForColumns = spreadInstances ? 1 : a.cores;
  let one: number;
  let mode: 'gemv' | 'gemm';
  let colsPerPass = 0;
  if (s.m === 1) {
    const g = gemvCycles(s, c, p, coresForColumns);
    one = g.cycles;
    colsPerPass = g.colsPerPass;
    mode = 'gemv';
  } else {
    // The compiler picks the cheaper mode for a few rows (a small batch decodes as repeated GEMV).
    const mm = gemmCycles(s, c, p, coresForColumns);
    const mv = gemvCycles({ ...s }, c, p, coresForColumns);
    if (mv.cycles < mm) {
      one = mv.cycles;
      colsPerPass = mv.colsPerPass;
      mode = 'gemv';
    } else {
      one = mm;
      mode = 'gemm';
    }
  }
  const streamCycles = one * perCoreInstances;
  const macsPerCyclePerCore = a.mpe.chains * a.mpe.chainLength * products;
  return { mode, streamCycles, fillDrainCycles: fillDrainCycles(a.mpe), colsPerPass, macSlots: streamCycles * macsPerCyclePerCore * a.cores };
}
