/**
 * The measured side of a trace: the imported forward passes (workload/import) with, on every op,
 * the GPU kernel time the trace recorded for it — the kernels launched under that framework op
 * and every op nested in it (kernels carry their launching op's External id; trace-read.ts), in
 * seconds. The importer keeps that time in `op.source.timeUs`; this file is the one place that
 * reads it back.
 */
import type { Op, OpGraph } from '../workload/graph.ts';
import type { ImportResult } from '../workload/import/index.ts';
import { readTrace, type TraceData } from '../workload/import/trace-read.ts';
import { importTraceData } from '../workload/import/trace-import.ts';
import { AccelscopeError } from '../util/errors.ts';

export interface MeasuredPass {
  /** The trace file and the pass's index among the trace's forward passes. */
  file: string;
  index: number;
  graph: OpGraph;
  /** Measured seconds per op of `graph.ops` (0: no kernel recorded under it). */
  measuredSeconds: number[];
  /** Kernel time the importer could not place on a simulated op (unknown ops, ops on no elements), seconds. */
  unplacedSeconds: number;
  /**
   * The pass's wall time on the GPU: first kernel start to last kernel end of the kernels launched
   * by the CPU ops inside the pass (idle gaps included: launches, host time). Absent when the
   * passes were built without the trace's events.
   */
  wallSeconds?: number;
}

/** Measured kernel seconds of one imported op (0 when none was recorded). */
export function measuredSecondsOf(op: Op): number {
  const us = op.source?.['timeUs'];
  return typeof us === 'number' && Number.isFinite(us) && us > 0 ? us * 1e-6 : 0;
}

/** Reads and imports a trace file: its passes with measured op times and wall spans. */
export function readMeasuredPasses(file: string): MeasuredPass[] {
  return measuredPassesOf(readTrace(file), file);
}

/** From parsed trace events (tests build these in memory). */
export function measuredPassesOf(trace: TraceData, file: string): MeasuredPass[] {
  const passes = measuredPasses(importTraceData(trace, file), file);
  const byIndex = new Map(trace.cpuOps.map((e) => [e.index, e]));
  for (const p of passes) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const op of p.graph.ops) {
      for (const r of (op.source?.['refs'] as unknown[] | undefined) ?? []) {
        const ev = typeof r === 'number' ? byIndex.get(r) : undefined;
        if (ev) {
          lo = Math.min(lo, ev.ts);
          hi = Math.max(hi, ev.ts + ev.dur);
        }
      }
    }
    let start = Infinity;
    let end = -Infinity;
    for (const ev of trace.cpuOps) {
      if (ev.ts < lo || ev.ts >= hi || ev.externalId === undefined) continue;
      const sp = trace.gpuSpanByExternalId.get(ev.externalId);
      if (sp) {
        start = Math.min(start, sp[0]);
        end = Math.max(end, sp[1]);
      }
    }
    if (end > start) p.wallSeconds = (end - start) * 1e-6;
  }
  return passes;
}

/** The passes of an imported trace with their measured op times; a trace without GPU kernels is an error. */
export function measuredPasses(result: ImportResult, file: string): MeasuredPass[] {
  if (!result.report.hasKernels) {
    throw new AccelscopeError(
      'unsupported',
      'the trace has no GPU kernels (events with "cat": "kernel"): record it with activities=[CPU, CUDA] to compare kernel times',
      { file, pointer: '/traceEvents' },
    );
  }
  const unplacedUs = result.report.unknown.reduce((a, u) => a + u.timeUs, 0) + result.report.skipped.reduce((a, s) => a + s.timeUs, 0);
  const total = result.graphs.reduce((a, g) => a + g.ops.reduce((b, o) => b + measuredSecondsOf(o), 0), 0);
  return result.graphs.map((graph, i) => {
    const measured = graph.ops.map(measuredSecondsOf);
    const own = measured.reduce((a, b) => a + b, 0);
    // Unplaced time is shared out over the passes by their measured time (the report does not say which pass it came from).
    return {
      file,
      index: result.report.passes[i]?.index ?? i,
      graph,
      measuredSeconds: measured,
      unplacedSeconds: total > 0 ? (unplacedUs * 1e-6 * own) / total : 0,
    };
  });
}
