/**
 * The frame the per-run breakdown charts share (latency.ts, energy.ts): one facet row per run,
 * labelled on the left in the given order, a horizontal stacked-bar spec inside each row, and one
 * x axis for runs of one phase (designs compared: a 5 ms and a 26 ms bar differ in length) while
 * prefill and decode in one report keep their own (a prefill step can be 100× longer).
 */
import type { RunResult } from '../../engine/run.ts';
import { CONFIG, VL_SCHEMA, WIDTH, type VlSpec } from './common.ts';

/** The unit spec a facet repeats (vega-lite's own type, read off TopLevelSpec). */
type InnerUnit = Extract<Extract<VlSpec, { facet: unknown }>['spec'], { mark: unknown }>;

export interface RunFacetBars {
  title: string;
  description: string;
  rows: object[];
  /** Run labels, in facet order. */
  labels: string[];
  runs: Pick<RunResult, 'workload'>[];
  /** The inner spec: its name, the height of one bar, the mark, transforms and encoding. */
  name: string;
  barStep: number;
  mark: InnerUnit['mark'];
  transform: NonNullable<InnerUnit['transform']>;
  encoding: NonNullable<InnerUnit['encoding']>;
}

export function runFacetBars(c: RunFacetBars): VlSpec {
  return {
    $schema: VL_SCHEMA,
    title: c.title,
    description: c.description,
    data: { values: c.rows },
    config: CONFIG,
    facet: { row: { field: 'run', type: 'nominal', title: null, sort: c.labels, header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12 } } },
    spec: {
      name: c.name,
      width: WIDTH - 120,
      height: { step: c.barStep },
      mark: c.mark,
      transform: c.transform,
      encoding: c.encoding,
    },
    resolve: { scale: { x: new Set(c.runs.map((r) => r.workload.phase)).size > 1 ? 'independent' : 'shared' } },
  };
}
