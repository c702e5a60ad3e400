/**
 * Roofline on log-log axes: arithmetic intensity (FLOP/byte) against achieved FLOP/s. One
 * horizontal ceiling per compute dtype the arch has (and its vector units; dtypes with equal
 * peaks share one, named after all of them), one slanted ceiling
 * per memory level. Ops are aggregated by op class and spot: the ops of one class that land on the
 * same point (the same GEMM in every layer) are one mark whose area encodes their total time and
 * whose tooltip gives their count, so ~450 ops of a decoder are ~20 readable marks, not 450
 * overprinted ones. Each group is drawn at the cycle model's result and at its roofline estimate
 * (a rule joins the two where they differ). Clicking a class in the legend hides it (click again
 * to show). Ops with no FLOPs or no bytes have no place on a log-log roofline; they are counted.
 */
import type { RunResult } from '../../engine/run.ts';
import { AccelscopeError } from '../../util/errors.ts';
import { CONFIG, HEIGHT, VL_SCHEMA, WIDTH, decadeCeil, decadeFloor, sig6, type VlSpec } from './common.ts';
import { classColorScale } from '../palette.ts';
import { vegaFormatExpr, vegaLogLabelExpr } from '../../util/format.ts';

export interface RooflineOpPoint {
  series: 'cycle model' | 'roofline';
  op: string;
  name: string;
  cls: string;
  shape: string;
  /** FLOP per byte of main-memory traffic. */
  intensity: number;
  /** Achieved FLOP/s. */
  flopsPerSecond: number;
  /** Total time of the ops in the group. */
  seconds: number;
  /** Ops in the group (same class, same spot). */
  count: number;
  bound: string;
  dtype: string;
}

export interface RooflineCeiling {
  ceiling: string;
  kind: 'compute' | 'memory';
  x: number;
  y: number;
  x2: number;
  y2: number;
}

export interface RooflineData {
  /** One point per (class, spot, estimate): ops aggregated. */
  points: RooflineOpPoint[];
  /** Ops drawn (before aggregation). */
  ops: number;
  /** One rule per op whose cycle-model point differs from its roofline point. */
  links: { op: string; x: number; y: number; x2: number; y2: number }[];
  ceilings: RooflineCeiling[];
  /** Ops not drawn because they have no FLOPs, no bytes or no time. */
  excluded: number;
  domain: { x: [number, number]; y: [number, number] };
}

type RunForRoofline = Pick<RunResult, 'arch' | 'ops'>;

export function rooflineData(run: RunForRoofline): RooflineData {
  const groups = new Map<string, { model: RooflineOpPoint; roof: RooflineOpPoint; names: Set<string> }>();
  let excluded = 0;
  let drawn = 0;
  for (const o of run.ops) {
    const modelBytes = o.bytes > 0 ? o.bytes : o.roofline.bytes;
    if (!(o.flops > 0 && modelBytes > 0 && o.roofline.bytes > 0 && o.seconds > 0 && o.roofline.seconds > 0)) {
      excluded++;
      continue;
    }
    drawn++;
    const n = o.count ?? 1;
    const mi = o.flops / modelBytes,
      mf = o.flops / o.seconds;
    const ri = o.roofline.intensity,
      rf = o.flops / o.roofline.seconds;
    // Same class and the same spot (to 4 significant digits) for both estimates: one group.
    const key = [o.cls, mi, mf, ri, rf, o.bound, o.dtype ?? o.roofline.dtype].map((v) => (typeof v === 'number' ? v.toPrecision(4) : v)).join('|');
    const g = groups.get(key);
    if (g) {
      g.model.seconds += o.seconds;
      g.roof.seconds += o.roofline.seconds;
      g.model.count += n;
      g.roof.count += n;
      g.names.add(o.name);
      continue;
    }
    const common = { op: o.id, cls: o.cls, shape: o.shape ?? o.kind, count: n };
    groups.set(key, {
      names: new Set([o.name]),
      model: {
        series: 'cycle model',
        ...common,
        name: o.name,
        intensity: mi,
        flopsPerSecond: mf,
        seconds: o.seconds,
        bound: o.bound,
        dtype: o.dtype ?? o.roofline.dtype,
      },
      roof: {
        series: 'roofline',
        ...common,
        name: o.name,
        intensity: ri,
        flopsPerSecond: rf,
        seconds: o.roofline.seconds,
        bound: o.roofline.bound,
        dtype: o.roofline.dtype,
      },
    });
  }
  const points: RooflineOpPoint[] = [];
  const links: RooflineData['links'] = [];
  for (const g of groups.values()) {
    const names = [...g.names];
    const name = names.length > 3 ? `${names.slice(0, 3).join(', ')} … (${names.length} names)` : names.join(', ');
    g.model.name = name;
    g.roof.name = name;
    points.push(g.model, g.roof);
    if (!sameSpot(g.model, g.roof))
      links.push({ op: g.model.op, x: g.roof.intensity, y: g.roof.flopsPerSecond, x2: g.model.intensity, y2: g.model.flopsPerSecond });
  }

  const c = run.arch.ceilings;
  if (!(c.vector > 0 || Object.values(c.matrix).some((v) => typeof v === 'number' && v > 0)) || !c.memory.some((m) => m.bandwidthBps > 0)) {
    throw new AccelscopeError('schema', `arch '${run.arch.name}' reports no compute peak or no memory bandwidth: a roofline needs both`, {
      pointer: '/arch/ceilings',
    });
  }
  // Dtypes with the same peak (fp16 and bf16 on most GPUs) share one ceiling, named after all.
  const byPeak = new Map<number, string[]>();
  for (const [dtype, peak] of [...Object.entries(c.matrix), ['vector', c.vector] as const]) {
    if (typeof peak === 'number' && peak > 0) byPeak.set(peak, [...(byPeak.get(peak) ?? []), dtype]);
  }
  const peaks: [string, number][] = [...byPeak].map(([peak, names]) => [names.join(' / '), peak]);
  const levels = c.memory.filter((m) => m.bandwidthBps > 0);
  const maxPeak = Math.max(...peaks.map((p) => p[1]));
  const minPeak = Math.min(...peaks.map((p) => p[1]));
  const maxBw = Math.max(...levels.map((l) => l.bandwidthBps));
  const minBw = Math.min(...levels.map((l) => l.bandwidthBps));
  const xs = [...points.map((p) => p.intensity), minPeak / maxBw, maxPeak / minBw];
  const ys = [...points.map((p) => p.flopsPerSecond), maxPeak];
  const x0 = decadeFloor(Math.min(...xs) / 2);
  const x1 = decadeCeil(Math.max(...xs) * 2);
  const y0 = decadeFloor(Math.min(...ys) / 2);
  const y1 = decadeCeil(maxPeak * 2);

  const ceilings: RooflineCeiling[] = [];
  for (const [dtype, peak] of peaks) {
    ceilings.push({ ceiling: `${dtype} peak`, kind: 'compute', x: peak / maxBw, y: peak, x2: x1, y2: peak });
  }
  for (const l of levels) {
    // The slanted roof of a level runs from the left edge up to where it meets the highest peak.
    const xStart = Math.max(x0, y0 / l.bandwidthBps);
    ceilings.push({ ceiling: `${l.level} bandwidth`, kind: 'memory', x: xStart, y: l.bandwidthBps * xStart, x2: maxPeak / l.bandwidthBps, y2: maxPeak });
  }
  return { points, ops: drawn, links, ceilings, excluded, domain: { x: [x0, x1], y: [y0, y1] } };
}

function sameSpot(a: RooflineOpPoint, b: RooflineOpPoint): boolean {
  return Math.abs(a.intensity / b.intensity - 1) < 1e-9 && Math.abs(a.flopsPerSecond / b.flopsPerSecond - 1) < 1e-9;
}

export function rooflineSpec(run: RunForRoofline, title = `Roofline — ${run.arch.name}`): VlSpec {
  const d = rooflineData(run);
  const x = {
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain: d.domain.x, clamp: true },
    axis: { title: 'arithmetic intensity (FLOP/byte)', labelExpr: vegaLogLabelExpr() },
  };
  const y = {
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain: d.domain.y, clamp: true },
    axis: { title: 'achieved throughput (FLOP/s)', labelExpr: vegaLogLabelExpr('FLOP/s') },
  };
  return {
    $schema: VL_SCHEMA,
    title: { text: title, subtitle: d.excluded ? `${d.excluded} op(s) with no FLOPs or no bytes are not drawn` : '' },
    description: `roofline: ${d.ceilings.length} ceilings, ${d.ops} ops in ${d.points.length / 2} groups`,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        name: 'ceilings',
        data: { values: d.ceilings },
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x: { field: 'x', ...x },
          y: { field: 'y', ...y },
          x2: { field: 'x2' },
          y2: { field: 'y2' },
          color: { field: 'ceiling', type: 'nominal', title: 'ceiling', scale: { scheme: 'dark2' } },
          strokeDash: {
            field: 'kind',
            type: 'nominal',
            title: 'ceiling kind',
            scale: {
              domain: ['compute', 'memory'],
              range: [
                [1, 0],
                [6, 3],
              ],
            },
          },
          tooltip: [
            { field: 'ceiling', type: 'nominal' },
            { field: 'peakText', type: 'nominal', title: 'peak' },
          ],
        },
        transform: [{ calculate: vegaFormatExpr('FLOP/s', 'datum.y2'), as: 'peakText' }],
      },
      {
        name: 'ceiling_labels',
        data: { values: d.ceilings },
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -3, fontSize: 10, color: '#555' },
        encoding: {
          x: { field: 'x2', ...x },
          y: { field: 'y2', ...y },
          text: { field: 'ceiling', type: 'nominal' },
        },
        transform: [{ filter: "datum.kind === 'compute'" }],
      },
      {
        name: 'links',
        data: { values: d.links.map((l) => ({ x: sig6(l.x), y: sig6(l.y), x2: sig6(l.x2), y2: sig6(l.y2) })) },
        mark: { type: 'rule', color: '#999', strokeWidth: 1 },
        encoding: { x: { field: 'x', ...x }, y: { field: 'y', ...y }, x2: { field: 'x2' }, y2: { field: 'y2' } },
      },
      {
        name: 'ops',
        data: { values: d.points.map((p) => ({ ...p, intensity: sig6(p.intensity), flopsPerSecond: sig6(p.flopsPerSecond), seconds: sig6(p.seconds) })) },
        mark: { type: 'point', filled: true },
        params: [{ name: 'hidden', select: { type: 'point', fields: ['cls'], toggle: 'true' }, bind: 'legend' }],
        transform: [
          { calculate: vegaFormatExpr('s', 'datum.seconds'), as: 'timeText' },
          { calculate: vegaFormatExpr('FLOP/s', 'datum.flopsPerSecond'), as: 'flopsText' },
          { calculate: vegaFormatExpr('', 'datum.intensity'), as: 'intensityText' },
        ],
        encoding: {
          size: { field: 'seconds', type: 'quantitative', title: 'time (area)', scale: { type: 'sqrt', range: [30, 900] }, legend: null },
          opacity: { condition: { param: 'hidden', empty: false, value: 0 }, value: 0.8 },
          x: { field: 'intensity', ...x },
          y: { field: 'flopsPerSecond', ...y },
          color: { field: 'cls', type: 'nominal', title: 'op class (click to hide)', scale: classColorScale() },
          shape: { field: 'series', type: 'nominal', title: 'estimate', scale: { domain: ['cycle model', 'roofline'], range: ['circle', 'cross'] } },
          tooltip: [
            { field: 'cls', type: 'nominal', title: 'op class' },
            { field: 'name', type: 'nominal', title: 'op' },
            { field: 'op', type: 'nominal', title: 'first id' },
            { field: 'count', type: 'quantitative', title: 'ops' },
            { field: 'shape', type: 'nominal' },
            { field: 'series', type: 'nominal', title: 'estimate' },
            { field: 'intensityText', type: 'nominal', title: 'intensity (FLOP/byte)' },
            { field: 'flopsText', type: 'nominal', title: 'achieved' },
            { field: 'timeText', type: 'nominal', title: 'total time' },
            { field: 'bound', type: 'nominal' },
            { field: 'dtype', type: 'nominal' },
          ],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}
