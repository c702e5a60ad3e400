/**
 * The per-op table of a run report: every op with every figure the run records (layer, class,
 * kind, count, time and share of the step, roofline time and bound, FLOPs, DRAM bytes, intensity,
 * bound, utilization, dtype, energy). Cells carry their raw value (`data-v`) so the page sorts by
 * number, and the rows are the table's CSV/JSON download. Figures are printed by util/format.ts.
 */
import type { RunInput } from './inputs.ts';
import { escapeHtml as e } from './html.ts';
import { formatBytes, formatNumber, formatPercent, formatQuantity, formatSeconds } from '../util/format.ts';

export interface OpRow {
  id: string;
  name: string;
  layer: number;
  cls: string;
  kind: string;
  count: number;
  seconds: number;
  share: number;
  rooflineSeconds: number;
  rooflineBound: string;
  flops: number;
  dramBytes: number;
  intensity: number;
  bound: string;
  utilization: number;
  dtype: string;
  energyJ: number;
}

export function opRows(run: RunInput): OpRow[] {
  const total = run.totals.seconds;
  return run.ops.map((o) => ({
    id: o.id,
    name: o.name,
    layer: o.layer,
    cls: o.cls,
    kind: o.kind,
    count: o.count ?? 1,
    seconds: o.seconds,
    share: total > 0 ? o.seconds / total : 0,
    rooflineSeconds: o.roofline.seconds,
    rooflineBound: o.roofline.bound,
    flops: o.flops,
    dramBytes: o.bytes,
    intensity: o.bytes > 0 ? o.flops / o.bytes : 0,
    bound: o.bound,
    utilization: o.utilization,
    dtype: o.dtype ?? o.roofline.dtype,
    energyJ: (o.energyPj.compute + o.energyPj.onChip + o.energyPj.offChip + o.energyPj.static) * 1e-12,
  }));
}

const COLUMNS: [keyof OpRow, string, ((v: number) => string) | null][] = [
  ['layer', 'layer', (v) => (v < 0 ? '—' : String(v))],
  ['name', 'op', null],
  ['id', 'id', null],
  ['cls', 'class', null],
  ['kind', 'kind', null],
  ['count', 'count', formatNumber],
  ['seconds', 'time', formatSeconds],
  ['share', '% step', (v) => formatPercent(v)],
  ['rooflineSeconds', 'roofline', formatSeconds],
  ['rooflineBound', 'roofline bound', null],
  ['flops', 'FLOPs', (v) => formatQuantity(v, 'FLOP')],
  ['dramBytes', 'DRAM', formatBytes],
  ['intensity', 'FLOP/B', formatNumber],
  ['bound', 'bound', null],
  ['utilization', 'util', (v) => formatPercent(v)],
  ['dtype', 'dtype', null],
  ['energyJ', 'energy', (v) => formatQuantity(v, 'J')],
];

/** The sortable table (click a header; again to reverse), one row per op. */
export function opTableHtml(rows: OpRow[], id: string): string {
  const head = COLUMNS.map(([k, label, f]) => `<th data-key="${k}"${f ? ' data-num="1"' : ''} title="click to sort">${e(label)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${COLUMNS.map(([k, , f]) => {
          const v = r[k];
          return f ? `<td class="num" data-v="${v}">${e(f(v as number))}</td>` : `<td>${e(String(v))}</td>`;
        }).join('')}</tr>`,
    )
    .join('');
  return `<table class="sortable" id="${e(id)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
