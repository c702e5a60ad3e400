/**
 * The pipeline's one entry: run(graph, arch, quant) → RunResult.
 *   graph → bind(arch, quant) → simulate each op (memoized by shape) → aggregate → check capacity
 * Ops run in graph order, one after another (no overlap between ops is assumed; a model that
 * overlaps work inside an op reports it in that op's breakdown). The roofline of every op is
 * computed beside the hardware model's result.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { Op, OpGraph, OpClass } from '../workload/graph.ts';
import type { QuantScheme } from '../quant/types.ts';
import { getModel } from '../hw/registry.ts';
import type { Bound, CalibrationUse, Ceilings, EnergyBreakdownPj, OpResult, PowerLimitCurve, SimOptions } from '../hw/model.ts';
import { resolveCalibration } from '../arch/calibration.ts';
import { rooflinePoint, type RooflinePoint } from '../hw/roofline/roofline.ts';
import { opTraffic } from '../workload/ops.ts';
import { opShapeLabel } from '../workload/shape-label.ts';
import { footprint, type Footprint } from '../workload/footprint.ts';
import { AccelscopeError } from '../util/errors.ts';
import { formatBytes } from '../util/units.ts';
import { collectEnergySources, sortedSources, type EnergySourceUse } from '../energy/account.ts';
import { assertOpResult, assertTotals } from './sanity.ts';
import { assertGroupsFit } from './group-fit.ts';
import { cachedShapeKey, opGroups } from './op-groups.ts';
import { kernelGraph } from '../stack/kernel-graph.ts';
import { stackStepTime, type KernelTime } from '../stack/step-time.ts';
import { STACK_FACTORS } from '../stack/factors.ts';
import type { StackUse } from '../stack/use.ts';
import { addOp, emptySums, stepTotals } from './totals.ts';
import { weakMemo2 } from '../util/weak-memo.ts';
import { BENCH_REPETITIONS, opPower, PowerTally, settlePowerHistory, type PowerHistory, type PowerHistoryUse } from './power-history.ts';

export interface OpRecord {
  id: string;
  name: string;
  kind: string;
  cls: OpClass;
  layer: number;
  count: number;
  flops: number;
  /** Main-memory bytes the hardware model moved. */
  bytes: number;
  bytesByLevel: Record<string, number>;
  seconds: number;
  cycles: number;
  bound: Bound;
  utilization: number;
  dtype?: string;
  energyPj: EnergyBreakdownPj;
  roofline: { seconds: number; bound: 'compute' | 'memory'; intensity: number; bytes: number; dtype: string };
  breakdown?: Record<string, number>;
  /** Human-readable shape (workload/shape-label.ts), for reports and tooltips. */
  shape?: string;
  notes?: string[];
}

export interface ClassRecord {
  cls: OpClass;
  ops: number;
  flops: number;
  bytes: number;
  seconds: number;
  rooflineSeconds: number;
  intensity: number;
  /** The bound that accounts for most of the class's time. */
  bound: Bound;
  /** Time-weighted mean utilization of each op's bound resource (e.g. DSPs, tensor cores, DRAM). */
  utilization: number;
  energyPj: number;
}

export interface RunResult {
  workload: {
    model: string;
    modelType: string;
    params: number;
    /** DeepSeek-V3's multi-token-prediction modules: not part of `params`, not simulated. */
    mtpParams?: number;
    phase: string;
    batch: number;
    seq?: number;
    context?: number;
    tokens: number;
  };
  arch: { name: string; kind: string; ceilings: Ceilings };
  quant: { name: string; weights: string; activations: string; kv: string; weightBits: number };
  totals: {
    seconds: number;
    rooflineSeconds: number;
    flops: number;
    bytes: number;
    energyJ: number;
    energyPj: EnergyBreakdownPj;
    energyPerTokenJ: number;
    averagePowerW: number;
    tokensPerSecond: number;
    memoryBytes: number;
    /** Sum of op times, present when the model's step schedule (overlap across ops) gave `seconds`. */
    sequentialSeconds?: number;
  };
  /** The model's step-schedule terms (HardwareModel.schedule), when it has one. */
  schedule?: Record<string, number>;
  /** The software stack the step ran under (--stack): its resolved values and the step-time terms it added. */
  stack?: StackUse;
  memory: Footprint & { capacityBytes: number; fits: boolean };
  classes: ClassRecord[];
  ops: OpRecord[];
  /** Every calibration factor the model used, resolved (config value or declared default). */
  calibration: CalibrationUse[];
  /** Every energy-table entry the model used, with its source and whether the arch overrode it. */
  energySources: EnergySourceUse[];
  warnings: string[];
  /** The power history the run was timed with, where the model has a sustained power limit (engine/power-history.ts). */
  powerHistory?: PowerHistoryUse;
}

/** Evaluates one op on the hardware model and the roofline, memoized by op shape. */
export type OpEvaluator = (op: Op) => { r: OpResult; p: RooflinePoint; energySources?: EnergySourceUse[] };

/** Footprints of (graph, scheme) pairs already seen: graphs and schemes are not mutated once built. */
const cachedFootprint = weakMemo2(footprint);

/**
 * `sources: false` (a totals-only run: sweeps) skips recording which energy entries each op used
 * (no map, closure and list per op); the results are the same numbers either way.
 */
export function createEvaluator(arch: ArchConfig, quant: QuantScheme, simOptions: SimOptions = {}, { sources = true } = {}): OpEvaluator {
  const model = getModel(arch.kind);
  const ceilings = model.ceilings(arch);
  const memo = new Map<string, { r: OpResult; p: RooflinePoint; energySources?: EnergySourceUse[] }>();
  return (op) => {
    const key = cachedShapeKey(op) + (model.memoKey?.(op, arch) ?? '');
    let hit = memo.get(key);
    if (!hit) {
      assertGroupsFit(op, quant);
      if (sources) {
        const used = new Map<string, EnergySourceUse>();
        hit = {
          r: collectEnergySources(used, () => model.simulate(op, arch, quant, simOptions)),
          p: rooflinePoint(op, ceilings, quant),
          energySources: [...used.values()],
        };
      } else hit = { r: model.simulate(op, arch, quant, simOptions), p: rooflinePoint(op, ceilings, quant) };
      assertOpResult(op, arch.kind, hit.r);
      memo.set(key, hit);
    }
    return hit;
  };
}

export interface RunOptions extends SimOptions {
  /** Share one memo across runs (e.g. the decode steps of a generate request). */
  evaluator?: OpEvaluator;
  /** Report timings even when the workload does not fit in device memory. */
  ignoreCapacity?: boolean;
  /** Name of the arch file, for messages. */
  archFile?: string;
  /** Totals, memory and warnings only: no per-op or per-class records (sweeps; far less garbage). */
  totalsOnly?: boolean;
  /** File of the stack (SimOptions.stack), for results and messages. */
  stackFile?: string;
  /** How the run is timed where the model has a sustained power limit (engine/power-history.ts); default 'bench'. */
  powerHistory?: PowerHistory;
}

/**
 * One step. Where the arch's model has a sustained power limit (HardwareModel.powerHistory) and no
 * history or shared evaluator is given, the step is timed as `options.powerHistory` says (default
 * 'bench': repeated back to back as the shipped measurements were; engine/power-history.ts) and the
 * result records it.
 */
export function run(graph: OpGraph, arch: ArchConfig, quant: QuantScheme, options: RunOptions = {}): RunResult {
  const { powerHistory, ...rest } = options;
  const curve = rest.evaluator || rest.loadedSeconds !== undefined ? undefined : getModel(arch.kind).powerHistory?.(arch);
  if (!curve) return runOnce(graph, arch, quant, rest).result;
  const repetitions = graph.meta.phase === 'decode' ? BENCH_REPETITIONS.decodeStep : BENCH_REPETITIONS.prefillStep;
  const { evaluator: _none, ignoreCapacity: _ic, archFile: _af, totalsOnly, stackFile: _sf, ...simOptions } = rest;
  const evaluatorOptions = { sources: !totalsOnly };
  const atIdle = createEvaluator(arch, quant, { ...simOptions, loadedSeconds: 0 }, evaluatorOptions);
  const evaluatorAt = historyEvaluators(arch, quant, simOptions, curve, atIdle, evaluatorOptions);
  const s = settlePowerHistory(
    curve,
    powerHistory ?? 'bench',
    repetitions,
    (loadedSeconds) => runOnce(graph, arch, quant, { ...rest, loadedSeconds, evaluator: evaluatorAt(loadedSeconds) }),
    (r) => r.result.totals.seconds,
    (r) => r.power.maxPowerW,
    (r) => r.power.limited,
  );
  return { ...s.result.result, powerHistory: s.use };
}

/**
 * The op evaluator after `loadedSeconds` of load, for each pass of a settled power history: `atIdle`
 * (no history: the board limit) itself at 0; else an op that was under its limit at idle and draws
 * no more than the history allows is that same op (power.ts sets nothing history-specific on it),
 * and only the others are simulated again.
 */
export function historyEvaluators(
  arch: ArchConfig,
  quant: QuantScheme,
  simOptions: SimOptions,
  curve: PowerLimitCurve,
  atIdle: OpEvaluator,
  evaluatorOptions: { sources?: boolean } = {},
): (loadedSeconds: number) => OpEvaluator {
  return (loadedSeconds) => {
    if (loadedSeconds === 0) return atIdle;
    const at = createEvaluator(arch, quant, { ...simOptions, loadedSeconds }, evaluatorOptions);
    const limitW = curve.limitW(loadedSeconds);
    return (op) => {
      const h = atIdle(op);
      const p = opPower(h.r);
      return !p.limited && p.powerW <= limitW ? h : at(op);
    };
  };
}

function runOnce(graph: OpGraph, arch: ArchConfig, quant: QuantScheme, options: RunOptions): { result: RunResult; power: PowerTally } {
  const model = getModel(arch.kind);
  const { ignoreCapacity, archFile, evaluator, totalsOnly, stackFile, ...simOptions } = options;
  // A stack turns the model's ops into the kernels its framework launches (src/stack/kernel-graph.ts).
  const stack = simOptions.stack;
  const kg = stack ? kernelGraph(graph, stack) : undefined;
  const kernelTimes: KernelTime[] = [];
  const warnings: string[] = [];

  const mem = cachedFootprint(graph, quant);
  const capacityBytes = arch.memory.capacityBytes;
  const fits = mem.totalBytes <= capacityBytes;
  if (!fits) {
    const msg = `workload does not fit in device memory: needs ${formatBytes(mem.totalBytes)} (weights ${formatBytes(mem.weightsBytes)} + KV cache ${formatBytes(mem.kvCacheBytes)} + activations ${formatBytes(mem.activationBytes)}) but ${arch.name} has ${formatBytes(capacityBytes)}, ${formatBytes(mem.totalBytes - capacityBytes)} over`;
    if (!ignoreCapacity)
      throw AccelscopeError.withParams('does-not-fit', (n) => `${msg} (${n('ignoreCapacity')} reports the timing anyway)`, {
        file: archFile,
        pointer: archFile ? '/memory/capacityBytes' : undefined,
      });
    warnings.push(msg);
  }

  const maxPos = graph.meta.maxPositionEmbeddings;
  if (maxPos && graph.meta.kv.tokens > maxPos) {
    warnings.push(`positions beyond the model's max_position_embeddings (${maxPos}): the step holds ${graph.meta.kv.tokens} tokens per sequence`);
  }

  const ceilings = model.ceilings(arch);
  const evaluate = evaluator ?? createEvaluator(arch, quant, simOptions, { sources: !totalsOnly });
  const ops: OpRecord[] = [];
  const energySources = new Map<string, EnergySourceUse>();
  const sums = emptySums();
  // Each group of identical ops is evaluated once (in order of first appearance, so an
  // infeasible op is the same one an op-by-op walk meets first); the walk then adds the
  // group results up in graph order (engine/op-groups.ts). With a stack the walk is over the
  // kernels its framework launches (src/stack/kernel-graph.ts).
  const walked = kg ? kg.graph : graph;
  const { reps, seq } = opGroups(walked);
  const results = reps.map((op) => evaluate(op));
  // The ops' power against a sustained limit (power-history.ts).
  const power = new PowerTally();
  for (const { r } of results) power.add(r);
  for (let i = 0; i < seq.length; i++) {
    const { r, p, energySources: used } = results[seq[i]!]!;
    const op = walked.ops[i]!;
    if (kg)
      kernelTimes.push({
        seconds: r.seconds,
        kernels: (kg.kernels.get(op.id) ?? 1) + (op.kind === 'attention' && (r.breakdown?.['kvSplits'] ?? 1) > 1 ? 1 : 0),
      });
    if (!totalsOnly) for (const u of used ?? []) if (!energySources.has(u.key)) energySources.set(u.key, u);
    if (!totalsOnly) {
      ops.push({
        id: op.id,
        name: op.name,
        kind: op.kind,
        cls: op.cls,
        layer: op.layer,
        count: op.count ?? 1,
        shape: opShapeLabel(op),
        flops: r.flops,
        bytes: r.bytes['dram'] ?? 0,
        bytesByLevel: r.bytes,
        seconds: r.seconds,
        cycles: r.cycles,
        bound: r.bound,
        utilization: r.utilization,
        ...(r.dtype ? { dtype: r.dtype } : {}),
        energyPj: r.energyPj,
        roofline: { seconds: p.seconds, bound: p.bound, intensity: p.intensity, bytes: p.bytes, dtype: p.dtype },
        ...(r.breakdown ? { breakdown: r.breakdown } : {}),
        ...(r.notes ? { notes: r.notes } : {}),
      });
    }
    addOp(sums, r, p);
  }
  // A model that overlaps work across ops gives the step's wall time; the sum stays beside it.
  const sequentialSeconds = sums.seconds;
  const schedule = model.schedule?.(graph, arch, quant, sequentialSeconds);
  if (schedule) sums.seconds = schedule.seconds;
  // The stack's launch mode: CUDA-graph gaps, eager host launches, host time per step.
  const stackStep = stack ? stackStepTime(kernelTimes, stack) : undefined;
  if (stackStep) sums.seconds += stackStep.seconds - stackStep.breakdown.deviceSeconds;
  const totals = { ...stepTotals(sums, graph.meta.tokens, mem.totalBytes), ...(schedule ? { sequentialSeconds } : {}) };
  const tdp = arch.power?.tdpW;
  if (tdp !== undefined && totals.averagePowerW > tdp) warnings.push(`average power ${totals.averagePowerW.toFixed(0)} W exceeds the TDP of ${tdp} W`);

  assertTotals(`the ${graph.meta.phase} step of ${graph.meta.model} on ${arch.name}`, totals, TOTALS_POSITIVE);

  const result: RunResult = {
    workload: {
      model: graph.meta.model,
      modelType: graph.meta.modelType,
      params: graph.meta.params.total,
      ...(graph.meta.params.mtp ? { mtpParams: graph.meta.params.mtp } : {}),
      phase: graph.meta.phase,
      batch: graph.meta.batch,
      ...(graph.meta.seq !== undefined ? { seq: graph.meta.seq } : {}),
      ...(graph.meta.context !== undefined ? { context: graph.meta.context } : {}),
      tokens: graph.meta.tokens,
    },
    arch: { name: arch.name, kind: arch.kind, ceilings },
    quant: quantSummary(quant),
    totals,
    ...(schedule ? { schedule: schedule.breakdown } : {}),
    ...(stack && stackStep
      ? {
          stack: {
            name: stack.name,
            ...(stackFile ? { file: stackFile } : {}),
            launch: stack.launch,
            fusions: stack.fusions,
            kvCacheWriteKernels: stack.kvCacheWrite.kernels,
            ...(stack.attention ? { attention: { prefill: stack.attention.prefill.backend, decode: stack.attention.decode.backend } } : {}),
            ...(stack.gemm ? { gemm: stack.gemm.map((f) => f.family) } : {}),
            ...(stack.elementwise
              ? { stridedLoop: { kernel: stack.elementwise.strided.kernel, elementsInFlightPerThread: stack.elementwise.strided.elementsInFlightPerThread } }
              : {}),
            calibration: resolveCalibration(stack, STACK_FACTORS),
            step: stackStep.breakdown,
          },
        }
      : {}),
    memory: { ...mem, capacityBytes, fits },
    classes: totalsOnly ? [] : aggregateClasses(ops),
    ops,
    calibration: resolveCalibration(arch, model.calibration),
    energySources: sortedSources(energySources),
    warnings,
  };
  return { result, power };
}

const quantSummaries = new WeakMap<QuantScheme, RunResult['quant']>();

/**
 * The run's quant record, built once per scheme object. Formats are objects of several shapes:
 * reading their fields in `run` itself made V8 deoptimize `run` on every point whose scheme
 * differed from the one it was optimized for (~500 deopts in a 10,000-point four-scheme sweep).
 */
function quantSummary(quant: QuantScheme): RunResult['quant'] {
  let q = quantSummaries.get(quant);
  if (!q) {
    q = { name: quant.name, weights: quant.weights.name, activations: quant.activations.name, kv: quant.kv.name, weightBits: quant.weights.bitsPerElement };
    quantSummaries.set(quant, q);
  }
  return q;
}

/** Totals that must be > 0 (the rest ≥ 0). */
const TOTALS_POSITIVE = ['seconds', 'rooflineSeconds', 'energyJ', 'energyPerTokenJ', 'averagePowerW', 'tokensPerSecond', 'sequentialSeconds'];

export function aggregateClasses(ops: OpRecord[]): ClassRecord[] {
  const by = new Map<OpClass, ClassRecord & { boundTime: Map<Bound, number> }>();
  for (const o of ops) {
    let c = by.get(o.cls);
    if (!c) {
      c = {
        cls: o.cls,
        ops: 0,
        flops: 0,
        bytes: 0,
        seconds: 0,
        rooflineSeconds: 0,
        intensity: 0,
        bound: o.bound,
        utilization: 0,
        energyPj: 0,
        boundTime: new Map(),
      };
      by.set(o.cls, c);
    }
    c.ops += 1;
    c.flops += o.flops;
    c.bytes += o.bytes;
    c.seconds += o.seconds;
    c.utilization += o.utilization * o.seconds;
    c.rooflineSeconds += o.roofline.seconds;
    c.energyPj += o.energyPj.compute + o.energyPj.onChip + o.energyPj.offChip + o.energyPj.static;
    c.boundTime.set(o.bound, (c.boundTime.get(o.bound) ?? 0) + o.seconds);
  }
  return [...by.values()].map(({ boundTime, ...c }) => {
    let best: Bound = c.bound;
    let t = -1;
    for (const [b, s] of boundTime)
      if (s > t) {
        best = b;
        t = s;
      }
    return { ...c, bound: best, intensity: c.bytes > 0 ? c.flops / c.bytes : 0, utilization: c.seconds > 0 ? c.utilization / c.seconds : 0 };
  });
}

/** Compulsory traffic of a graph (for tests and reports). */
export function graphTraffic(graph: OpGraph, quant: QuantScheme): number {
  return graph.ops.reduce((s, op) => s + opTraffic(op, quant).total, 0);
}
