/**
 * The three inputs a report reads, as plain JSON types: a run (`simulate --json`, RunResult, with
 * an optional `generate` block), a sweep results file (JSONL, one SweepLine per line) and a quant
 * comparison (`quant --json`). Their contracts are in docs/cli.md; this file only types them.
 */
import type { RunResult } from '../engine/run.ts';

/**
 * Per-step series of a generate run (`simulate --phase generate`, engine/generate.ts: prefill,
 * then O decode steps), when the run has one. Only the fields a report draws are typed; TPOT
 * may be one number or {mean, first, last}.
 */
export interface GenerateSeries {
  steps: { context: number; seconds: number; energyJ?: number }[];
  ttftSeconds?: number;
  tpotSeconds?: number | { mean: number; first?: number; last?: number };
  e2eSeconds?: number;
  outputTokensPerSecond?: number;
  energyPerRequestJ?: number;
  prompt?: number;
  output?: number;
}

/** TPOT as one number (the mean when the run gives first/mean/last). */
export function tpotOf(g: GenerateSeries): number | undefined {
  return typeof g.tpotSeconds === 'number' ? g.tpotSeconds : g.tpotSeconds?.mean;
}

export type RunInput = RunResult & { generate?: GenerateSeries };

export interface SweepPoint {
  /** The base arch, in a sweep over several archs. */
  arch?: string;
  /** The multi-device system, in a sweep over several systems. */
  system?: string;
  /** The software stack, in a sweep whose spec names stacks. */
  stack?: string;
  /** JSON pointer into the arch config → value used at this point. */
  params: Record<string, unknown>;
  quant?: string;
  workload?: { model?: string; phase?: string; batch?: number; seq?: number; context?: number };
}

export type SweepLine =
  | { id: string; index: number; point: SweepPoint; ok: true; objectives: Record<string, number | boolean> }
  /** An infeasible point; a point that ran but does not fit in memory may still carry objectives. */
  | { id: string; index: number; point: SweepPoint; ok: false; reason: string; objectives?: Record<string, number | boolean> };

/** One (format, arch) row of `quant --json` (src/compare/quant-compare.ts writes it). */
export interface QuantRow {
  format: string;
  arch: string;
  archName: string;
  bitsPerWeight: number;
  weightBytes: number;
  kvBytes: number;
  /** The arch's device memory, when the comparison records it (drawn as a capacity rule). */
  capacityBytes?: number;
  fits: boolean;
  /** Absent when the arch cannot run the format (supported: false). */
  latencySeconds?: number;
  tokensPerSecond?: number;
  energyPerTokenJ?: number;
  bound?: string;
  /** null (JSON of Infinity) or absent when the format is exact. */
  sqnrDb?: number | null;
  relError?: number | null;
  supported: boolean;
  reason?: string;
}

export interface QuantComparison {
  kind: 'quant-comparison';
  model: string;
  phase: string;
  batch: number;
  context?: number;
  seq?: number;
  rows: QuantRow[];
}
