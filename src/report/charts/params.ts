/**
 * Parameter-vs-objective small multiples: one panel per (objective, swept parameter), every
 * feasible point drawn against the parameter's value, with the best value of the objective at each
 * parameter value joined by a line. Rows are objectives, columns are parameters; points that do not
 * fit in memory are drawn apart.
 */
import { objectiveInfo } from '../objectives.ts';
import { objectiveField, type SweepParam, type SweepTable } from '../sweep-table.ts';
import { CONFIG, VL_SCHEMA, spansDecades, type VlSpec } from './common.ts';

export interface ParamsOptions {
  objectives: string[];
  maximize?: readonly string[];
  /** At most this many parameters get a column (the ones with the most distinct values first). */
  maxParams?: number;
}

export const PANEL = 200;

/** The parameters shown: those that vary, most distinct values first, capped. */
export function shownParams(t: SweepTable, maxParams = 6): SweepParam[] {
  return [...t.params].sort((a, b) => b.distinct - a.distinct || a.field.localeCompare(b.field)).slice(0, maxParams)
    .sort((a, b) => a.field.localeCompare(b.field, undefined, { numeric: true }));
}

export function paramsSpec(t: SweepTable, o: ParamsOptions): VlSpec {
  const params = shownParams(t, o.maxParams);
  const objs = o.objectives.filter((n) => t.objectives.includes(n)).map((n) => objectiveInfo(n, o.maximize));
  const fields = [...params.map((p) => p.field), ...objs.map((i) => objectiveField(i.name))];
  const values = t.rows.filter((r) => r.ok).map((r) => {
    const v: Record<string, unknown> = { id: r.id, fits: r.fits ? 'fits' : 'does not fit' };
    for (const f of fields) if (r[f] !== undefined) v[f] = r[f];
    return v;
  });
  const big = values.length > 2000;
  const rows = objs.map((info) => {
    const of = objectiveField(info.name);
    const ylog = spansDecades(values.map((v) => v[of] as number), 2);
    return {
      hconcat: params.map((p) => {
        const xlog = p.numeric && spansDecades(values.map((v) => v[p.field] as number), 2);
        const x = p.numeric
          ? { field: p.field, type: 'quantitative' as const, title: p.label, scale: xlog ? { type: 'log' as const } : { zero: false }, axis: { format: '~s' } }
          : { field: p.field, type: 'ordinal' as const, title: p.label };
        const y = { field: of, type: 'quantitative' as const, title: info.title, scale: ylog ? { type: 'log' as const } : { zero: false }, axis: { format: '~s' } };
        return {
          width: PANEL,
          height: PANEL * 0.75,
          layer: [
            {
              name: `${of}_${p.field}_points`,
              mark: { type: 'point', filled: true, size: big ? 8 : 25, opacity: big ? 0.3 : 0.55 },
              encoding: {
                x, y,
                color: { field: 'fits', type: 'nominal', title: 'memory', scale: { domain: ['fits', 'does not fit'], range: ['#4c78a8', '#ff9896'] } },
                tooltip: [{ field: 'id', type: 'nominal' }, { field: p.field, title: p.label }, { field: of, type: 'quantitative', title: info.title, format: '.4~s' }],
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
    title: { text: 'Parameters vs objectives', subtitle: `line: best ${objs.map((i) => `${i.name} (${i.direction === 'min' ? 'lowest' : 'highest'})`).join(', ')} at each parameter value` },
    description: `params: ${params.length} parameters × ${objs.length} objectives, ${values.length} points`,
    data: { values },
    config: CONFIG,
    vconcat: rows,
  } as VlSpec;
}
