/**
 * Pareto scatter of a sweep in two chosen objectives: every feasible point, the non-dominated ones
 * highlighted and joined in order, points that do not fit in memory marked apart (they are never
 * on the front): feasible ones with fits: false, and infeasible ones that still carry objectives
 * (a sweep records over-capacity points that way). Other infeasible points have no objectives; the
 * report lists them all with their reasons.
 */
import { objectiveInfo, type ObjectiveInfo } from '../objectives.ts';
import { paretoFront2d } from '../pareto.ts';
import { objectiveField, type SweepTable } from '../sweep-table.ts';
import { CONFIG, HEIGHT, VL_SCHEMA, WIDTH, spansDecades, type VlSpec } from './common.ts';
import { vegaLabelExpr, vegaLogLabelExpr } from '../../util/format.ts';
import { axisUnit } from '../objectives.ts';
import { classPalette } from '../palette.ts';
import { textField, textOf } from './tooltip-text.ts';

export type ParetoStatus = 'front' | 'dominated' | 'does not fit';

export interface ParetoPoint {
  id: string;
  label: string;
  x: number;
  y: number;
  status: ParetoStatus;
  /** Value of the parameter the points are coloured by (quant, else batch, arch, system, stack), if any varies. */
  group?: string;
}

export interface ParetoData {
  x: ObjectiveInfo;
  y: ObjectiveInfo;
  points: ParetoPoint[];
  /** Front points in order of x, for the line joining them. */
  front: ParetoPoint[];
  /** Drawable points missing either objective. */
  missing: number;
  /** The swept parameter the points are coloured by (quant, workload.batch, arch, system, stack or spec), if any. */
  colourBy?: string;
}

/** What the scatter colours points by: the first of quant, batch, arch, system, stack, spec that the sweep varies. */
export function colourParam(t: SweepTable): SweepTable['params'][number] | undefined {
  for (const label of ['quant', 'workload.batch', 'arch', 'system', 'stack', 'spec']) {
    const p = t.params.find((q) => q.label === label);
    if (p) return p;
  }
  return undefined;
}

export interface ParetoOptions {
  x: string;
  y: string;
  maximize?: readonly string[];
}

export function paretoData(t: SweepTable, o: ParetoOptions): ParetoData {
  const x = objectiveInfo(o.x, o.maximize);
  const y = objectiveInfo(o.y, o.maximize);
  const fx = objectiveField(o.x);
  const fy = objectiveField(o.y);
  const points: ParetoPoint[] = [];
  const cp = colourParam(t);
  let missing = 0;
  for (const r of t.rows) {
    if (!r.drawable) continue;
    const vx = r[fx];
    const vy = r[fy];
    if (typeof vx !== 'number' || typeof vy !== 'number' || !Number.isFinite(vx) || !Number.isFinite(vy)) {
      missing++;
      continue;
    }
    points.push({ id: r.id, label: r.label, x: vx, y: vy, status: r.fits ? 'dominated' : 'does not fit', ...(cp ? { group: String(r[cp.field]) } : {}) });
  }
  const candidates = points.filter((p) => p.status !== 'does not fit');
  const front = paretoFront2d(candidates, x.direction, y.direction).map((i) => candidates[i]!);
  for (const p of front) p.status = 'front';
  return { x, y, points, front, missing, ...(cp ? { colourBy: cp.label } : {}) };
}

function axis(info: ObjectiveInfo, values: number[]) {
  const log = spansDecades(values, 1.5);
  const better = info.direction === 'min' ? 'lower is better' : 'higher is better';
  return {
    type: 'quantitative' as const,
    scale: log ? { type: 'log' as const } : { zero: false },
    axis: { title: `${info.title} — ${better}`, labelExpr: (log ? vegaLogLabelExpr : vegaLabelExpr)(axisUnit(info)) },
  };
}

/** `5 of 112 feasible points on the front (32 over memory capacity drawn apart)`: points that do not fit are not counted as feasible. */
export function frontSubtitle(d: ParetoData): string {
  const over = d.points.filter((p) => p.status === 'does not fit').length;
  return `${d.front.length} of ${d.points.length - over} feasible points on the front${over ? ` (${over} over memory capacity drawn apart)` : ''}`;
}

export function paretoSpec(t: SweepTable, o: ParetoOptions): VlSpec {
  const d = paretoData(t, o);
  const x = axis(
    d.x,
    d.points.map((p) => p.x),
  );
  const y = axis(
    d.y,
    d.points.map((p) => p.y),
  );
  const tooltip = [
    { field: 'id', type: 'nominal' },
    { field: 'label', type: 'nominal', title: 'point' },
    { field: textField('x'), type: 'nominal', title: d.x.title },
    { field: textField('y'), type: 'nominal', title: d.y.title },
    { field: 'status', type: 'nominal' },
  ];
  const texts = [textOf('x', axisUnit(d.x)), textOf('y', axisUnit(d.y))];
  if (d.colourBy) tooltip.splice(2, 0, { field: 'group', type: 'nominal', title: d.colourBy });
  // Points coloured by quant (else batch, arch, system, stack, spec) when the sweep varies it, else by status.
  const groups = [...new Set(d.points.map((p) => p.group ?? ''))].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const color = d.colourBy
    ? { field: 'group', type: 'nominal', title: d.colourBy, scale: { domain: groups, range: classPalette().range.slice(0, Math.max(groups.length, 1)) } }
    : { field: 'status', type: 'nominal', title: 'point', scale: { domain: ['front', 'dominated', 'does not fit'], range: ['#d62728', '#8c8c8c', '#ff9896'] } };
  // Big sweeps: smaller, fainter points so the front stays readable.
  const big = d.points.length > 2000;
  return {
    $schema: VL_SCHEMA,
    title: { text: `Pareto front: ${d.x.name} vs ${d.y.name}`, subtitle: frontSubtitle(d) },
    description: `pareto: ${d.points.length} points, ${d.front.length} on the front`,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        name: 'points',
        transform: texts,
        data: { values: d.points.filter((p) => p.status !== 'front') },
        mark: { type: 'point', filled: true, size: big ? 12 : 40, opacity: big ? 0.35 : 0.6 },
        encoding: {
          x: { field: 'x', ...x },
          y: { field: 'y', ...y },
          color,
          shape: {
            field: 'status',
            type: 'nominal',
            title: 'point',
            scale: { domain: ['front', 'dominated', 'does not fit'], range: ['diamond', 'circle', 'cross'] },
          },
          tooltip,
        },
      },
      {
        name: 'front_line',
        data: { values: d.front },
        mark: { type: 'line', color: '#333', strokeWidth: 1.5 },
        encoding: { x: { field: 'x', ...x }, y: { field: 'y', ...y }, order: { field: 'x' } },
      },
      {
        name: 'front',
        transform: texts,
        data: { values: d.front },
        mark: { type: 'point', filled: true, size: 90, stroke: 'black', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'x', ...x },
          y: { field: 'y', ...y },
          color,
          shape: {
            field: 'status',
            type: 'nominal',
            title: 'point',
            scale: { domain: ['front', 'dominated', 'does not fit'], range: ['diamond', 'circle', 'cross'] },
          },
          tooltip,
        },
      },
    ],
  } as VlSpec;
}
