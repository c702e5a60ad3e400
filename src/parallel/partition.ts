/**
 * Pipeline stages: the decoder layers split into pp contiguous stages (the first stages take one
 * extra layer when pp does not divide the layer count, as vLLM's default partition does); the ops
 * before the first layer (embedding) go to the first stage, those after the last (final norm,
 * lm_head) to the last.
 */
import type { Op, OpGraph } from '../workload/graph.ts';
import { AccelscopeError } from '../util/errors.ts';

export interface StageSpan {
  stage: number;
  /** First layer and one past the last layer of the stage. */
  layers: [number, number];
  ops: Op[];
}

export function layerCount(g: OpGraph): number {
  let max = -1;
  for (const op of g.ops) if (op.layer > max) max = op.layer;
  return max + 1;
}

export function stageLayers(layers: number, pp: number): [number, number][] {
  if (pp > layers)
    throw AccelscopeError.withParams('bad-flag', (f) => `${f('pp')} ${pp}: the model has only ${layers} layers (num_hidden_layers), fewer than the stages`);
  const base = Math.floor(layers / pp);
  const extra = layers % pp;
  const spans: [number, number][] = [];
  let from = 0;
  for (let s = 0; s < pp; s++) {
    const n = base + (s < extra ? 1 : 0);
    spans.push([from, from + n]);
    from += n;
  }
  return spans;
}

export function partition(g: OpGraph, pp: number): StageSpan[] {
  const layers = layerCount(g);
  const spans = stageLayers(layers, pp);
  const stages: StageSpan[] = spans.map((layersOf, stage) => ({ stage, layers: layersOf, ops: [] }));
  let seenLayer = false;
  for (const op of g.ops) {
    if (op.layer >= 0) {
      seenLayer = true;
      const s = spans.findIndex(([a, b]) => op.layer >= a && op.layer < b);
      stages[s]!.ops.push(op);
    } else {
      stages[seenLayer ? pp - 1 : 0]!.ops.push(op);
    }
  }
  return stages;
}
