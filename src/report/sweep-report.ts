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
}

/** Above this many points a chart is drawn on canvas. */
export const CANVAS_THRESHOLD = 2000;

export function renderSweepReport(lines: readonly SweepLine[], opts: SweepReportOptions = {}): string {
  const x = opts.x ?? 'latencySeconds';
  const y = opts.y ?? 'energyPerTokenJ';
  const t = sweepTable(lines);
  const feasible = lines.filter((l) => l.ok).length;
  const drawable = t.rows.filter((r) => r.drawable).length;
  if (x === y) throw new AccelscopeError('bad-flag', `--x and --y are both ${x}: a Pareto front needs two objectives`, { file: opts.file });
  for (const [flag, name] of [['--x', x], ['--y', y], ...(opts.maximize ?? []).map((m) => ['--maximize', m] as const)] as const) {
    if (drawable > 0 && !t.objectives.includes(name)) {
      throw new AccelscopeError('bad-flag', `${flag} ${name}: not a numeric objective of this sweep (it has ${t.objectives.join(', ') || 'none'})`, { file: opts.file });
    }
  }
  const sections: (ChartSection | HtmlSection)[] = [];
  let frontSize = 0;
  if (drawable > 0) {
    const d = paretoData(t, { x, y, maximize: opts.maximize });
    frontSize = d.front.length;
    sections.push({
      id: 'pareto', title: 'Pareto front', spec: paretoSpec(t, { x, y, maximize: opts.maximize }),
      note: `${d.x.name} is ${d.x.direction === 'min' ? 'minimized' : 'maximized'}, ${d.y.name} is ${d.y.direction === 'min' ? 'minimized' : 'maximized'}. Points over the memory capacity are marked apart and never on the front.${d.missing ? ` ${d.missing} feasible points lack one of the two objectives.` : ''}`,
      renderer: d.points.length > CANVAS_THRESHOLD ? 'canvas' : 'svg',
    });
    const params = shownParams(t);
    if (params.length > 0) {
      const objectives = [...new Set([x, y])];
      sections.push({
        id: 'params', title: 'Parameters vs objectives', spec: paramsSpec(t, { objectives, maximize: opts.maximize, pointLimit: CANVAS_THRESHOLD }),
        note: t.params.length > params.length ? `Showing the ${params.length} parameters with the most distinct values of ${t.params.length}.` : undefined,
        // Summarized panels (past CANVAS_THRESHOLD points) have few marks; point panels may have many.
        renderer: drawable <= CANVAS_THRESHOLD && drawable * params.length * objectives.length > CANVAS_THRESHOLD ? 'canvas' : 'svg',
      });
    }
  }
  sections.push({ id: 'infeasible', title: `Infeasible points (${lines.length - feasible})`, html: infeasibleHtml(t) });
  return renderHtml({
    title: opts.title ?? 'accelscope sweep report',
    subtitle: `${lines.length} points`,
    summaryHtml: sweepSummaryHtml(lines, t, frontSize, x, y),
    sections,
  });
}
