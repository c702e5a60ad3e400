/**
 * The HTML tables of a report: the run summary at the top (workload, arch, quant, tokens/s,
 * latency, energy per token, memory footprint against capacity, the calibration factors the
 * models used with their sources), the sweep summary and infeasible list, and the quant table.
 * Every figure is read from the input; nothing is computed here beyond ratios and unit changes.
 */
import { tpotOf, type QuantComparison, type RunInput } from './inputs.ts';
import type { SweepRow, SweepTable } from './sweep-table.ts';
import { escapeHtml as e } from './html.ts';
import { formatBytes, formatNumber, formatPercent, formatQuantity, formatSeconds } from '../util/format.ts';
import { runLabel } from './charts/latency.ts';

type Cell = string | { html: string; num?: boolean; cls?: string };

function cell(c: Cell, tag: 'td' | 'th' = 'td'): string {
  if (typeof c === 'string') return `<${tag}>${e(c)}</${tag}>`;
  const cls = [c.num ? 'num' : '', c.cls ?? ''].filter(Boolean).join(' ');
  return `<${tag}${cls ? ` class="${cls}"` : ''}>${c.html}</${tag}>`;
}

const num = (s: string): Cell => ({ html: e(s), num: true });

export function table(headers: string[], rows: Cell[][], id?: string): string {
  return `<table${id ? ` id="${e(id)}"` : ''}><thead><tr>${headers.map((h) => cell(h, 'th')).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => cell(c)).join('')}</tr>`).join('')}</tbody></table>`;
}

function percent(a: number, b: number): string {
  return b > 0 ? formatPercent(a / b) : '—';
}

/** One column per run: the figures a reader looks for first. */
export function runSummaryHtml(runs: RunInput[], labels: string[] = runs.map(runLabel)): string {
  const head = ['', ...labels];
  const row = (label: string, f: (r: RunInput) => Cell): Cell[] => [{ html: `<b>${e(label)}</b>` }, ...runs.map(f)];
  const rows: Cell[][] = [
    row(
      'workload',
      (r) =>
        `${r.workload.model} (${formatQuantity(r.workload.params, 'params')}) · ${r.workload.phase} · batch ${r.workload.batch}${r.workload.seq !== undefined ? ` · seq ${r.workload.seq}` : ''}${r.workload.context !== undefined ? ` · context ${r.workload.context}` : ''}`,
    ),
    row('arch', (r) => `${r.arch.name} [${r.arch.kind}]`),
    row('quant', (r) => `${r.quant.name} (weights ${r.quant.weights}, activations ${r.quant.activations}, KV ${r.quant.kv})`),
    row('tokens/s', (r) => num(formatQuantity(r.totals.tokensPerSecond, 'tokens/s'))),
    row('latency', (r) =>
      num(`${formatSeconds(r.totals.seconds)} per ${r.generate ? 'request' : 'step'} (roofline ${formatSeconds(r.totals.rooflineSeconds)})`),
    ),
    row('energy per token', (r) => num(formatQuantity(r.totals.energyPerTokenJ, 'J'))),
    row('energy per step, power', (r) => num(`${formatQuantity(r.totals.energyJ, 'J')}, ${formatQuantity(r.totals.averagePowerW, 'W')} average`)),
    row('memory footprint', (r) => ({
      html: `${e(formatBytes(r.memory.totalBytes))} of ${e(formatBytes(r.memory.capacityBytes))} (${percent(r.memory.totalBytes, r.memory.capacityBytes)})${r.memory.fits ? '' : ' <span class="bad">does not fit</span>'}<br><small>weights ${e(formatBytes(r.memory.weightsBytes))} · KV cache ${e(formatBytes(r.memory.kvCacheBytes))} · activations ${e(formatBytes(r.memory.activationBytes))}</small>`,
      num: true,
    })),
  ];
  if (runs.some((r) => r.generate)) {
    const opt = (v: number | undefined, f: (v: number) => string) => (v === undefined ? '—' : f(v));
    rows.push(
      row('TTFT / TPOT (mean)', (r) => num(r.generate ? `${opt(r.generate.ttftSeconds, formatSeconds)} / ${opt(tpotOf(r.generate), formatSeconds)}` : '—')),
    );
    rows.push(
      row('request: end to end, output tokens/s, energy', (r) =>
        num(
          r.generate
            ? `${opt(r.generate.e2eSeconds, formatSeconds)}, ${opt(r.generate.outputTokensPerSecond, (v) => formatQuantity(v, 'tokens/s'))}, ${opt(r.generate.energyPerRequestJ, (v) => formatQuantity(v, 'J'))}`
            : '—',
        ),
      ),
    );
  }
  if (runs.some((r) => r.stack)) {
    // The software stack (docs/models/software-stacks.md): its launch mode and what it added to the step.
    rows.push(
      row('software stack', (r) =>
        r.stack
          ? `${r.stack.name} (${r.stack.launch}): ${r.stack.step.kernels} kernels, device ${formatSeconds(r.stack.step.deviceSeconds)}${r.stack.launch === 'cuda-graph' ? ` + graph gaps ${formatSeconds(r.stack.step.gapSeconds)}` : ''} + waiting on the host ${formatSeconds(r.stack.step.hostWaitSeconds)}${r.stack.attention ? `; attention ${r.stack.attention.prefill} / ${r.stack.attention.decode}` : ''}${r.stack.gemm ? `; GEMMs ${r.stack.gemm.join(' → ')}` : ''}${r.stack.stridedLoop ? `; strided views ${r.stack.stridedLoop.kernel}` : ''}`
          : 'none',
      ),
    );
  }
  let html = table(head, rows, 'summary');
  html += calibrationHtml(runs);
  const warnings = runs.flatMap((r) => r.warnings.map((w) => `${runLabel(r)}: ${w}`));
  if (warnings.length) html += `<ul class="warn">${warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>`;
  return html;
}

/** The calibration factors the models used, with their sources (deduplicated across runs). */
export function calibrationHtml(runs: RunInput[]): string {
  const seen = new Map<string, RunInput['calibration'][number]>();
  for (const r of runs)
    for (const c of [...r.calibration, ...(r.stack?.calibration ?? []).map((x) => ({ ...x, name: `${r.stack!.name}.${x.name}` }))])
      seen.set(`${c.name}=${c.value}`, c);
  if (seen.size === 0) return '<p class="note" id="calibration">Calibration factors: none — the models used no calibration factor.</p>';
  return (
    `<p class="note">Calibration factors the models used:</p>` +
    table(
      ['factor', 'value', 'unit', 'from', 'source', 'description'],
      [...seen.values()].map((c) => [c.name, num(formatNumber(c.value, 4)), c.unit ?? '', c.origin ?? '', c.source, c.description ?? '']),
      'calibration',
    )
  );
}

/** counts: of every point (points, feasible ones, drawable ones that do not fit); t: the sweep's columns. */
export function sweepSummaryHtml(
  counts: { points: number; feasible: number; noFit: number },
  t: Pick<SweepTable, 'params' | 'constants'>,
  front: number,
  x: string,
  y: string,
): string {
  const rows: Cell[][] = [
    ['points', num(String(counts.points))],
    ['feasible', num(String(counts.feasible))],
    ['over memory capacity (drawn apart, never on the front)', num(String(counts.noFit))],
    ['infeasible', num(String(counts.points - counts.feasible))],
    [`on the Pareto front (${x} vs ${y})`, num(String(front))],
    ['swept parameters', t.params.map((p) => `${p.label} (${p.capped ? 'more than ' : ''}${p.distinct} values)`).join(', ') || '—'],
    ['fixed', t.constants.map((c) => `${c.label}=${typeof c.value === 'string' ? c.value : JSON.stringify(c.value)}`).join(', ') || '—'],
  ];
  return table(['', ''], rows, 'summary');
}

/** Infeasible points with their reasons: the first `limit` rows of `bad` (of `total` infeasible points), then a count of the rest. */
export function infeasibleHtml(bad: readonly SweepRow[], total = bad.length, limit = 200): string {
  if (total === 0) return '<p class="note">No infeasible points.</p>';
  const shown = bad.slice(0, limit);
  let html = table(
    ['id', 'point', 'reason'],
    shown.map((r) => [r.id, r.label, r.reason ?? '']),
    'infeasible',
  );
  if (total > shown.length) html += `<p class="note">… and ${total - shown.length} more infeasible points (see the results file).</p>`;
  return html;
}

export function quantTableHtml(q: QuantComparison): string {
  return table(
    ['format', 'arch', 'bits/weight', 'weights', 'KV cache', 'fits', 'latency/step', 'tokens/s', 'energy/token', 'bound', 'SQNR', 'rel. error', 'supported'],
    q.rows.map((r) => [
      r.format,
      r.archName,
      num(formatNumber(r.bitsPerWeight, 4)),
      num(formatBytes(r.weightBytes)),
      num(formatBytes(r.kvBytes)),
      r.fits ? { html: 'yes', cls: 'ok' } : { html: 'no', cls: 'bad' },
      num(r.latencySeconds !== undefined ? formatSeconds(r.latencySeconds) : '—'),
      num(r.tokensPerSecond !== undefined ? formatQuantity(r.tokensPerSecond, 'tokens/s') : '—'),
      num(r.energyPerTokenJ !== undefined ? formatQuantity(r.energyPerTokenJ, 'J') : '—'),
      r.bound ?? '—',
      num(typeof r.sqnrDb === 'number' ? `${formatNumber(r.sqnrDb)} dB` : '—'),
      num(typeof r.relError === 'number' ? formatNumber(r.relError) : '—'),
      r.supported ? 'yes' : { html: `no: ${e(r.reason ?? 'unsupported')}`, cls: 'bad' },
    ]),
    'summary',
  );
}
