/**
 * Evaluates one design point: the base arch with the point's parameters set by JSON pointer,
 * validated by its kind's schema, the workload built (or a generate request), run on the
 * hardware model. Infeasible points (schema violation at the point, does not fit, a format the
 * hardware cannot run) come back as `ok: false` with the reason — never as a crash.
 * Pure and deterministic: the same point gives the same line in any worker.
 */
import { generateObjectives } from './objectives.ts';
import { setPointer, getPointer } from '../config/merge.ts';
import { PointValidator, type BaseVerdict, type BaseVerdicts } from './point-validator.ts';
import { normalizeModelConfig, type ModelSpec } from '../workload/model-config.ts';
import { buildGraph } from '../workload/builders/decoder.ts';
import type { OpGraph } from '../workload/graph.ts';
import { loadQuant } from '../config/load.ts';
import type { QuantScheme } from '../quant/types.ts';
import { evaluateGraph, evaluateRequest, type Infeasible } from '../engine/evaluate.ts';
import { AccelscopeError, isAccelscopeError } from '../util/errors.ts';
import { systemLabel, type ResolvedSpec } from './spec.ts';
import { PointSpace, pointId, modelKeys, type Point } from './points.ts';
import { evaluateSystemPoint, isPlanPointer, planOfPoint } from './system-point.ts';
import type { SystemConfig } from '../system/types.ts';
import { evaluateServePoint } from './serve-point.ts';
import { assertStackRunsOn } from '../config/load-stack.ts';

export interface ResultLine {
  id: string;
  index: number;
  spec: string;
  point: Point;
  ok: boolean;
  objectives?: Record<string, number | boolean>;
  reason?: string;
}

/** Per-worker caches of what points share (model specs, graphs, quant schemes). */
export class SweepContext {
  readonly space: PointSpace;
  private readonly models = new Map<string, ModelSpec>();
  private readonly graphs = new Map<string, OpGraph>();
  private readonly quants = new Map<string, QuantScheme>();
  /** Checks only the swept values per point (the base arch is checked once). */
  readonly validator: PointValidator;
  /** `bases`: the base archs' verdicts (baseVerdicts) reached by the main thread, so a worker does not re-validate them. */
  constructor(
    readonly spec: ResolvedSpec,
    bases?: BaseVerdicts,
  ) {
    this.space = new PointSpace(spec);
    const known = new Map<unknown, BaseVerdict>();
    if (bases?.single && spec.archDocument !== undefined) known.set(spec.archDocument, bases.single);
    for (const [label, v] of Object.entries(bases?.byArch ?? {})) if (spec.archDocuments?.[label] !== undefined) known.set(spec.archDocuments[label], v);
    this.validator = new PointValidator(
      spec.parameters.map((p) => p.pointer).filter((p) => !isPlanPointer(p)),
      known,
    );
    const keys = modelKeys(spec.workloads.map((w) => w.model));
    for (const [file, doc] of Object.entries(spec.models)) this.models.set(keys.get(file)!, normalizeModelConfig(doc, file));
  }
  model(name: string): ModelSpec {
    return this.models.get(name)!;
  }
  graph(p: Point): OpGraph {
    const key = JSON.stringify(p.workload);
    let g = this.graphs.get(key);
    if (!g) {
      const w = p.workload;
      g = buildGraph(
        this.model(w.model),
        w.phase === 'prefill' ? { phase: 'prefill', batch: w.batch, seq: w.seq } : { phase: 'decode', batch: w.batch, context: w.context },
      );
      this.graphs.set(key, g);
    }
    return g;
  }
  quant(name: string): QuantScheme {
    let q = this.quants.get(name);
    if (!q) {
      q = loadQuant(name);
      this.quants.set(name, q);
    }
    return q;
  }
}

export function evaluatePoint(ctx: SweepContext, index: number): ResultLine {
  const point = ctx.space.point(index);
  const base = { id: pointId(point), index, spec: ctx.spec.hash, point };
  try {
    const sys = pointSystem(ctx.spec, point);
    // An arch replaces the system's device; without one, a point of a multi-system sweep runs its system's device.
    const baseDoc =
      point.arch !== undefined
        ? ctx.spec.archDocuments![point.arch]
        : point.system !== undefined && ctx.spec.systemArchDocuments
          ? ctx.spec.systemArchDocuments[point.system]
          : ctx.spec.archDocument;
    let doc = baseDoc;
    const set: Record<string, unknown> = {};
    for (const [ptr, v] of Object.entries(point.params)) {
      if (isPlanPointer(ptr)) continue;
      doc = setPointer(doc, ptr, v);
      set[ptr] = v;
    }
    const arch = ctx.validator.validate(baseDoc, doc, set);
    const q = ctx.quant(point.quant);
    const stack = point.stack !== undefined ? ctx.spec.stackDocuments![point.stack]! : undefined;
    if (stack) assertStackRunsOn(stack, arch.kind);
    const stackOpt = stack ? { stack } : {};
    const objectives: Record<string, number | boolean> = {};
    let fits: boolean;
    if (point.workload.phase === 'serve') {
      if (sys !== undefined) throw new AccelscopeError('unsupported', 'serve workloads run on one arch; serving on a system is not supported yet');
      fits = true;
      Object.assign(objectives, evaluateServePoint(ctx.model(point.workload.model), arch, q, point.workload, stack));
    } else if (sys !== undefined) {
      const r = evaluateSystemPoint(sys, arch, ctx.model(point.workload.model), q, point.workload, planOfPoint(point.params), stack);
      Object.assign(objectives, r.objectives);
      fits = r.fits;
    } else if (point.workload.phase === 'generate') {
      const w = point.workload;
      const ev = evaluateRequest(ctx.model(w.model), arch, q, { batch: w.batch, prompt: w.prompt!, output: w.output! }, { ignoreCapacity: true, ...stackOpt });
      if (!ev.feasible) return infeasible(base, ev);
      const r = ev.result;
      const g = r.generate;
      Object.assign(objectives, generateObjectives(g, r.totals.averagePowerW));
      fits = g.fits;
    } else {
      const ev = evaluateGraph(ctx.graph(point), arch, q, { ignoreCapacity: true, totalsOnly: true, ...stackOpt });
      if (!ev.feasible) return infeasible(base, ev);
      const r = ev.run;
      Object.assign(objectives, {
        latencySeconds: r.totals.seconds,
        tokensPerSecond: r.totals.tokensPerSecond,
        energyPerTokenJ: r.totals.energyPerTokenJ,
        memoryBytes: r.totals.memoryBytes,
        averagePowerW: r.totals.averagePowerW,
        rooflineSeconds: r.totals.rooflineSeconds,
      });
      fits = r.memory.fits;
    }
    objectives['fits'] = fits;
    for (const o of ctx.spec.objectives) {
      if (typeof o === 'string') continue;
      const v = getPointer(arch, o.pointer);
      if (typeof v === 'number') objectives[o.name] = v;
    }
    if (!fits) return { ...base, ok: false, reason: `does not fit: needs ${objectives['memoryBytes']} B of ${arch.memory.capacityBytes} B`, objectives };
    return { ...base, ok: true, objectives };
  } catch (e) {
    if (isAccelscopeError(e)) return { ...base, ok: false, reason: e.pointer !== undefined ? `${e.pointer}: ${e.message}` : e.message };
    throw e;
  }
}

/** The system a point runs on: its own in a multi-system sweep, else the spec's one (undefined: no system). */
function pointSystem(spec: ResolvedSpec, point: Point): { config: SystemConfig; file?: string } | undefined {
  if (point.system !== undefined) {
    const file = spec.systems!.find((f) => systemLabel(f) === point.system);
    return { config: spec.systemDocuments![point.system] as SystemConfig, ...(file ? { file } : {}) };
  }
  if (spec.systemDocument === undefined) return undefined;
  return { config: spec.systemDocument as SystemConfig, ...(spec.system ? { file: spec.system } : {}) };
}

function infeasible(base: Pick<ResultLine, 'id' | 'index' | 'spec' | 'point'>, e: Infeasible): ResultLine {
  return { ...base, ok: false, reason: e.pointer !== undefined ? `${e.pointer}: ${e.reason}` : e.reason };
}
