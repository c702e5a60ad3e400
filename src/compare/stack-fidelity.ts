/**
 * The stack side of the fidelity check (issue 19): the shipped measured H100 data
 * (data/measured/) evaluated with and without a software stack — GEMM kernels by dtype and whole
 * Llama-2-7B steps — as plain rows with their errors. `npm run bench -- gpu` prints them
 * (bench/gpu-stacks.bench.ts) and test/stack/fidelity.test.ts bounds them.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import type { GemmOp } from '../workload/graph.ts';
import { standaloneGemm } from '../workload/graph.ts';
import type { QuantScheme } from '../quant/types.ts';
import { evaluateOp, orThrow } from '../engine/evaluate.ts';
import { buildGraph } from '../workload/builders/decoder.ts';
import type { RunResult } from '../engine/run.ts';
import type { Stack } from '../stack/schema.ts';

export interface GemmPoint {
  shape: string;
  M: number;
  N: number;
  K: number;
  dtype: string;
  median_s: number;
  M_padded_to?: number;
}
export interface StepPoint {
  model: string;
  B: number;
  context: number;
  decode_step_cuda_graph: { median_s: number };
  prefill_eager: { median_s: number };
}

export interface ErrorRow {
  label: string;
  measuredS: number;
  modelS: number;
  error: number;
  note?: string;
}

export const gemmOp = (m: number, n: number, k: number): GemmOp => standaloneGemm(m, n, k);

/**
 * One row per measured GEMM (the shape as the framework called it: M unpadded, the family pads);
 * `scheme` maps the measured dtype to the scheme both operands use. Each is evaluated as `op` does
 * (engine/evaluate: timed as a microbenchmark where the arch has a sustained power limit).
 */
export function gemmRows(points: GemmPoint[], arch: ArchConfig, scheme: (dtype: string) => QuantScheme, stack?: Stack): ErrorRow[] {
  return points.map((p) => {
    const label = `${p.shape} M=${p.M} ${p.dtype}`;
    try {
      const r = orThrow(evaluateOp(gemmOp(p.M, p.N, p.K), arch, scheme(p.dtype), { l2State: 'flushed', ...(stack ? { stack } : {}) })).result;
      return { label, measuredS: p.median_s, modelS: r.seconds, error: r.seconds / p.median_s - 1, note: r.notes?.[0] };
    } catch (e) {
      return { label, measuredS: p.median_s, modelS: NaN, error: NaN, note: (e as Error).message };
    }
  });
}

/**
 * The measured whole steps: a decode step (CUDA graph) and an eager prefill per operating point.
 * The measured model has no rotary embedding (its software_stack.not_included): the graph's rotary
 * ops are left out so the kernel lists match.
 */
export function stepRows(
  points: StepPoint[],
  spec: ModelSpec,
  runStep: (graph: ReturnType<typeof buildGraph>, stack?: Stack) => RunResult,
  decodeStack?: Stack,
  prefillStack?: Stack,
): ErrorRow[] {
  const rows: ErrorRow[] = [];
  for (const p of points) {
    for (const phase of ['decode', 'prefill'] as const) {
      const g = buildGraph(spec, phase === 'decode' ? { phase, batch: p.B, context: p.context } : { phase, batch: p.B, seq: p.context });
      const graph = { ...g, ops: g.ops.filter((o) => o.cls !== 'rotary') };
      const stack = phase === 'decode' ? decodeStack : prefillStack;
      const r = runStep(graph, stack);
      const measuredS = phase === 'decode' ? p.decode_step_cuda_graph.median_s : p.prefill_eager.median_s;
      rows.push({
        label: `${p.model} ${phase} B${p.B} ${phase === 'decode' ? 'ctx' : 'seq'}${p.context}`,
        measuredS,
        modelS: r.totals.seconds,
        error: r.totals.seconds / measuredS - 1,
        ...(r.stack ? { note: `${r.stack.name}: ${r.stack.step.kernels} kernels` } : {}),
      });
    }
  }
  return rows;
}

/** Median and 90th percentile of |error| over the rows that simulate (NaN rows counted apart). */
export function errorStats(rows: ErrorRow[]): { median: number; p90: number; n: number; failed: number } {
  const abs = rows
    .filter((r) => Number.isFinite(r.error))
    .map((r) => Math.abs(r.error))
    .sort((a, b) => a - b);
  const q = (f: number) => (abs.length ? abs[Math.min(abs.length - 1, Math.ceil(f * abs.length) - 1)]! : NaN);
  const median = abs.length ? (abs[(abs.length - 1) >> 1]! + abs[abs.length >> 1]!) / 2 : NaN;
  return { median, p90: q(0.9), n: abs.length, failed: rows.length - abs.length };
}
