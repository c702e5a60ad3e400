/**
 * A graph's ops as groups of identical ops: every op of a group has the same shape, kind,
 * dtype-relevant fields, name and class — everything a hardware model may read (its shape key
 * and its memo key, src/hw/model.ts) — and differs only in id, layer, deps and source. A
 * Llama-2-7B decode step has 451 ops in 14 groups; the engine simulates each group once
 * (`reps`), and the walk over the graph is a pass over `seq` (the group of each op, in graph
 * order) that adds up numbers already computed, so totals are summed in the same order as an
 * op-by-op walk (bit-identical) while the model runs O(distinct shapes) times, not O(layers).
 */
import type { Op, OpGraph } from '../workload/graph.ts';
import { opShapeKey } from '../workload/ops.ts';

export interface OpGroups {
  /** The first op of each group, in order of first appearance. */
  reps: Op[];
  /** seq[i]: the group of graph.ops[i]. */
  seq: Int32Array;
  /** counts[g]: how many ops group g holds. */
  counts: Int32Array;
}

/** Shape keys of op objects already seen (graphs are reused across sweep points and steps). */
const shapeKeys = new WeakMap<Op, string>();

/** The op's shape key (workload/ops.ts), computed once per op object. */
export function cachedShapeKey(op: Op): string {
  let k = shapeKeys.get(op);
  if (k === undefined) {
    k = opShapeKey(op);
    shapeKeys.set(op, k);
  }
  return k;
}

/** What makes two ops interchangeable for every hardware model: the shape plus name and class. */
export function opGroupKey(op: Op): string {
  return `${cachedShapeKey(op)}\u0000${op.name}\u0000${op.cls}`;
}

const cache = new WeakMap<OpGraph, { ops: Op[]; n: number; groups: OpGroups }>();

/** The graph's op groups (computed once per graph object; graphs are not mutated once built). */
export function opGroups(graph: OpGraph): OpGroups {
  const hit = cache.get(graph);
  if (hit && hit.ops === graph.ops && hit.n === graph.ops.length) return hit.groups;
  const index = new Map<string, number>();
  const reps: Op[] = [];
  const seq = new Int32Array(graph.ops.length);
  const counts: number[] = [];
  graph.ops.forEach((op, i) => {
    const key = opGroupKey(op);
    let g = index.get(key);
    if (g === undefined) {
      g = reps.length;
      index.set(key, g);
      reps.push(op);
      counts.push(0);
    }
    seq[i] = g;
    counts[g]!++;
  });
  const groups = { reps, seq, counts: Int32Array.from(counts) };
  cache.set(graph, { ops: graph.ops, n: graph.ops.length, groups });
  return groups;
}
