/**
 * Sweeps over multi-device systems: a spec with `"system"` runs every point on that system, and
 * parameters whose pointer starts with `/plan/` (`/plan/tp`, `/plan/pp`, `/plan/ep`, `/plan/dp`,
 * `/plan/microBatches`, `/plan/sequenceParallel`, `/plan/overlap`) sweep the parallelism plan.
 * A plan that cannot run (an indivisible split, more devices than the system has) or does not
 * fit is an infeasible point with its reason, so a grid over plans searches the ones that fit.
 */
import { generateObjectives } from './objectives.ts';
import type { ArchConfig } from '../config/arch.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import type { SystemConfig } from '../system/types.ts';
import { buildGraph } from '../workload/builders/decoder.ts';
import { simulateSystem } from '../parallel/run-system.ts';
import { simulateSystemGenerate } from '../parallel/generate-system.ts';
import { SINGLE_DEVICE_PLAN, type ParallelPlan } from '../parallel/plan.ts';
import { AccelscopeError } from '../util/errors.ts';
import type { ConcreteWorkload } from './concrete-workload.ts';
import type { Stack } from '../stack/schema.ts';

export const PLAN_POINTER = /^\/plan\/(tp|pp|ep|dp|microBatches|sequenceParallel|overlap)$/;

export function isPlanPointer(p: string): boolean {
  return p.startsWith('/plan/');
}

/** The plan of a point from its `/plan/…` parameters. */
export function planOfPoint(params: Record<string, number | string | boolean>): ParallelPlan {
  const plan: ParallelPlan = { ...SINGLE_DEVICE_PLAN };
  for (const [ptr, v] of Object.entries(params)) {
    if (!isPlanPointer(ptr)) continue;
    const key = ptr.slice('/plan/'.length) as keyof ParallelPlan;
    if (key === 'sequenceParallel' || key === 'overlap') plan[key] = v === true;
    else (plan as unknown as Record<string, number>)[key] = Number(v);
  }
  return plan;
}

export interface SystemObjectives {
  objectives: Record<string, number | boolean>;
  fits: boolean;
}

export function evaluateSystemPoint(
  system: { config: SystemConfig; file?: string },
  arch: ArchConfig,
  spec: ModelSpec,
  q: QuantScheme,
  w: ConcreteWorkload,
  plan: ParallelPlan,
  /** The point's software stack (a spec's `stack`): every device runs under it. */
  stack?: Stack,
): SystemObjectives {
  const sys = { config: system.config, ...(system.file ? { file: system.file } : {}), arch, archFile: '' };
  const stackOpt = stack ? { stack } : {};
  if (w.phase === 'generate') {
    const r = simulateSystemGenerate(spec, sys, q, plan, { batch: w.batch, prompt: w.prompt!, output: w.output! }, true, stackOpt);
    const g = r.generate;
    return {
      fits: g.fits,
      objectives: {
        ...generateObjectives(g, r.totals.averagePowerW),
        devices: r.system.devicesUsed,
        communicationShare: r.system.communicationShare,
      },
    };
  }
  const r = simulateSystem({
    build: (b) => buildGraph(spec, w.phase === 'prefill' ? { phase: 'prefill', batch: b, seq: w.seq } : { phase: 'decode', batch: b, context: w.context }),
    batch: w.batch,
    system: sys,
    quant: q,
    plan,
    ignoreCapacity: true,
    totalsOnly: true,
    ...stackOpt,
  });
  return {
    fits: r.memory.fits,
    objectives: {
      latencySeconds: r.totals.seconds,
      tokensPerSecond: r.totals.tokensPerSecond,
      energyPerTokenJ: r.totals.energyPerTokenJ,
      memoryBytes: r.totals.memoryBytes,
      averagePowerW: r.totals.averagePowerW,
      rooflineSeconds: r.totals.rooflineSeconds,
      devices: r.system.devicesUsed,
      communicationShare: r.system.communicationShare,
    },
  };
}

/** Spec-time checks of the plan axes: known keys, and only with a system. */
export function checkPlanParameters(pointers: string[], hasSystem: boolean, file: string): void {
  pointers.forEach((p, i) => {
    if (!isPlanPointer(p)) return;
    if (!hasSystem) throw new AccelscopeError('schema', `${p}: plan parameters need a "system"`, { file, pointer: `/parameters/${i}/pointer` });
    if (!PLAN_POINTER.test(p))
      throw new AccelscopeError('schema', `${p}: unknown plan key (tp, pp, ep, dp, microBatches, sequenceParallel, overlap)`, {
        file,
        pointer: `/parameters/${i}/pointer`,
      });
  });
}
