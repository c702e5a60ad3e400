/**
 * Step costs of one serving replica on a multi-device system: `tp × pp` devices of the system
 * running the model under a parallelism plan (parallel/run-system.ts). A serving step (some
 * sequences decoding, some prompt chunks) is composed into one OpGraph (step-cost.ts
 * `composeStepGraph`) and run through `simulateSystem`: each pipeline stage's sharded graph on the
 * device's hardware model, its tensor-parallel all-reduces and expert-parallel all-to-alls on the
 * collective model, the stage-to-stage send between stages.
 *
 * Pipeline: with pp > 1 the step's sequences are split into m = min(micro-batches, sequences)
 * micro-batches of nearly equal tokens (default micro-batches = pp); micro-batch i leaves stage s
 * at C[i][s] = max(C[i−1][s], C[i][s−1]) + t[i][s] (t: the stage's compute + exposed communication
 * + its send to the next stage), and the step ends when the last micro-batch leaves the last
 * stage. For equal micro-batches this is run-system's `prefill: Σ + (m−1)·max`, `decode:
 * max(m·max, Σ)`. One step is in flight at a time (a sequence needs its token before it can take
 * its next step; vLLM's virtual engines that keep pp batches in flight are not modeled).
 *
 * Memory, per device: usable = capacity × memory-utilization; each stage's devices hold their
 * shard of the weights and the activations of a `maxBatchedTokens` step; the rest holds KV. The
 * replica holds as many tokens as its tightest stage: min over stages of ⌊free / KV bytes per
 * token of that stage's device⌋. `kvBytesPerToken` is the whole model's (what a sequence's cache
 * weighs when it moves between pools or to the host).
 *
 * Interpolation: exact in the chunk sizes and the number of decoding sequences; linear between
 * knots in the decode context (as step-cost.ts does for devices with a step schedule). Every
 * distinct (micro-batch shape, knot) is simulated once and memoized.
 */
import type { QuantScheme } from '../quant/types.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import type { OpGraph } from '../workload/graph.ts';
import { buildGraph } from '../workload/builders/decoder.ts';
import { kvCacheBytes } from '../workload/footprint.ts';
import { AccelscopeError } from '../util/errors.ts';
import { formatBytes } from '../util/units.ts';
import type { System } from '../system/types.ts';
import { groupLinks, levelRate, type GroupLinks } from '../system/topology.ts';
import { collective } from '../collective/algorithms.ts';
import { checkPlan, describePlan, type ParallelPlan } from '../parallel/plan.ts';
import { simulateSystem, type SystemRunResult } from '../parallel/run-system.ts';
import { composeStepGraph, knotsOf } from './step-cost.ts';
import type { StepCost, StepCostModel, StepShape } from './step-shape.ts';
import type { Stack } from '../stack/schema.ts';

export interface SystemStepCostOptions {
  /** Interpolation knots per octave of the decode context (0 = exact). Default 16. */
  knotsPerOctave?: number;
  /** Fraction of each device's memory the server may use (default 0.9). */
  memoryUtilization?: number;
  /** Largest number of tokens one step processes (sizes the activation reserve). */
  maxBatchedTokens?: number;
  /** Replicas the system must hold side by side (data parallel, or prefill + decode pools). */
  replicas?: number;
  /** Software stack every device runs under (parallel/run-system.ts SystemRunInput.stack). */
  stack?: Stack;
}

/** Where a replica's devices sit: replica r takes ranks r·tp·pp … (r+1)·tp·pp − 1. */
export function replicaDevices(plan: ParallelPlan): number {
  return plan.tp * plan.pp;
}

/** The plan one replica runs: data parallelism is the serving layer's (independent schedulers). */
export function replicaPlan(plan: ParallelPlan): ParallelPlan {
  return { ...plan, dp: 1, microBatches: 1 };
}

/**
 * A step's sequences split into at most m micro-batches of nearly equal tokens: decoding sequences
 * spread evenly (their context sum in proportion), prompt chunks (largest first) to the lightest one.
 */
export function splitStep(s: StepShape, m: number): StepShape[] {
  const seqs = s.decode + s.chunks.length;
  const n = Math.max(1, Math.min(m, seqs));
  if (n === 1) return [s];
  const parts: StepShape[] = Array.from({ length: n }, (_, i) => {
    const d = Math.floor(s.decode / n) + (i < s.decode % n ? 1 : 0);
    return { decode: d, decodeContextSum: s.decode > 0 ? (s.decodeContextSum * d) / s.decode : 0, chunks: [] };
  });
  const tokens = parts.map((p) => p.decode);
  const order = s.chunks.map((c, i) => i).sort((a, b) => s.chunks[b]!.q - s.chunks[a]!.q || a - b);
  for (const i of order) {
    let best = 0;
    for (let j = 1; j < n; j++) if (tokens[j]! < tokens[best]!) best = j;
    parts[best]!.chunks.push(s.chunks[i]!);
    tokens[best]! += s.chunks[i]!.q;
  }
  return parts.filter((p) => p.decode + p.chunks.length > 0);
}

/** Completion time of micro-batches through stages: C[i][s] = max(C[i−1][s], C[i][s−1]) + t[i][s]. */
export function pipelineSeconds(t: number[][]): number {
  const stages = t[0]?.length ?? 0;
  const prev = new Array<number>(stages).fill(0);
  for (const row of t) {
    let left = 0;
    for (let s = 0; s < stages; s++) {
      left = Math.max(prev[s]!, left) + row[s]!;
      prev[s] = left;
    }
  }
  return prev[stages - 1] ?? 0;
}

interface PartCost {
  stageSeconds: number[];
  energyJ: number;
}

export class SystemStepCost implements StepCostModel {
  readonly name: string;
  readonly kvBytesPerToken: number;
  readonly kvCapacityBytes: number;
  readonly kvTokenCapacity: number;
  readonly memory: StepCostModel['memory'];
  readonly knotsPerOctave: number;
  /** Distinct system-step simulations (memo misses), for the report. */
  readonly evaluations = { systemSteps: 0 };
  readonly plan: ParallelPlan;
  /** The binding stage's per-device memory (the one that holds the fewest KV tokens). */
  readonly stageMemory: { stage: number; weightsBytes: number; activationBytes: number; kvBytesPerToken: number; kvTokens: number }[];
  private readonly memo = new Map<string, PartCost>();
  private readonly microBatches: number;
  private readonly stack: Stack | undefined;

  constructor(
    readonly spec: ModelSpec,
    readonly system: System,
    readonly quant: QuantScheme,
    plan: ParallelPlan,
    options: SystemStepCostOptions = {},
  ) {
    const { knotsPerOctave = 16, memoryUtilization = 0.9, maxBatchedTokens = 8192, replicas = 1 } = options;
    this.stack = options.stack;
    if (!Number.isInteger(knotsPerOctave) || knotsPerOctave < 0 || (knotsPerOctave & (knotsPerOctave - 1)) !== 0)
      throw new AccelscopeError('bad-flag', `--knots-per-octave must be 0 (exact) or a power of two (got ${knotsPerOctave})`);
    if (!(memoryUtilization > 0 && memoryUtilization <= 1))
      throw new AccelscopeError('bad-flag', `--memory-utilization must be in (0, 1] (got ${memoryUtilization})`);
    if (plan.ep > 1 && plan.ep !== plan.tp)
      throw new AccelscopeError(
        'bad-flag',
        `--ep ${plan.ep}: a serving replica spreads its experts over its own ${plan.tp} tensor-parallel device(s), so --ep must be 1 or --tp (${plan.tp}); --dp replicas are independent`,
      );
    if (plan.sequenceParallel)
      throw new AccelscopeError('bad-flag', '--sp: sequence parallelism is not modeled for serving steps (mixed decode and prompt tokens)');
    const sys = system.config;
    const devices = sys.devicesPerNode * sys.nodes;
    const need = replicas * replicaDevices(plan);
    if (need > devices)
      throw new AccelscopeError('bad-flag', `${replicas} replica(s) of tp ${plan.tp} × pp ${plan.pp} need ${need} devices but ${sys.name} has ${devices}`, {
        file: system.file,
      });
    this.plan = { ...plan, dp: 1 };
    checkPlan(replicaPlan(plan), sys, system.file);
    this.microBatches = plan.pp > 1 ? (plan.microBatches ?? plan.pp) : 1;
    if (plan.microBatches !== undefined && plan.microBatches > 1 && plan.pp === 1) throw new AccelscopeError('bad-flag', '--micro-batches goes with --pp > 1');
    this.knotsPerOctave = knotsPerOctave;
    const rd = replicaDevices(plan);
    this.name = `${sys.name} · ${describePlan({ ...plan, dp: 1 })} per replica (${rd} device${rd > 1 ? 's' : ''})`;

    const dec = buildGraph(spec, { phase: 'decode', batch: 1, context: 0 });
    this.kvBytesPerToken = kvCacheBytes(dec, quant, 1);
    // Per-stage, per-device memory: weights and the activation reserve from a maxBatchedTokens prefill; KV per token from a one-token decode.
    const big = this.simulate(buildGraph(spec, { phase: 'prefill', batch: 1, seq: maxBatchedTokens }), 1);
    const one = this.simulate(dec, 1);
    const capacityBytes = system.arch.memory.capacityBytes;
    const usableBytes = capacityBytes * memoryUtilization;
    this.stageMemory = big.system.stages.map((st, i) => {
      const kvTok = one.system.stages[i]!.memory.kvCacheBytes;
      const free = usableBytes - st.memory.weightsBytes - st.memory.activationBytes;
      return {
        stage: st.stage,
        weightsBytes: st.memory.weightsBytes,
        activationBytes: st.memory.activationBytes,
        kvBytesPerToken: kvTok,
        kvTokens: kvTok > 0 ? Math.floor(Math.max(0, free) / kvTok) : Infinity,
      };
    });
    const bind = this.stageMemory.reduce((a, b) => (b.kvTokens < a.kvTokens ? b : a));
    this.kvTokenCapacity = bind.kvTokens;
    this.kvCapacityBytes = bind.kvTokens * this.kvBytesPerToken;
    this.memory = { capacityBytes, usableBytes, weightsBytes: bind.weightsBytes, activationBytes: bind.activationBytes };
    if (!(bind.kvTokens >= 1)) {
      throw new AccelscopeError(
        'does-not-fit',
        `no room for a KV cache under ${describePlan({ ...plan, dp: 1 })}: stage ${bind.stage} has ${formatBytes(usableBytes)} usable per device (${memoryUtilization} of ${formatBytes(capacityBytes)}) − weights ${formatBytes(bind.weightsBytes)} − activations ${formatBytes(bind.activationBytes)} at ${maxBatchedTokens} tokens per step; raise --tp or --pp`,
        { file: system.file, pointer: '/device' },
      );
    }
  }

  cost(s: StepShape): StepCost {
    const parts = splitStep(s, this.microBatches);
    const kvMean = s.decode > 0 ? s.decodeContextSum / s.decode + 1 : 1;
    const [x0, x1, w] = s.decode > 0 ? knotsOf(kvMean, this.knotsPerOctave) : [1, 1, 0];
    const at = (kv: number) => {
      const rows: number[][] = [];
      let energyJ = 0;
      for (const p of parts) {
        const c = this.part(p, kv);
        rows.push(c.stageSeconds);
        energyJ += c.energyJ;
      }
      return { seconds: pipelineSeconds(rows), energyJ };
    };
    const c0 = at(x0);
    if (w === 0) return c0;
    const c1 = at(x1);
    return { seconds: c0.seconds + w * (c1.seconds - c0.seconds), energyJ: c0.energyJ + w * (c1.energyJ - c0.energyJ) };
  }

  /** One micro-batch of a step through every stage: per-stage seconds (compute + exposed comm + send) and joules. */
  private part(s: StepShape, kv: number): PartCost {
    const key = `${s.decode}|${s.decode > 0 ? kv : 0}|${s.chunks
      .map((c) => `${c.q},${c.past},${c.last ? 1 : 0}`)
      .sort()
      .join(';')}`;
    let c = this.memo.get(key);
    if (!c) {
      const r = this.simulate(composeStepGraph(this.spec, s, s.decode > 0 ? kv : 1), s.chunks.length ? 1 : s.decode);
      c = { stageSeconds: r.system.stages.map((st) => st.seconds + st.sendSeconds), energyJ: r.totals.energyJ };
      this.memo.set(key, c);
      this.evaluations.systemSteps++;
    }
    return c;
  }

  private simulate(g: OpGraph, batch: number): SystemRunResult {
    return simulateSystem({
      build: () => g,
      batch,
      system: this.system,
      quant: this.quant,
      plan: replicaPlan(this.plan),
      ignoreCapacity: true,
      totalsOnly: true,
      ...(this.stack ? { stack: this.stack } : {}),
      // serving steps take no history of their own, as on one device (serve/step-cost.ts): the board limit
      powerHistory: 'idle',
    });
  }

  /**
   * Moving one sequence's KV cache (`bytes`, the whole model's) from a replica at rank `from` to
   * one at rank `to`: every device of the replica sends its shard to its peer at once, by the
   * collective model's send/recv over the level that joins them (a node's NICs and a host
   * bridge shared by the concurrent pairs).
   */
  transferSeconds(bytes: number, from: number, to: number): number {
    const sys = this.system.config;
    const n = replicaDevices(this.plan);
    const l = groupLinks(sys, [from, to]);
    let pair: GroupLinks = l;
    if (l.inter) pair = { ...pair, inter: { ...l.inter, bytesPerSecond: l.inter.bytesPerSecond / Math.min(n, sys.devicesPerNode) } };
    if (l.intra && sys.intraNode?.sharedBytesPerSecond !== undefined) pair = { ...pair, intra: levelRate(sys.intraNode, Math.min(2 * n, sys.devicesPerNode)) };
    return collective('send-recv', bytes / n, pair).seconds;
  }
}
