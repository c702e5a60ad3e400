/**
 * Quantization formats compared on a multi-device system under a parallelism plan: one row per
 * format, the memory per device (the worst stage) against one device's capacity, the step on the
 * whole system. A plan that does not divide, or a format the device cannot run, is marked
 * unsupported with its reason.
 */
import type { QuantScheme } from '../quant/types.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import type { Phase } from '../workload/graph.ts';
import { buildGraph } from '../workload/builders/decoder.ts';
import { simulateSystem } from '../parallel/run-system.ts';
import { describePlan, type ParallelPlan } from '../parallel/plan.ts';
import type { System } from '../system/types.ts';
import { isAccelscopeError } from '../util/errors.ts';
import { dominantBound, type ErrorProxy, type QuantRow } from './quant-compare.ts';
import type { Stack } from '../stack/schema.ts';

export interface SystemCompareInput {
  spec: ModelSpec;
  system: System;
  plan: ParallelPlan;
  schemes: QuantScheme[];
  phase: Phase;
  batch: number;
  seq?: number;
  context?: number;
  /** Software stack every device runs under (parallel/run-system.ts SystemRunInput.stack). */
  stack?: Stack;
}

export function compareQuantOnSystem(input: SystemCompareInput, errorProxy: ErrorProxy): QuantRow[] {
  const { system, plan } = input;
  const name = `${system.config.name} (${describePlan(plan)})`;
  return input.schemes.map((q) => {
    const err = errorProxy(q);
    const base = {
      format: q.name,
      arch: system.file ?? system.config.name,
      archName: name,
      kind: system.arch.kind,
      bitsPerWeight: q.weights.bitsPerElement,
      capacityBytes: system.arch.memory.capacityBytes,
      sqnrDb: err.sqnrDb,
      relError: err.relError,
    };
    try {
      const r = simulateSystem({
        build: (b) => buildGraph(input.spec, { phase: input.phase, batch: b, seq: input.seq, context: input.context }),
        batch: input.batch,
        system,
        quant: q,
        plan,
        ignoreCapacity: true,
        ...(input.stack ? { stack: input.stack } : {}),
      });
      const weightGemm = r.ops.find((o) => o.kind === 'gemm' && o.layer === 0);
      return {
        ...base,
        weightBytes: r.memory.weightsBytes,
        kvBytes: r.memory.kvCacheBytes,
        memoryBytes: r.memory.totalBytes,
        fits: r.memory.fits,
        supported: true,
        latencySeconds: r.totals.seconds,
        tokensPerSecond: r.totals.tokensPerSecond,
        energyPerTokenJ: r.totals.energyPerTokenJ,
        bound: dominantBound(r),
        ...(weightGemm?.dtype ? { ranAt: weightGemm.dtype } : {}),
      } satisfies QuantRow;
    } catch (e) {
      if (!isAccelscopeError(e)) throw e;
      return { ...base, weightBytes: 0, kvBytes: 0, memoryBytes: 0, fits: false, supported: false, reason: e.message } satisfies QuantRow;
    }
  });
}
