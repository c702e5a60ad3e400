/**
 * The report of a sweep results file: summary, Pareto scatter of two objectives with the front
 * highlighted, parameter-vs-objective small multiples, and the infeasible points with reasons.
 * Charts with thousands of points render to canvas (SVG DOM gets slow past a few thousand nodes).
 */
import type { SweepLine } from './inputs.ts';
import { renderHtml, type ChartSection, type HtmlSection } from './html.ts';
import { SweepColumns, sweepTable } from './sweep-table.ts';
import { paretoData, paretoSpec } from './charts/pareto.ts';
import { paramsSpec, shownParams } from './charts/params.ts';
import { infeasibleHtml, sweepSummaryHtml } from './summary.ts';
import { AccelscopeError } from '../util/errors.ts';
import { escapeHtml as e } from './html.ts';
import { table } from './summary.ts';
import { formatObjective, objectiveInfo } from './objectives.ts';
import { specDifferences, SpecTally } from './sweep-specs.ts';
import { REPORT_POINT_LIMIT, sampleRule, sampleStride } from './sweep-sample.ts';
import { RunningFront } from '../sweep/running-front.ts';

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

/** Lines of a sweep, read afresh on each call (an array, or a results file streamed from disk: load.ts). */
export type SweepLines = () => Iterable<SweepLine>;

/** Infeasible points listed by name in the report (the rest are counted). */
export const INFEASIBLE_SHOWN = 200;

/**
 * Renders in bounded memory whatever the sweep's size: a first pass over the lines keeps counts,
 * the columns, spec summaries, the running Pareto front (exact) and the first infeasible points;
 * a second pass keeps the sample the charts draw (sweep-sample.ts). Only the sample and the
 * front are ever held, never every line.
 */
export function renderSweepReport(input: readonly SweepLine[] | SweepLines, opts: SweepReportOptions = {}): string {
  const read: SweepLines = typeof input === 'function' ? input : () => input;
  const x = opts.x ?? 'latencySeconds';
  const y = opts.y ?? 'energyPerTokenJ';
  const limit = opts.pointLimit ?? REPORT_POINT_LIMIT;
  const d1 = digestSweep(read, x, y, opts.maximize);
  const drawable = d1.drawable;
  if (x === y) throw new AccelscopeError('bad-flag', `--x and --y are both ${x}: a Pareto front needs two objectives`, { file: opts.file });
  for (const [flag, name] of [['--x', x], ['--y', y], ...(opts.maximize ?? []).map((m) => ['--maximize', m] as const)] as const) {
    if (drawable > 0 && !d1.columns.objectives.includes(name)) {
      throw new AccelscopeError('bad-flag', `${flag} ${name}: not a numeric objective of this sweep (it has ${d1.columns.objectives.join(', ') || 'none'})`, {
        file: opts.file,
      });
    }
  }
  // Past the point limit the charts and downloads carry the front and a uniform sample (the rule is stated).
  const sample = collectSample(read, d1, limit);
  const lines = sample.lines;
  const t = sample.rule ? sweepTable(lines) : d1.columns.table(lines);
  const all = d1.columns.table([]);
  const shownDrawable = t.rows.filter((r) => r.drawable).length;
  const sections: (ChartSection | HtmlSection)[] = [];
  if (sample.rule)
    sections.push({
      id: 'sampled',
      title: `Points drawn: ${lines.length} of ${d1.points}`,
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
  const specs = d1.specs.summaries();
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
  const infeasible = d1.points - d1.feasible;
  sections.push({
    id: 'infeasible',
    title: `Infeasible points (${infeasible})`,
    html: infeasibleHtml(d1.columns.table(d1.infeasibleShown).rows, infeasible, INFEASIBLE_SHOWN),
  });
  return renderHtml({
    title: opts.title ?? 'accelscope sweep report',
    subtitle: sample.rule ? `${d1.points} points (${lines.length} drawn)` : `${d1.points} points`,
    summaryHtml: sweepSummaryHtml(d1, all, frontSize, x, y),
    sections,
  });
}

/** What the first pass keeps of a sweep: bounded by its fields' distinct values and its front, never by its point count. */
interface SweepDigest {
  points: number;
  feasible: number;
  /** Lines with objectives to draw. */
  drawable: number;
  /** Drawable lines that do not fit (or are infeasible): drawn apart, never on the front. */
  noFit: number;
  columns: SweepColumns;
  specs: SpecTally;
  /** Positions (0-based, over every line read) of the points on the Pareto front of x and y. */
  front: Set<number>;
  /** The first INFEASIBLE_SHOWN infeasible lines. */
  infeasibleShown: SweepLine[];
}

function digestSweep(read: SweepLines, x: string, y: string, maximize?: readonly string[]): SweepDigest {
  const sx = objectiveInfo(x, maximize).direction === 'min' ? 1 : -1;
  const sy = objectiveInfo(y, maximize).direction === 'min' ? 1 : -1;
  const columns = new SweepColumns();
  const specs = new SpecTally();
  const front = new RunningFront<number>();
  const infeasibleShown: SweepLine[] = [];
  let points = 0;
  let feasible = 0;
  let drawable = 0;
  let noFit = 0;
  for (const l of read()) {
    const seq = points++;
    columns.add(l);
    specs.add(l);
    if (l.ok) feasible++;
    else if (infeasibleShown.length < INFEASIBLE_SHOWN) infeasibleShown.push(l);
    if (l.objectives === undefined) continue;
    drawable++;
    // The candidates paretoData (charts/pareto.ts) puts on the front: fitting points with both objectives finite.
    if (!(l.ok && l.objectives['fits'] !== false)) {
      noFit++;
      continue;
    }
    const vx = l.objectives[x];
    const vy = l.objectives[y];
    if (typeof vx === 'number' && typeof vy === 'number' && Number.isFinite(vx) && Number.isFinite(vy)) front.add([sx * vx, sy * vy], seq);
  }
  return { points, feasible, drawable, noFit, columns, specs, front: new Set(front.items()), infeasibleShown };
}

/** The second pass: every line when they are within the limit, else the front and every k-th other line (sweep-sample.ts). */
function collectSample(read: SweepLines, d: SweepDigest, limit: number): { lines: SweepLine[]; rule?: string } {
  const lines: SweepLine[] = [];
  const sampled = d.points > limit;
  const stride = sampled ? sampleStride(d.points, d.front.size, limit) : 1;
  let seq = 0;
  let rest = 0;
  for (const l of read()) {
    if (!sampled || d.front.has(seq) || (Number.isFinite(stride) && rest++ % stride === 0)) lines.push(l);
    seq++;
  }
  if (seq !== d.points) throw new AccelscopeError('schema', `the results changed while the report read them (${d.points} lines, then ${seq})`);
  return sampled ? { lines, rule: sampleRule(d.points, limit, d.front.size, lines.length) } : { lines };
}
