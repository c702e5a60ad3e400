/**
 * `trace compare`: measured against simulated time, op by op, for the forward passes of a
 * PyTorch profiler trace. Each imported op (a framework op such as aten::linear, or a pattern the
 * importer folded, e.g. RMSNorm) carries the GPU kernel time launched under it; the same op is
 * simulated on the arch; the error is simulated / measured − 1 (error-stats.ts). Ops with no
 * measured kernel are listed but left out of the statistics and of both totals.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { RunOptions } from '../engine/run.ts';
import type { CalibrationUse } from '../hw/model.ts';
import type { MeasuredPass } from './measured-ops.ts';
import { simulatePass } from './simulate-pass.ts';
import { relError, summarizeErrors, type ErrorSummary } from './error-stats.ts';

export interface ComparedOp {
  /** Trace file and pass index (several traces may be compared at once by calibrate). */
  file: string;
  pass: number;
  phase: string;
  id: string;
  name: string;
  cls: string;
  kind: string;
  shape: string;
  /** Framework ops folded into this op (aten::linear, …). */
  frameworkOps: string[];
  /** Simulated ops (kernels, under a stack) the traced op(s) are compared with. */
  simulatedOps: number;
  measuredSeconds: number;
  simulatedSeconds: number;
  /** simulated / measured − 1; null when no kernel was measured under the op. */
  error: number | null;
  bound: string;
}

/** Ops of one name in one phase summed over layers (`q_proj` of every layer of the prefill). */
export interface ComparedGroup {
  phase: string;
  name: string;
  ops: number;
  measuredSeconds: number;
  simulatedSeconds: number;
  error: number | null;
}

export interface PassComparison {
  file: string;
  index: number;
  phase: string;
  batch: number;
  tokens: number;
  /** prefill: prompt tokens per sequence; decode: cached tokens. */
  seq?: number;
  context?: number;
  measuredSeconds: number;
  simulatedSeconds: number;
  error: number | null;
  errors: ErrorSummary;
  /** Kernel time of ops not imported (unknown to the importer), seconds: in neither total. */
  unplacedSeconds: number;
  /** The pass's measured GPU wall time (first kernel start to last kernel end) and the simulated step (under a stack: with its launch gaps and host time). */
  wallSeconds?: number;
  stepSeconds: number;
  stepError: number | null;
}

export interface TraceComparison {
  kind: 'trace-comparison';
  traces: string[];
  arch: { name: string; kind: string; file?: string };
  quant: string;
  /** The software stack the simulation ran under (--stack), if any. */
  stack?: string;
  passes: PassComparison[];
  /** Over every measured op of every pass. */
  errors: ErrorSummary;
  totals: { measuredSeconds: number; simulatedSeconds: number; error: number | null; unmeasuredOps: number; unplacedSeconds: number };
  groups: ComparedGroup[];
  /** The ten measured ops whose simulated time differs most from the measured one, in seconds. */
  top: ComparedOp[];
  ops: ComparedOp[];
  calibration: CalibrationUse[];
}

export const TOP_OPS = 10;

/** Compares the passes with their simulation on the arch (under options.stack, if given). */
export function compareTrace(passes: MeasuredPass[], arch: ArchConfig, quant: QuantScheme, options: RunOptions & { archFile?: string } = {}): TraceComparison {
  const ops: ComparedOp[] = [];
  const passRows: PassComparison[] = [];
  let calibration: CalibrationUse[] = [];
  let stack: string | undefined;
  for (const p of passes) {
    const { run, groups } = simulatePass(p, arch, quant, options);
    calibration = run.calibration;
    if (run.stack) stack = run.stack.name;
    const rows = groups.map((g): ComparedOp => {
      const t = g.traced.map((i) => p.graph.ops[i]!);
      const s = g.simulated.map((i) => run.ops[i]!);
      const main = [...s].sort((a, b) => b.seconds - a.seconds)[0];
      const first = t[0] ?? s[0]!;
      return {
        file: p.file,
        pass: p.index,
        phase: p.graph.meta.phase,
        id: t.length ? t.map((o) => o.id).join('+') : s.map((o) => o.id).join('+'),
        name: t.length ? [...new Set(t.map((o) => o.name))].join('+') : s.map((o) => o.name).join('+'),
        cls: first.cls,
        kind: first.kind,
        shape: s.map((o) => o.shape ?? '').join(' + '),
        frameworkOps: t.flatMap((o) => (Array.isArray(o.source?.['ops']) ? (o.source['ops'] as unknown[]).map(String) : [])),
        simulatedOps: s.length,
        measuredSeconds: g.measuredSeconds,
        simulatedSeconds: g.simulatedSeconds,
        error: relError(g.simulatedSeconds, g.measuredSeconds),
        bound: main?.bound ?? 'n/a',
      };
    });
    ops.push(...rows);
    const m = rows.filter((r) => r.error !== null);
    const meas = m.reduce((a, r) => a + r.measuredSeconds, 0);
    const sim = m.reduce((a, r) => a + r.simulatedSeconds, 0);
    const meta = p.graph.meta;
    passRows.push({
      file: p.file,
      index: p.index,
      phase: meta.phase,
      batch: meta.batch,
      tokens: meta.tokens,
      ...(meta.seq !== undefined ? { seq: meta.seq } : {}),
      ...(meta.context !== undefined ? { context: meta.context } : {}),
      measuredSeconds: meas,
      simulatedSeconds: sim,
      error: relError(sim, meas),
      errors: summarizeErrors(m.map((r) => r.error)),
      unplacedSeconds: p.unplacedSeconds,
      ...(p.wallSeconds !== undefined ? { wallSeconds: p.wallSeconds } : {}),
      stepSeconds: run.totals.seconds,
      stepError: p.wallSeconds ? relError(run.totals.seconds, p.wallSeconds) : null,
    });
  }
  const measuredOps = ops.filter((o) => o.error !== null);
  const measuredSeconds = measuredOps.reduce((a, o) => a + o.measuredSeconds, 0);
  const simulatedSeconds = measuredOps.reduce((a, o) => a + o.simulatedSeconds, 0);
  const top = [...measuredOps]
    .sort(
      (a, b) =>
        Math.abs(b.simulatedSeconds - b.measuredSeconds) - Math.abs(a.simulatedSeconds - a.measuredSeconds) || a.pass - b.pass || a.id.localeCompare(b.id),
    )
    .slice(0, TOP_OPS);
  return {
    kind: 'trace-comparison',
    traces: [...new Set(passes.map((p) => p.file))],
    arch: { name: arch.name, kind: arch.kind, ...(options.archFile ? { file: options.archFile } : {}) },
    quant: quant.name,
    ...(stack ? { stack } : {}),
    passes: passRows,
    errors: summarizeErrors(measuredOps.map((o) => o.error)),
    totals: {
      measuredSeconds,
      simulatedSeconds,
      error: relError(simulatedSeconds, measuredSeconds),
      unmeasuredOps: ops.length - measuredOps.length,
      unplacedSeconds: passRows.reduce((a, p) => a + p.unplacedSeconds, 0),
    },
    groups: groupOps(measuredOps),
    top,
    ops,
    calibration,
  };
}

/** Measured ops grouped by (phase, name), in order of first appearance. */
export function groupOps(ops: ComparedOp[]): ComparedGroup[] {
  const by = new Map<string, ComparedGroup>();
  for (const o of ops) {
    const key = `${o.phase}\u0000${o.name}`;
    let g = by.get(key);
    if (!g) by.set(key, (g = { phase: o.phase, name: o.name, ops: 0, measuredSeconds: 0, simulatedSeconds: 0, error: null }));
    g.ops++;
    g.measuredSeconds += o.measuredSeconds;
    g.simulatedSeconds += o.simulatedSeconds;
  }
  return [...by.values()].map((g) => ({ ...g, error: relError(g.simulatedSeconds, g.measuredSeconds) }));
}
