/**
 * Icicle of a run's time or energy: layer → op class → op, laid out by d3-hierarchy's partition
 * in Node (so the page only draws rectangles), drawn by vega-lite as rects with hover details.
 * Ops outside the decoder layers (embedding, final norm, lm_head) form an "outside layers" node.
 * A rectangle's width is its share of the step's time (or energy); children tile their parent.
 */
import { hierarchy, partition } from 'd3-hierarchy';
import type { RunResult } from '../../engine/run.ts';
import { CONFIG, VL_SCHEMA, WIDTH, sig6, type VlSpec } from './common.ts';
import { classColorScale } from '../palette.ts';
import { vegaFormatExpr } from '../../util/format.ts';

export type IcicleMeasure = 'time' | 'energy';

interface Node {
  name: string;
  cls?: string;
  value?: number;
  children?: Node[];
}

export interface IcicleCell {
  name: string;
  path: string;
  depth: number;
  cls: string;
  value: number;
  share: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

type RunForIcicle = Pick<RunResult, 'ops'>;

function valueOf(o: RunResult['ops'][number], m: IcicleMeasure): number {
  return m === 'time' ? o.seconds : (o.energyPj.compute + o.energyPj.onChip + o.energyPj.offChip + o.energyPj.static) * 1e-12;
}

export function icicleCells(run: RunForIcicle, measure: IcicleMeasure): IcicleCell[] {
  const layers = new Map<string, Map<string, Node[]>>();
  for (const o of run.ops) {
    const v = valueOf(o, measure);
    if (!(v > 0)) continue;
    const lk = o.layer < 0 ? 'outside layers' : `layer ${o.layer}`;
    const byCls = layers.get(lk) ?? new Map<string, Node[]>();
    layers.set(lk, byCls);
    byCls.set(o.cls, [...(byCls.get(o.cls) ?? []), { name: o.name, cls: o.cls, value: v }]);
  }
  const root: Node = {
    name: measure === 'time' ? 'step time' : 'step energy',
    children: [...layers].map(([name, byCls]) => ({ name, children: [...byCls].map(([cls, ops]) => ({ name: cls, cls, children: ops })) })),
  };
  const h = hierarchy<Node>(root).sum((d) => d.value ?? 0);
  const total = h.value ?? 0;
  const laid = partition<Node>().size([1, 4])(h);
  return laid
    .descendants()
    .filter((d) => d.depth > 0)
    .map((d) => ({
      name: d.data.name,
      path: d
        .ancestors()
        .reverse()
        .slice(1)
        .map((a) => a.data.name)
        .join(' › '),
      depth: d.depth,
      cls: d.depth === 1 ? 'layer' : (d.data.cls ?? d.parent?.data.cls ?? 'other'),
      value: sig6(d.value ?? 0),
      share: total > 0 ? sig6((d.value ?? 0) / total) : 0,
      x0: sig6(d.x0),
      x1: sig6(d.x1),
      y0: d.y0,
      y1: d.y1,
    }));
}

export function icicleSpec(run: RunForIcicle, measure: IcicleMeasure, title: string): VlSpec {
  const cells = icicleCells(run, measure);
  const unit = measure === 'time' ? 's' : 'J';
  const scale = classColorScale();
  return {
    $schema: VL_SCHEMA,
    title: { text: title, subtitle: 'rows: layer → op class → op; width = share of the step' },
    description: `icicle: ${cells.length} cells`,
    width: WIDTH,
    height: 180,
    config: CONFIG,
    data: { values: cells },
    transform: [{ calculate: vegaFormatExpr(unit, 'datum.value'), as: 'valueText' }],
    mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5, tooltip: true },
    name: `icicle_${measure}`,
    encoding: {
      x: { field: 'x0', type: 'quantitative', axis: null, scale: { domain: [0, 1] } },
      x2: { field: 'x1' },
      y: { field: 'y0', type: 'quantitative', axis: null, scale: { domain: [1, 4], reverse: true } },
      y2: { field: 'y1' },
      color: { field: 'cls', type: 'nominal', title: 'op class', scale: { domain: [...scale.domain, 'layer'], range: [...scale.range, '#d9d9d9'] } },
      tooltip: [
        { field: 'path', type: 'nominal', title: 'node' },
        { field: 'valueText', type: 'nominal', title: measure },
        { field: 'share', type: 'quantitative', title: 'share of step', format: '.1%' },
      ],
    },
  };
}
