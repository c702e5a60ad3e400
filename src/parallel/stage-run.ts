/**
 * Runs one stage's per-device graph through the engine (engine/evaluate's evaluateGraph), evaluating identical decoder layers once.
 * A stage of a decoder holds tens of layers whose ops have the same shapes; when every layer
 * matches the first one op for op (shape fields equal, only ids and layer differ) and the
 * hardware model has no cross-op schedule, the graph run is the first layer plus the ops outside
 * the layers, and the other layers' records are the first layer's with their own ids: the same
 * numbers a full run gives (each op's result depends only on its shape), at a fraction of the
 * cost. Anything else runs whole.
 */
import type { Op, OpGraph } from '../workload/graph.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { ArchConfig } from '../config/arch.ts';
import type { OpRecord, RunResult } from '../engine/run.ts';
import { evaluateGraph, orThrow, type OpEvaluator } from '../engine/evaluate.ts';
import { addOp, stepTotals, type StepSums } from '../engine/totals.ts';
import { getModel } from '../hw/registry.ts';
import type { Stack } from '../stack/schema.ts';

const NOT_SHAPE = new Set(['id', 'name', 'layer', 'deps', 'source']);

function sameShape(a: Op, b: Op): boolean {
  if (a.kind !== b.kind || a.cls !== b.cls) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (NOT_SHAPE.has(k)) continue;
    if ((a as unknown as Record<string, unknown>)[k] !== (b as unknown as Record<string, unknown>)[k]) return false;
  }
  return true;
}

/**
 * `prefix` goes in front of every record's id (the stage, `S1.`, when there are several). With a
 * software stack the device runs the stack's kernel graph and launch mode (src/stack/): its step
 * time is not a sum of per-layer parts (eager host launches race the device), so the stage runs whole.
 */
export function runStage(
  graph: OpGraph,
  arch: ArchConfig,
  quant: QuantScheme,
  evaluate: OpEvaluator,
  totalsOnly: boolean,
  prefix = '',
  stack?: { stack: Stack; stackFile?: string },
): RunResult {
  const opts = { ignoreCapacity: true, evaluator: evaluate, totalsOnly, ...stack };
  const whole = (): RunResult => {
    const r = orThrow(evaluateGraph(graph, arch, quant, opts)).run;
    return prefix ? { ...r, ops: r.ops.map((o) => ({ ...o, id: prefix + o.id })) } : r;
  };
  if (getModel(arch.kind).schedule || stack) return whole();
  const byLayer = new Map<number, Op[]>();
  const before: Op[] = [];
  const after: Op[] = [];
  for (const op of graph.ops) {
    if (op.layer >= 0) {
      let l = byLayer.get(op.layer);
      if (!l) byLayer.set(op.layer, (l = []));
      l.push(op);
    } else (byLayer.size ? after : before).push(op);
  }
  const layers = [...byLayer.keys()];
  if (layers.length < 2) return whole();
  const rep = layers[0]!;
  const repOps = byLayer.get(rep)!;
  for (const l of layers) {
    const ops = byLayer.get(l)!;
    if (ops.length !== repOps.length || !ops.every((o, i) => sameShape(o, repOps[i]!))) return whole();
  }
  const r = orThrow(evaluateGraph({ meta: graph.meta, ops: [...before, ...repOps, ...after] }, arch, quant, opts)).run;
  // The other layers' share of the totals: (layers − 1) × the first layer's.
  const extra = layers.length - 1;
  const { seconds, rooflineSeconds, flops, bytes } = r.totals;
  const sums: StepSums = { seconds, rooflineSeconds, flops, bytes, energyPj: { ...r.totals.energyPj } };
  for (const op of repOps) {
    const { r: o, p } = evaluate(op);
    addOp(sums, o, p, extra);
  }
  const t = stepTotals(sums, graph.meta.tokens, r.totals.memoryBytes);
  let ops: OpRecord[] = [];
  if (!totalsOnly) {
    const nBefore = before.length;
    const repRecs = r.ops.slice(nBefore, nBefore + repOps.length);
    const named = (rec: OpRecord): OpRecord => (prefix ? { ...rec, id: prefix + rec.id } : rec);
    ops = r.ops.slice(0, nBefore).map(named);
    for (const l of layers) {
      const own = byLayer.get(l)!;
      repRecs.forEach((rec, i) => ops.push(l === rep ? named(rec) : { ...rec, id: prefix + own[i]!.id, layer: l }));
    }
    ops.push(...r.ops.slice(nBefore + repOps.length).map(named));
  }
  return { ...r, totals: t, ops };
}
