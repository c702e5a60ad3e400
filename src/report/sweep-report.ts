/**
 * The report of a sweep results file: summary, Pareto scatter of two objectives with the front
 * highlighted, parameter-vs-objective small multiples, and the infeasible points with reasons.
 * Charts with thousands of points render to canvas (SVG DOM gets slow past a few thousand nodes).
 */
import type { SweepLine } from './inputs.ts';
import { renderHtml, type ChartSection, type HtmlSection } from './html.ts';
import { sweepTable } from './sweep-table.ts';
import { paretoData, paretoSpec } from './charts/pareto.ts';
import { paramsSpec, shownParams } from './charts/params.ts';
import { infeasibleHtml, sweepSummaryHtml } from './summary.ts';
import { AccelscopeError } from '../util/errors.ts';
import { escapeHtml as e } from './html.ts';
import { table } from './summary.ts';
import { formatObjective } from './objectives.ts';
import { specDifferences, specSummaries } from './sweep-specs.ts';
import { REPORT_POINT_LIMIT, sampleForReport } from './sweep-sample.ts';

export interface SweepReportOptions {
  /** Objective on the x axis (default latencySeconds). */
  x?: string;
  /** Objective on the y axis (default energyPerTokenJ). */
  y?: string;
  /** Objectives to maximize beyond those known to be (tokensPerSecond, …PerSecond). */
  maximize?: readonly string[];
  title?: string;
  /** Name of the results file, for messages. */
  file?: string;
  /** Points drawn at most (default REPORT_POINT_LIMIT): beyond it, the front and a uniform sample (sweep-sample.ts). */
  pointLimit?: number;
}

/** Above this many points a chart is drawn on canvas. */
export const CANVAS_THRESHOLD = 2000;

export function renderSweepReport(allLines: readonly SweepLine[], opts: SweepReportOptions = {}): string {
  const x = opts.x ?? 'latencySeconds';
  const y = opts.y ?? 'energyPerTokenJ';
  const all = sweepTable(allLines);
  const feasible = allLines.filter((l) => l.ok).length;
  const drawable = all.rows.filter((r) => r.drawable).length;
  if (x === y) throw new AccelscopeError('bad-flag', `--x and --y are both ${x}: a Pareto front needs two objectives`, { file: opts.file });
  for (const [flag, name] of [['--x', x], ['--y', y], ...(opts.maximize ?? []).map((m) => ['--maximize', m] as const)] as const) {
    if (drawable > 0 && !all.objectives.includes(name)) {
      throw new AccelscopeError('bad-flag', `${flag} ${name}: not a numeric objective of this sweep (it has ${all.objectives.join(', ') || 'none'})`, {
        file: opts.file,
      });
    }
  }
  // Past the point limit the charts and downloads carry the front and a uniform sample (the rule is stated).
  const limit = opts.pointLimit ?? REPORT_POINT_LIMIT;
  const allFront = drawable > 0 && allLines.length > limit ? paretoData(all, { x, y, maximize: opts.maximize }).front : [];
  const sample = sampleForReport(allLines, new Set(allFront.map((p) => p.id)), limit);
  const lines = sample.lines;
  const t = sample.rule ? sweepTable(lines) : all;
  const shownDrawable = t.rows.filter((r) => r.drawable).length;
  const sections: (ChartSection | HtmlSection)[] = [];
  if (sample.rule)
    sections.push({
      id: 'sampled',
      title: `Points drawn: ${lines.length} of ${allLines.length}`,
      html: `<p class="note" id="sample-rule">${e(sample.rule)}</p>`,
    });
  let frontSize = 0;
  if (drawable > 0) {
    const d = paretoData(t, { x, y, maximize: opts.maximize });
    frontSize = d.front.length;
    sections.push({
      id: 'pareto',
      title: 'Pareto front',
      spec: paretoSpec(t, { x, y, maximize: opts.maximize }),
      note: `${d.x.name} is ${d.x.direction === 'min' ? 'minimized' : 'maximized'}, ${d.y.name} is ${d.y.direction === 'min' ? 'minimized' : 'maximized'}. Points over the memory capacity are marked apart and never on the front.${d.missing ? ` ${d.missing} feasible points lack one of the two objectives.` : ''}`,
      renderer: d.points.length > CANVAS_THRESHOLD ? 'canvas' : 'svg',
    });
    const params = shownParams(t);
    if (params.length > 0) {
      const objectives = [...new Set([x, y])];
      sections.push({
        id: 'params',
        title: 'Parameters vs objectives',
        spec: paramsSpec(t, { objectives, maximize: opts.maximize, pointLimit: CANVAS_THRESHOLD }),
        note: t.params.length > params.length ? `Showing the ${params.length} parameters with the most distinct values of ${t.params.length}.` : undefined,
        // Summarized panels (past CANVAS_THRESHOLD points) have few marks; point panels may have many.
        renderer: shownDrawable <= CANVAS_THRESHOLD && shownDrawable * params.length * objectives.length > CANVAS_THRESHOLD ? 'canvas' : 'svg',
      });
    }
  }
  if (drawable > 0) {
    const d = paretoData(t, { x, y, maximize: opts.maximize });
    const front = [...d.front].sort((a, b) => a.x - b.x);
    const rows = front.map((p) => ({ id: p.id, point: p.label, [x]: p.x, [y]: p.y }));
    sections.push({
      id: 'front',
      title: `Pareto front as a table (${front.length} points)`,
      html:
        `<p class="note">Click an id (or any point in the charts) for its full result line.</p>` +
        table(
          ['id', 'point', d.x.title, d.y.title],
          front.map((p) => [
            { html: `<a href="#result-${e(p.id)}">${e(p.id)}</a>` },
            p.label,
            { html: e(formatObjective(x, p.x)), num: true },
            { html: e(formatObjective(y, p.y)), num: true },
          ]),
          'front-table',
        ),
      download: rows,
    });
  }
  const specs = specSummaries(allLines);
  if (specs.length > 1) {
    const diff = specDifferences(specs);
    sections.push({
      id: 'specs',
      title: `${specs.length} sweep specs`,
      html:
        `<p class="note" id="spec-differences">The specs differ in: ${e(diff.join(', ') || 'nothing but their hash')}.</p>` +
        table(
          ['spec', 'points', ...diff],
          specs.map((s) => [s.spec, { html: String(s.points), num: true }, ...diff.map((k) => (s.values[k] ?? ['—']).join(', '))]),
          'specs-table',
        ),
      download: specs.map((s) => ({ spec: s.spec, points: s.points, ...Object.fromEntries(diff.map((k) => [k, s.values[k] ?? null])) })),
    });
  }
  sections.push({
    id: 'result',
    title: 'Full result of a point',
    html: '<p class="note">Click a point in a chart or an id in a table; its result line (as the sweep wrote it) shows here.</p><pre id="result-view">(no point chosen)</pre>',
    download: lines,
  });
  sections.push({ id: 'infeasible', title: `Infeasible points (${allLines.length - feasible})`, html: infeasibleHtml(all) });
  return renderHtml({
    title: opts.title ?? 'accelscope sweep report',
    subtitle: sample.rule ? `${allLines.length} points (${lines.length} drawn)` : `${allLines.length} points`,
    summaryHtml: sweepSummaryHtml(allLines, all, frontSize, x, y),
    sections,
  });
}
