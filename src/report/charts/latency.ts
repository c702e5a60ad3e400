/**
 * Per-op-class latency breakdown: one stacked bar per estimate (cycle model, roofline) for each
 * run, the stack split by op class. Several runs (prefill and decode of one model) are rows of a
 * facet, each with its own time axis, since a prefill step can take 100× a decode step.
 */
import type { RunResult } from '../../engine/run.ts';
import type { VlSpec } from './common.ts';
import { runFacetBars } from './run-facet.ts';
import { classColorScale } from '../palette.ts';
import { vegaFormatExpr, vegaLabelExpr } from '../../util/format.ts';

export interface LatencyRow {
  run: string;
  estimate: 'cycle model' | 'roofline';
  cls: string;
  seconds: number;
  share: number;
}

type RunForLatency = Pick<RunResult, 'workload' | 'classes'>;

/** A short label naming a run by its phase and shape ("decode b8 ctx2048"). */
export function runLabel(r: Pick<RunResult, 'workload'>): string {
  const w = r.workload as RunResult['workload'] & { prompt?: number; output?: number };
  const shape =
    w.prompt !== undefined && w.output !== undefined
      ? ` P${w.prompt} O${w.output}`
      : w.seq !== undefined
        ? ` seq${w.seq}`
        : w.context !== undefined
          ? ` ctx${w.context}`
          : '';
  return `${w.phase} b${w.batch}${shape}`;
}

export function latencyRows(runs: RunForLatency[], labels = runs.map(runLabel)): LatencyRow[] {
  const rows: LatencyRow[] = [];
  runs.forEach((r, i) => {
    // Shares of the classes' own sum: a generate run's totals cover the whole request, its classes one step.
    const model = r.classes.reduce((s, c) => s + c.seconds, 0);
    const roof = r.classes.reduce((s, c) => s + c.rooflineSeconds, 0);
    for (const c of r.classes) {
      if (c.seconds > 0) rows.push({ run: labels[i]!, estimate: 'cycle model', cls: c.cls, seconds: c.seconds, share: c.seconds / model });
      if (c.rooflineSeconds > 0) rows.push({ run: labels[i]!, estimate: 'roofline', cls: c.cls, seconds: c.rooflineSeconds, share: c.rooflineSeconds / roof });
    }
  });
  return rows;
}

export function latencySpec(runs: RunForLatency[], labels = runs.map(runLabel)): VlSpec {
  const rows = latencyRows(runs, labels);
  return runFacetBars({
    title: 'Latency per step by op class',
    description: `latency breakdown: ${rows.length} bar segments`,
    rows,
    labels,
    runs,
    name: 'latency',
    barStep: 28,
    mark: { type: 'bar', tooltip: true },
    transform: [{ calculate: vegaFormatExpr('s', 'datum.seconds'), as: 'timeText' }],
    encoding: {
      y: { field: 'estimate', type: 'nominal', title: null, sort: ['cycle model', 'roofline'] },
      x: { field: 'seconds', type: 'quantitative', stack: 'zero', title: 'latency per step (s)', axis: { labelExpr: vegaLabelExpr('s') } },
      color: { field: 'cls', type: 'nominal', title: 'op class', scale: classColorScale() },
      order: { field: 'cls' },
      tooltip: [
        { field: 'run', type: 'nominal' },
        { field: 'estimate', type: 'nominal' },
        { field: 'cls', type: 'nominal', title: 'op class' },
        { field: 'timeText', type: 'nominal', title: 'time' },
        { field: 'share', type: 'quantitative', title: 'share of step', format: '.1%' },
      ],
    },
  });
}
