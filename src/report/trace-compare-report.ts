/**
 * The `trace compare --html` page: the error summary, measured against simulated time per op
 * (log–log scatter), the passes, the ops grouped by name, and every op in a sortable table whose
 * rows are its CSV/JSON download. Offline like every report (html.ts).
 */
import type { TraceComparison, ComparedOp } from '../fidelity/trace-compare.ts';
import { renderHtml, escapeHtml as e } from './html.ts';
import { measuredVsSimulatedSpec } from './charts/measured-vs-simulated.ts';
import { writeFileAtomic } from '../util/json-file.ts';
import { formatBytes, formatPercent, formatSeconds } from '../util/format.ts';
import type { NoteSink } from './write.ts';

const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? 'n/a' : `${x >= 0 ? '+' : '−'}${formatPercent(Math.abs(x))}`);

type Col<T> = [key: keyof T & string, label: string, fmt: ((v: number | null) => string) | null];

/** A sortable table (html.ts sorts by `data-v`), one row per item. */
function table<T extends object>(id: string, cols: Col<T>[], rows: T[]): string {
  const head = cols.map(([k, label, f]) => `<th data-key="${k}"${f ? ' data-num="1"' : ''} title="click to sort">${e(label)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${cols
          .map(([k, , f]) => {
            const v = (r as Record<string, string | number | null>)[k] ?? null;
            return f ? `<td class="num" data-v="${v === null ? '' : String(v)}">${e(f(v as number | null))}</td>` : `<td>${e(String(v))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="sortable" id="${e(id)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const sec = (v: number | null) => (v === null ? 'n/a' : formatSeconds(v));
const OP_COLS: Col<ComparedOp>[] = [
  ['pass', 'pass', (v) => String(v)],
  ['phase', 'phase', null],
  ['id', 'op', null],
  ['cls', 'class', null],
  ['shape', 'shape', null],
  ['measuredSeconds', 'measured', sec],
  ['simulatedSeconds', 'simulated', sec],
  ['error', 'error', pct],
  ['bound', 'bound', null],
];

export function renderTraceCompareReport(c: TraceComparison): string {
  const row = (k: string, v: string) => `<tr><th>${e(k)}</th><td class="num">${e(v)}</td></tr>`;
  const summaryHtml = `<table>${[
    row('measured ops', String(c.errors.n) + (c.totals.unmeasuredOps ? ` (+${c.totals.unmeasuredOps} with no kernel)` : '')),
    row('median |error|', formatPercent(c.errors.medianAbs)),
    row('p90 |error|', formatPercent(c.errors.p90Abs)),
    row('max |error|', formatPercent(c.errors.maxAbs)),
    row('median error (signed)', pct(c.errors.medianSigned)),
    row('total measured', formatSeconds(c.totals.measuredSeconds)),
    row('total simulated', `${formatSeconds(c.totals.simulatedSeconds)} (${pct(c.totals.error)})`),
    row('kernels under ops not imported', formatSeconds(c.totals.unplacedSeconds)),
  ].join('')}</table><p class="note">error = simulated / measured − 1 (negative: the model is fast); measured = the GPU kernels launched under the op.</p>`;
  const measured = c.ops.filter((o) => o.error !== null);
  return renderHtml({
    title: `Trace compare: ${c.traces.join(', ')}`,
    subtitle: `on ${c.arch.name} [${c.arch.kind}] · ${c.quant} · calibration: ${c.calibration.map((u) => `${u.name} ${u.value}`).join(', ') || 'none'}`,
    summaryHtml,
    sections: [
      {
        id: 'scatter',
        title: 'Simulated against measured, per op',
        spec: measuredVsSimulatedSpec(
          measured.map((o) => ({
            op: o.id,
            phase: o.phase,
            cls: o.cls,
            shape: o.shape,
            measuredSeconds: o.measuredSeconds,
            simulatedSeconds: o.simulatedSeconds,
            errorPct: 100 * o.error!,
          })),
        ),
      },
      {
        id: 'passes',
        title: 'Forward passes',
        html: table(
          'passes',
          [
            ['index', 'pass', (v) => String(v)],
            ['phase', 'phase', null],
            ['batch', 'batch', (v) => String(v)],
            ['tokens', 'tokens', (v) => String(v)],
            ['measuredSeconds', 'measured', sec],
            ['simulatedSeconds', 'simulated', sec],
            ['error', 'error', pct],
          ],
          c.passes,
        ),
        download: c.passes,
      },
      { id: 'top', title: `The ${c.top.length} ops that differ most`, html: table('top', OP_COLS, c.top), download: c.top },
      {
        id: 'groups',
        title: 'Ops by name, summed over layers',
        html: table(
          'groups',
          [
            ['phase', 'phase', null],
            ['name', 'op', null],
            ['ops', 'ops', (v) => String(v)],
            ['measuredSeconds', 'measured', sec],
            ['simulatedSeconds', 'simulated', sec],
            ['error', 'error', pct],
          ],
          c.groups,
        ),
        download: c.groups,
      },
      { id: 'ops', title: 'Every op', html: `<div class="scroll">${table('ops', OP_COLS, c.ops)}</div>`, download: c.ops },
    ],
  });
}

export function writeTraceCompareHtml(file: string, c: TraceComparison, io: NoteSink): void {
  const html = renderTraceCompareReport(c);
  writeFileAtomic(file, html);
  io.err(`wrote ${file} (${formatBytes(Buffer.byteLength(html))}, trace comparison report)\n`);
}
