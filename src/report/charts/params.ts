/**
 * Parameter-vs-objective small multiples: one panel per (objective, swept parameter), every
 * feasible point drawn against the parameter's value, with the best value of the objective at each
 * parameter value joined by a line. Rows are objectives, columns are parameters; points that do not
 * fit in memory are drawn apart.
 *
 * Past `pointLimit` points (default 2000) a panel would be an overplotted cloud of thousands of
 * marks, slow to draw and no easier to read: each panel then shows, per parameter value (numeric
 * parameters with many distinct values are binned), the range of the objective (a rule from min to
 * max) and its best value (points joined by a line), aggregated here rather than in the page.
 */
import { axisUnit, objectiveInfo, paramTitle, type ObjectiveInfo } from '../objectives.ts';
import { objectiveField, type SweepParam, type SweepTable } from '../sweep-table.ts';
import { CONFIG, VL_SCHEMA, spansDecades, type VlSpec } from './common.ts';
import { vegaLabelExpr, vegaLogLabelExpr } from '../../util/format.ts';
import { textField, textOf } from './tooltip-text.ts';

export interface ParamsOptions {
  objectives: string[];
  maximize?: readonly string[];
  /** At most this many parameters get a column (the ones with the most distinct values first). */
  maxParams?: number;
  /** Above this many feasible points, panels show per-value ranges instead of every point. */
  pointLimit?: number;
  /** Numeric parameters with more distinct values than this are binned in summary panels. */
  bins?: number;
}

export interface SummaryRow {
  x: number | string;
  min: number;
  max: number;
  best: number;
  n: number;
}

/**
 * Per parameter value (or bin of values), the range and the best of an objective over the points
 * that fit. Numeric bins are equal-width, in log space when the axis is logarithmic; a bin is
 * placed at its centre (geometric centre on a log axis); empty bins are left out.
 */
export function summarize(pairs: { x: number | string; y: number }[], direction: 'min' | 'max', numeric: boolean, log: boolean, bins: number): SummaryRow[] {
  const groups = new Map<number | string, number[]>();
  const distinct = new Set(pairs.map((p) => p.x)).size;
  let key: (x: number | string) => number | string = (x) => x;
  if (numeric && distinct > bins) {
    const f = log ? Math.log10 : (v: number) => v;
    const fi = log ? (v: number) => 10 ** v : (v: number) => v;
    const xs = pairs.map((p) => f(p.x as number));
    const lo = Math.min(...xs);
    const width = (Math.max(...xs) - lo) / bins || 1;
    key = (x) => {
      const b = Math.min(bins - 1, Math.floor((f(x as number) - lo) / width));
      return fi(lo + (b + 0.5) * width);
    };
  }
  for (const p of pairs) {
    const k = key(p.x);
    const g = groups.get(k);
    if (g) g.push(p.y);
    else groups.set(k, [p.y]);
  }
  const rows: SummaryRow[] = [];
  for (const [x, ys] of groups) {
    let min = Infinity;
    let max = -Infinity;
    for (const y of ys) {
      if (y < min) min = y;
      if (y > max) max = y;
    }
    rows.push({ x, min, max, best: direction === 'min' ? min : max, n: ys.length });
  }
  return rows.sort((a, b) =>
    typeof a.x === 'number' && typeof b.x === 'number' ? a.x - b.x : String(a.x).localeCompare(String(b.x), undefined, { numeric: true }),
  );
}

export const PANEL = 200;

/** The parameters shown: those that vary, most distinct values first, capped. */
export function shownParams(t: SweepTable, maxParams = 6): SweepParam[] {
  return [...t.params]
    .sort((a, b) => b.distinct - a.distinct || a.field.localeCompare(b.field))
    .slice(0, maxParams)
    .sort((a, b) => a.field.localeCompare(b.field, undefined, { numeric: true }));
}

export function paramsSpec(t: SweepTable, o: ParamsOptions): VlSpec {
  const params = shownParams(t, o.maxParams);
  const objs = o.objectives.filter((n) => t.objectives.includes(n)).map((n) => objectiveInfo(n, o.maximize));
  const fields = [...params.map((p) => p.field), ...objs.map((i) => objectiveField(i.name))];
  const values = t.rows
    .filter((r) => r.drawable)
    .map((r) => {
      const v: Record<string, unknown> = { id: r.id, fits: r.fits ? 'fits' : 'does not fit' };
      for (const f of fields) if (r[f] !== undefined) v[f] = r[f];
      return v;
    });
  const big = values.length > (o.pointLimit ?? 2000);
  const rows = objs.map((info) => {
    const of = objectiveField(info.name);
    const ylog = spansDecades(
      values.map((v) => v[of] as number),
      2,
    );
    return {
      hconcat: params.map((p) => {
        const xlog =
          p.numeric &&
          spansDecades(
            values.map((v) => v[p.field] as number),
            2,
          );
        const x = p.numeric
          ? {
              field: p.field,
              type: 'quantitative' as const,
              title: paramTitle(p.label),
              scale: xlog ? { type: 'log' as const } : { zero: false },
              axis: { labelExpr: (xlog ? vegaLogLabelExpr : vegaLabelExpr)() },
            }
          : { field: p.field, type: 'ordinal' as const, title: p.label };
        const y = {
          field: of,
          type: 'quantitative' as const,
          title: info.title,
          scale: ylog ? { type: 'log' as const } : { zero: false },
          axis: { labelExpr: (ylog ? vegaLogLabelExpr : vegaLabelExpr)(axisUnit(info)) },
        };
        if (big) return summaryPanel(p, info, of, x, y, values, xlog, o.bins ?? 40);
        return {
          width: PANEL,
          height: PANEL * 0.75,
          layer: [
            {
              name: `${of}_${p.field}_points`,
              transform: [textOf(of, axisUnit(info))],
              mark: { type: 'point', filled: true, size: 25, opacity: 0.55 },
              encoding: {
                x,
                y,
                color: { field: 'fits', type: 'nominal', title: 'memory', scale: { domain: ['fits', 'does not fit'], range: ['#4c78a8', '#ff9896'] } },
                tooltip: [
                  { field: 'id', type: 'nominal' },
                  { field: p.field, title: p.label },
                  { field: textField(of), type: 'nominal', title: info.title },
                ],
              },
            },
            {
              name: `${of}_${p.field}_best`,
              transform: [
                { filter: "datum.fits === 'fits'" },
                { aggregate: [{ op: info.direction === 'min' ? 'min' : 'max', field: of, as: 'best' }], groupby: [p.field] },
              ],
              mark: { type: 'line', color: '#d62728', strokeWidth: 1.5, point: false },
              encoding: { x, y: { ...y, field: 'best' } },
            },
          ],
        };
      }),
    };
  });
  return {
    $schema: VL_SCHEMA,
    title: {
      text: 'Parameters vs objectives',
      subtitle: `${big ? `${values.length} points summarized: rule = range over the points that fit, ` : ''}line: best ${objs.map((i) => `${i.name} (${i.direction === 'min' ? 'lowest' : 'highest'})`).join(', ')} at each parameter value`,
    },
    description: `params: ${params.length} parameters × ${objs.length} objectives, ${values.length} points`,
    ...(big ? {} : { data: { values } }),
    config: CONFIG,
    vconcat: rows,
  } as VlSpec;
}

type Axis = Record<string, unknown>;

/** A summary panel: its own small dataset (one row per parameter value or bin). */
function summaryPanel(p: SweepParam, info: ObjectiveInfo, of: string, x: Axis, y: Axis, values: Record<string, unknown>[], xlog: boolean, bins: number) {
  const pairs = values
    .filter((v) => v['fits'] === 'fits' && v[p.field] !== undefined && typeof v[of] === 'number')
    .map((v) => ({ x: v[p.field] as number | string, y: v[of] as number }));
  const rows = summarize(pairs, info.direction, p.numeric, xlog, bins);
  const xs = { ...x, field: 'x' };
  return {
    width: PANEL,
    height: PANEL * 0.75,
    data: { values: rows },
    layer: [
      {
        name: `${of}_${p.field}_range`,
        mark: { type: 'rule', color: '#4c78a8', strokeWidth: 2, opacity: 0.6 },
        encoding: { x: xs, y: { ...y, field: 'min' }, y2: { field: 'max' } },
      },
      {
        name: `${of}_${p.field}_best`,
        transform: ['best', 'min', 'max'].map((f) => textOf(f, axisUnit(info))),
        mark: { type: 'line', color: '#d62728', strokeWidth: 1.5, point: { color: '#d62728', size: 20 } },
        encoding: {
          x: xs,
          y: { ...y, field: 'best' },
          tooltip: [
            { field: 'x', title: p.label },
            { field: textField('best'), type: 'nominal', title: 'best' },
            { field: textField('min'), type: 'nominal', title: 'min' },
            { field: textField('max'), type: 'nominal', title: 'max' },
            { field: 'n', type: 'quantitative', title: 'points' },
          ],
        },
      },
    ],
  };
}
