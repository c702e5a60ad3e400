/**
 * The engine's one way to evaluate: an op (evaluateOp) or a graph (evaluateGraph) on an arch
 * under a quant scheme. A design point the hardware cannot run comes back as a value
 * `{feasible: false, reason, pointer?}` — never as an exception — so `op`, `simulate`, `quant`,
 * `sweep` and `generate` each decide what an infeasible point means to them (an error line, a
 * table row, a result line). Other user errors (a workload that does not fit, bad parameters)
 * still throw AccelscopeError; bugs throw anything else.
 *
 * Callers that compose many ops inside one feasibility boundary (a serving step, a pipeline
 * stage of a system) take the memoized op evaluator the graph path uses (`opEvaluator`,
 * `sharedOpEvaluator`) and pass it to evaluateGraph; nothing outside the engine calls
 * engine/run directly (test/engine/one-path.test.ts).
 */
import type { ArchConfig } from '../arch/base.ts';
import type { CalibrationUse, OpResult, SimOptions } from '../hw/model.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { Op, OpGraph } from '../workload/graph.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import type { EnergySourceUse } from '../energy/account.ts';
import type { RooflinePoint } from '../hw/roofline/roofline.ts';
import { InfeasibleError } from '../util/errors.ts';
import { resolveCalibration } from '../arch/calibration.ts';
import { getModel } from '../hw/registry.ts';
import { createEvaluator, historyEvaluators, run, type OpEvaluator, type RunOptions, type RunResult } from './run.ts';
import { weakMemo2 } from '../util/weak-memo.ts';
import { BENCH_REPETITIONS, opPower, settlePowerHistory, type PowerHistory, type PowerHistoryUse } from './power-history.ts';
import type { Stack } from '../stack/schema.ts';
import { simulateGenerate, type GenerateRequest, type GenerateResult } from './generate.ts';

/** A design point the hardware model cannot run, with the model's reason and the arch pointer it concerns. */
export interface Infeasible {
  feasible: false;
  reason: string;
  pointer?: string;
}

export interface OpEvaluation {
  feasible: true;
  result: OpResult;
  roofline: RooflinePoint;
  energySources: EnergySourceUse[];
  calibration: CalibrationUse[];
  /** The power history the op was timed with, where the model has a sustained power limit (engine/power-history.ts). */
  powerHistory?: PowerHistoryUse;
}

export type Evaluated<T> = ({ feasible: true } & T) | Infeasible;

/** Runs f; an InfeasibleError becomes the value. */
export function asFeasibility<T extends object>(f: () => T): Evaluated<T> {
  try {
    return { feasible: true, ...f() };
  } catch (e) {
    if (e instanceof InfeasibleError) return { feasible: false, reason: e.message, ...(e.pointer !== undefined ? { pointer: e.pointer } : {}) };
    throw e;
  }
}

/** One op on the arch's hardware model, with its roofline, energy entries and calibration factors. */
export function evaluateOp(
  op: Op,
  arch: ArchConfig,
  quant: QuantScheme,
  options: SimOptions & { powerHistory?: PowerHistory } = {},
): OpEvaluation | Infeasible {
  return asFeasibility(() => {
    const { powerHistory, ...simOptions } = options;
    const model = getModel(arch.kind);
    const calibration = resolveCalibration(arch, model.calibration);
    const once = (o: SimOptions) => createEvaluator(arch, quant, o)(op);
    const curve = simOptions.loadedSeconds !== undefined ? undefined : model.powerHistory?.(arch);
    if (!curve) {
      const { r, p, energySources } = once(simOptions);
      return { result: r, roofline: p, energySources: energySources ?? [], calibration };
    }
    // A kernel timed alone, repeated as a microbenchmark is (engine/power-history.ts).
    const s = settlePowerHistory(
      curve,
      powerHistory ?? 'bench',
      BENCH_REPETITIONS.op,
      (loadedSeconds) => once({ ...simOptions, loadedSeconds }),
      (h) => h.r.seconds,
      (h) => opPower(h.r).powerW,
      (h) => opPower(h.r).limited,
    );
    const { r, p, energySources } = s.result;
    return { result: r, roofline: p, energySources: energySources ?? [], calibration, powerHistory: s.use };
  });
}

/** One step (a graph) on the arch. */
export function evaluateGraph(graph: OpGraph, arch: ArchConfig, quant: QuantScheme, options: RunOptions = {}): Evaluated<{ run: RunResult }> {
  return asFeasibility(() => ({ run: run(graph, arch, quant, options) }));
}

/** One whole request (prefill + decode steps) on the arch. */
export function evaluateRequest(
  spec: ModelSpec,
  arch: ArchConfig,
  quant: QuantScheme,
  req: GenerateRequest,
  options: RunOptions = {},
): Evaluated<{ result: GenerateResult }> {
  return asFeasibility(() => ({ result: simulateGenerate(spec, arch, quant, req, options) }));
}

/** The CLI's view: an infeasible point where one result was asked for is an error at its pointer. */
export function orThrow<T>(e: Evaluated<T>, file?: string): { feasible: true } & T {
  if (e.feasible) return e;
  throw new InfeasibleError(e.reason, { file, pointer: e.pointer });
}

export type { OpEvaluator };
export { historyEvaluators };

/**
 * The memoized op evaluator (by op shape + the model's memo key) that evaluateGraph uses; pass it
 * as `options.evaluator` to share one memo across graphs. It throws InfeasibleError: call it
 * inside an evaluateGraph / asFeasibility boundary or let the error reach the caller's.
 */
export function opEvaluator(arch: ArchConfig, quant: QuantScheme, options: SimOptions = {}): OpEvaluator {
  return createEvaluator(arch, quant, options);
}

const sharedPlain = weakMemo2((arch: ArchConfig, quant: QuantScheme) => createEvaluator(arch, quant));
const sharedByStack = weakMemo2((_arch: ArchConfig, _quant: QuantScheme) => new WeakMap<Stack, OpEvaluator>());

/**
 * One op evaluator per (arch, quant) pair — and per software stack when one is given (its GEMM
 * families and attention backends change op results: SimOptions.stack) — kept while the objects
 * live: the stages, micro-batch sizes and sweep points of one system share their op shapes.
 */
export function sharedOpEvaluator(arch: ArchConfig, quant: QuantScheme, stack?: Stack): OpEvaluator {
  if (!stack) return sharedPlain(arch, quant);
  const byStack = sharedByStack(arch, quant);
  let e = byStack.get(stack);
  if (!e) byStack.set(stack, (e = createEvaluator(arch, quant, { stack })));
  return e;
}
