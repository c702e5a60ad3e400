/**
 * One prefill or decode step of a model on a multi-device system under a parallelism plan — a
 * thin layer over the engine (engine/evaluate, engine/totals): each pipeline stage's per-device graph (shard.ts) runs on the
 * device's hardware model, its communication runs on the collective model, and the stages are
 * composed into the step.
 *
 * Pipeline (forward only, m micro-batches, stage times t_s and stage-to-stage transfers p_s):
 *   prefill: Σ_s (t_s + p_s) + (m − 1)·max_s (t_s + p_s)     (fill, then one micro-batch per beat)
 *   decode:  max(m·max_s (t_s + p_s), Σ_s (t_s + p_s))        (a token must cross every stage
 *            before its sequence can take the next step; with m ≥ pp the slowest stage sets the beat)
 * Data-parallel replicas run side by side: the step time is one replica's, tokens add up.
 */
import type { OpGraph } from '../workload/graph.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { Footprint } from '../workload/footprint.ts';
import { aggregateClasses, type OpRecord, type RunResult } from '../engine/run.ts';
import { historyEvaluators, sharedOpEvaluator, type OpEvaluator } from '../engine/evaluate.ts';
import { BENCH_REPETITIONS, PowerTally, settlePowerHistory, type PowerHistory } from '../engine/power-history.ts';
import { getModel } from '../hw/registry.ts';
import { addWork, emptySums, stepTotals } from '../engine/totals.ts';
import type { System } from '../system/types.ts';
import { groupLinks, systemCalibration, type GroupLinks } from '../system/topology.ts';
import { collective } from '../collective/algorithms.ts';
import type { CollectiveCost } from '../collective/types.ts';
import { AccelscopeError, inArchFile } from '../util/errors.ts';
import { formatBytes } from '../util/units.ts';
import { checkPlan, describePlan, planDevices, rankOf, type ParallelPlan } from './plan.ts';
import { partition } from './partition.ts';
import { shardStage, type CommOp } from './shard.ts';
import { deviceMeta } from './device-meta.ts';
import { runStage } from './stage-run.ts';
import type { Stack } from '../stack/schema.ts';
import type { StackUse } from '../stack/use.ts';
import { assertStackRunsOn } from '../config/load-stack.ts';

/** The overlap of a collective with its GEMM when the system does not calibrate it. */
export const DEFAULT_OVERLAP_CHUNKS = {
  value: 4,
  source:
    'T3 (Pati et al., ASPLOS 2024) and Flux (Chang et al., 2024) split the producer GEMM into chunks and send each chunk while the next computes; 4 chunks',
  description: 'chunks a GEMM and its collective are pipelined in when --overlap is on',
};

export interface CommRecord {
  id: string;
  stage: number;
  layer: number;
  name: string;
  kind: CollectiveKindName;
  group: 'tp' | 'ep' | 'pp';
  algorithm: string;
  bytes: number;
  ranks: number;
  nodes: number;
  seconds: number;
  exposedSeconds: number;
  latencySeconds: number;
  bandwidthSeconds: number;
  algbwBps: number;
  busbwBps: number;
}
type CollectiveKindName = CollectiveCost['kind'];

export interface StageRecord {
  stage: number;
  layers: [number, number];
  computeSeconds: number;
  communicationSeconds: number;
  /** Stage-to-next-stage transfer of one micro-batch (0 for the last stage). */
  sendSeconds: number;
  seconds: number;
  memory: Footprint & { capacityBytes: number; fits: boolean };
}

export interface SystemBlock {
  name: string;
  file?: string;
  device: string;
  devices: number;
  devicesUsed: number;
  plan: ParallelPlan & { microBatches: number; description: string };
  stages: StageRecord[];
  pipeline: { microBatches: number; microBatchSize: number; seconds: number; bubbleSeconds: number; bubbleFraction: number };
  computeSeconds: number;
  communicationSeconds: number;
  communicationShare: number;
  collectives: CommRecord[];
}

export interface SystemRunResult extends RunResult {
  system: SystemBlock;
}

export interface SystemRunInput {
  /** The step's graph for a given number of sequences (same phase and shapes). */
  build: (batch: number) => OpGraph;
  batch: number;
  system: System;
  quant: QuantScheme;
  plan: ParallelPlan;
  ignoreCapacity?: boolean;
  /** Totals only (sweeps). */
  totalsOnly?: boolean;
  /**
   * Software stack every device runs under (src/stack/): each stage's per-device graph becomes the
   * stack's kernel graph, its kernels use the stack's GEMM families and attention backend, and the
   * stage's compute time carries the stack's launch terms (graph gaps, host launches, host step).
   * Collectives keep the collective model's costs; the stack's launch terms are not charged to the
   * collective kernels (docs/models/software-stacks.md, known gap).
   */
  stack?: Stack;
  /** The stack's file, for results and messages. */
  stackFile?: string;
  /** How the step is timed where the device has a sustained power limit (engine/power-history.ts); default 'bench'. */
  powerHistory?: PowerHistory;
}

function largestDivisorAtMost(n: number, cap: number): number {
  for (let d = Math.min(n, cap); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/**
 * The system step. Where the device's model has a sustained power limit (HardwareModel.powerHistory)
 * the step is timed as `input.powerHistory` says (default 'bench': repeated back to back as a
 * single-device step is; engine/power-history.ts), every device's kernels under the limit that
 * history allows — so a TP 1 plan is the single-device step exactly.
 */
export function simulateSystem(input: SystemRunInput): SystemRunResult {
  const { arch } = input.system;
  const shared = () => sharedOpEvaluator(arch, input.quant, input.stack);
  const curve = getModel(arch.kind).powerHistory?.(arch);
  if (!curve) return simulateSystemWith(input, shared()).result;
  const repetitions = input.build(1).meta.phase === 'decode' ? BENCH_REPETITIONS.decodeStep : BENCH_REPETITIONS.prefillStep;
  // no history is the shared evaluator's own limit (tdpW); later passes reuse its ops under the limit
  const evaluatorAt = historyEvaluators(arch, input.quant, input.stack ? { stack: input.stack } : {}, curve, shared());
  const s = settlePowerHistory(
    curve,
    input.powerHistory ?? 'bench',
    repetitions,
    (loadedSeconds) => simulateSystemWith(input, evaluatorAt(loadedSeconds)),
    (r) => r.result.totals.seconds,
    (r) => r.power.maxPowerW,
    (r) => r.power.limited,
  );
  return { ...s.result.result, powerHistory: s.use };
}

function simulateSystemWith(input: SystemRunInput, inner: OpEvaluator): { result: SystemRunResult; power: PowerTally } {
  // The ops' power against a sustained limit (simulateSystem).
  const power = new PowerTally();
  const evaluate: OpEvaluator = (op) => {
    const h = inner(op);
    power.add(h.r);
    return h;
  };
  const { system, quant, plan } = input;
  const sys = system.config;
  const arch = system.arch;
  checkPlan(plan, sys, system.file);
  if (input.batch % plan.dp !== 0)
    throw AccelscopeError.withParams(
      'bad-flag',
      (f) => `${f('dp')} ${plan.dp}: ${f('batch')} ${input.batch} is not divisible by ${plan.dp} (each replica takes batch / dp sequences)`,
    );
  const replicaBatch = input.batch / plan.dp;
  if (plan.microBatches !== undefined && plan.microBatches > 1 && plan.pp === 1)
    throw AccelscopeError.withParams('bad-flag', (f) => `${f('microBatches')} goes with ${f('pp')} > 1`);
  const m = plan.microBatches ?? (plan.pp > 1 ? largestDivisorAtMost(replicaBatch, plan.pp) : 1);
  if (replicaBatch % m !== 0)
    throw AccelscopeError.withParams('bad-flag', (f) => `${f('microBatches')} ${m}: the replica batch ${replicaBatch} is not divisible by ${m}`);
  const mbBatch = replicaBatch / m;
  const graph = input.build(mbBatch);
  const wireBytes = Math.max(16, quant.activations.bitsPerElement) / 8;
  const dModel = graph.ops.find((o) => o.kind === 'norm')?.dim ?? graph.ops.find((o) => o.kind === 'embedding')?.dim ?? 0;
  const router = graph.ops.find((o) => o.kind === 'gemm' && o.cls === 'moe_router');
  const experts = router && router.kind === 'gemm' ? router.n : undefined;
  if (plan.ep > 1 && !experts)
    throw AccelscopeError.withParams('bad-flag', (f) => `${f('ep')} ${plan.ep}: ${graph.meta.model} has no experts (num_local_experts) to spread`);
  const tokens = graph.meta.phase === 'prefill' ? mbBatch * (graph.meta.seq ?? 1) : mbBatch;

  if (input.stack) assertStackRunsOn(input.stack, arch.kind, input.stackFile);
  const stackRun = input.stack ? { stack: input.stack, ...(input.stackFile !== undefined ? { stackFile: input.stackFile } : {}) } : undefined;
  let stackUse: StackUse | undefined;
  const stages = partition(graph, plan.pp);
  const linkMemo = new Map<string, GroupLinks>();
  const links = (ranks: number[]): GroupLinks => {
    const key = ranks.join(',');
    let l = linkMemo.get(key);
    if (!l) {
      l = inArchFile(system.file, () => groupLinks(sys, ranks));
      linkMemo.set(key, l);
    }
    return l;
  };
  const costMemo = new Map<string, CollectiveCost>();
  const cost = (kind: CommOp['kind'], bytes: number, l: GroupLinks, key: string): CollectiveCost => {
    const k = `${kind}|${bytes}|${key}`;
    let c = costMemo.get(k);
    if (!c) {
      c = inArchFile(system.file, () => collective(kind, bytes, l));
      costMemo.set(k, c);
    }
    return c;
  };
  const chunks = sys.calibration?.['overlapChunks']?.value ?? DEFAULT_OVERLAP_CHUNKS.value;

  const allOps: OpRecord[] = [];
  const collectives: CommRecord[] = [];
  const stageRecords: StageRecord[] = [];
  const warnings = new Set<string>();
  const sums = emptySums();
  const replicas = plan.tp * plan.dp * m;
  const stageRoofline: number[] = [];
  let energySources: RunResult['energySources'] = [];
  let firstResult: RunResult | undefined;

  for (const st of stages) {
    const s = st.stage;
    const { ops, comms } = shardStage(st.ops, { plan, dModel, wireBytes, experts, tokens });
    const attn = ops.find((o) => o.kind === 'attention');
    const meta = deviceMeta({
      graph,
      ops,
      plan,
      layers: st.layers,
      firstStage: s === 0,
      lastStage: s === plan.pp - 1,
      experts,
      kvHeads: attn && attn.kind === 'attention' ? attn.kvHeads : graph.meta.kv.kvHeads,
    });
    const stageGraph: OpGraph = { meta, ops };
    const pre = plan.pp > 1 ? `S${s}.` : '';
    const r = runStage(stageGraph, arch, quant, evaluate, input.totalsOnly === true, pre, stackRun);
    firstResult ??= r;
    if (r.stack) stackUse = stackUse ? { ...stackUse, step: addStackSteps(stackUse.step, r.stack.step) } : r.stack;
    for (const w of r.warnings) if (!w.startsWith('workload does not fit')) warnings.add(w);
    if (!input.totalsOnly && r.energySources.length > energySources.length) energySources = r.energySources;
    addWork(sums, r.totals.flops, r.totals.bytes, r.totals.energyPj, replicas);

    // Communication of this stage, in program order.
    const tpRanks = Array.from({ length: plan.tp }, (_, t) => rankOf(plan, 0, s, t));
    const epRanks: number[] = [];
    for (let d = 0; d < plan.dp; d++) for (let t = 0; t < plan.tp; t++) epRanks.push(rankOf(plan, d, s, t));
    const opSeconds = new Map<string, number>();
    if (plan.overlap) {
      if (!input.totalsOnly) for (const o of r.ops) opSeconds.set(o.id, o.seconds);
      else for (const o of stageGraph.ops) if (o.kind === 'gemm') opSeconds.set(pre + o.id, evaluate(o).r.seconds);
    }
    let commSeconds = 0;
    let commBandwidth = 0;
    const commsAfter = new Map<string, CommRecord[]>();
    for (const c of comms) {
      const ranks = c.group === 'tp' ? tpRanks : epRanks;
      const cc = cost(c.kind, c.bytes, links(ranks), `${c.group}${s}`);
      let exposed = cc.seconds;
      if (plan.overlap && c.overlapsWith) {
        const g = opSeconds.get(pre + c.overlapsWith) ?? 0;
        exposed = Math.max(g, cc.seconds) + Math.min(g, cc.seconds) / chunks - g;
      }
      commSeconds += exposed;
      commBandwidth += cc.bandwidthSeconds;
      const rec: CommRecord = {
        id: pre + c.id,
        stage: s,
        layer: c.layer,
        name: c.name,
        kind: c.kind,
        group: c.group,
        algorithm: cc.algorithm,
        bytes: c.bytes,
        ranks: cc.ranks,
        nodes: cc.nodes,
        seconds: cc.seconds,
        exposedSeconds: exposed,
        latencySeconds: cc.latencySeconds,
        bandwidthSeconds: cc.bandwidthSeconds,
        algbwBps: cc.algbwBps,
        busbwBps: cc.busbwBps,
      };
      collectives.push(rec);
      const key = pre + c.after;
      const list = commsAfter.get(key) ?? [];
      list.push(rec);
      commsAfter.set(key, list);
    }
    // Stage-to-stage transfer of one micro-batch's activations (each TP rank sends to its peer).
    let sendSeconds = 0;
    if (s < plan.pp - 1) {
      const a = rankOf(plan, 0, s, 0);
      const b = rankOf(plan, 0, s + 1, 0);
      const l = links([a, b]);
      const sharers = Math.min(plan.tp, sys.devicesPerNode);
      const pair: GroupLinks = l.inter ? { ...l, inter: { ...l.inter, bytesPerSecond: l.inter.bytesPerSecond / sharers } } : l;
      const sendBytes = tokens * dModel * wireBytes;
      const cc = cost('send-recv', sendBytes, pair, `pp${s}`);
      sendSeconds = cc.seconds;
      const rec: CommRecord = {
        id: `S${s}.pp_send`,
        stage: s,
        layer: -1,
        name: 'pp_send',
        kind: 'send-recv',
        group: 'pp',
        algorithm: cc.algorithm,
        bytes: sendBytes,
        ranks: 2,
        nodes: cc.nodes,
        seconds: cc.seconds,
        exposedSeconds: cc.seconds,
        latencySeconds: cc.latencySeconds,
        bandwidthSeconds: cc.bandwidthSeconds,
        algbwBps: cc.algbwBps,
        busbwBps: cc.busbwBps,
      };
      collectives.push(rec);
      const last = pre + stageGraph.ops[stageGraph.ops.length - 1]!.id;
      commsAfter.set(last, [...(commsAfter.get(last) ?? []), rec]);
    }
    if (!input.totalsOnly) {
      for (const o of r.ops) {
        allOps.push(o);
        // A kernel the stack fused from several ops (`a+b+c`) carries the collectives placed after any of them.
        const parts = o.id.includes('+')
          ? o.id
              .slice(pre.length)
              .split('+')
              .map((p) => pre + p)
          : [o.id];
        for (const id of parts) for (const c of commsAfter.get(id) ?? []) allOps.push(commRecord(c));
      }
    }
    const computeSeconds = r.totals.seconds;
    const f = r.memory;
    const kv = f.kvCacheBytes * m;
    const total = f.weightsBytes + kv + f.activationBytes;
    stageRecords.push({
      stage: s,
      layers: st.layers,
      computeSeconds,
      communicationSeconds: commSeconds,
      sendSeconds,
      seconds: computeSeconds + commSeconds,
      memory: {
        weightsBytes: f.weightsBytes,
        kvCacheBytes: kv,
        activationBytes: f.activationBytes,
        totalBytes: total,
        capacityBytes: arch.memory.capacityBytes,
        fits: total <= arch.memory.capacityBytes,
      },
    });
    stageRoofline.push(r.totals.rooflineSeconds + commBandwidth);
  }

  const beat = (t: number[]): { sum: number; max: number } => ({ sum: t.reduce((a, b) => a + b, 0), max: Math.max(...t) });
  const perStage = stageRecords.map((x) => x.seconds + x.sendSeconds);
  const { sum, max } = beat(perStage);
  const prefill = graph.meta.phase === 'prefill';
  const seconds = prefill ? sum + (m - 1) * max : Math.max(m * max, sum);
  const rf = beat(stageRoofline.map((x, i) => x + stageRecords[i]!.sendSeconds));
  const rooflineSeconds = prefill ? rf.sum + (m - 1) * rf.max : Math.max(m * rf.max, rf.sum);
  const bubbleSeconds = seconds - m * max;

  const worst = stageRecords.reduce((a, b) => (b.memory.totalBytes > a.memory.totalBytes ? b : a));
  if (!worst.memory.fits) {
    const mm = worst.memory;
    const msg = `workload does not fit per device under ${describePlan(plan)}: stage ${worst.stage} (layers ${worst.layers[0]}–${worst.layers[1] - 1}) needs ${formatBytes(mm.totalBytes)} per device (weights ${formatBytes(mm.weightsBytes)} + KV cache ${formatBytes(mm.kvCacheBytes)} + activations ${formatBytes(mm.activationBytes)}) but ${arch.name} has ${formatBytes(mm.capacityBytes)}, ${formatBytes(mm.totalBytes - mm.capacityBytes)} over`;
    if (!input.ignoreCapacity)
      throw AccelscopeError.withParams('does-not-fit', (f) => `${msg}; raise ${f('tp')} or ${f('pp')} (${f('ignoreCapacity')} reports the timing anyway)`, {
        file: system.file,
      });
    warnings.add(msg);
  }

  const computeSeconds = stageRecords.reduce((a, x) => a + x.computeSeconds, 0);
  const communicationSeconds = stageRecords.reduce((a, x) => a + x.communicationSeconds + x.sendSeconds, 0);
  const stepTokens = graph.meta.tokens * m * plan.dp;
  const totals = stepTotals({ ...sums, seconds, rooflineSeconds }, stepTokens, worst.memory.totalBytes);
  const averagePowerW = totals.averagePowerW;
  const base = firstResult!;
  const devicesUsed = planDevices(plan);
  const tdp = arch.power?.tdpW;
  if (tdp !== undefined && averagePowerW / devicesUsed > tdp)
    warnings.add(`average power per device ${(averagePowerW / devicesUsed).toFixed(0)} W exceeds the TDP of ${tdp} W`);
  warnings.add('interconnect energy is not modeled: energy covers the devices only');
  const result: SystemRunResult = {
    workload: { ...base.workload, model: graph.meta.model, params: graph.meta.params.total, batch: input.batch, tokens: stepTokens },
    arch: { ...base.arch, name: `${sys.name}: ${devicesUsed}× ${arch.name}` },
    quant: base.quant,
    totals,
    ...(stackUse ? { stack: stackUse } : {}),
    memory: worst.memory,
    classes: input.totalsOnly ? [] : aggregateClasses(allOps),
    ops: allOps,
    calibration: [
      ...base.calibration,
      ...systemCalibration(sys).map((c) => ({ ...c, name: `system.${c.name}` })),
      ...(plan.overlap && !sys.calibration?.['overlapChunks'] ? [{ name: 'system.overlapChunks', ...DEFAULT_OVERLAP_CHUNKS }] : []),
    ],
    energySources,
    warnings: [...warnings],
    system: {
      name: sys.name,
      ...(system.file ? { file: system.file } : {}),
      device: arch.name,
      devices: sys.devicesPerNode * sys.nodes,
      devicesUsed,
      plan: { ...plan, microBatches: m, description: describePlan(plan) },
      stages: stageRecords,
      pipeline: { microBatches: m, microBatchSize: mbBatch, seconds, bubbleSeconds, bubbleFraction: seconds > 0 ? bubbleSeconds / seconds : 0 },
      computeSeconds,
      communicationSeconds,
      communicationShare: computeSeconds + communicationSeconds > 0 ? communicationSeconds / (computeSeconds + communicationSeconds) : 0,
      collectives,
    },
  };
  return { result, power };
}

/** The launch-mode terms of the stages, summed (one micro-batch through every stage, as `computeSeconds`). */
function addStackSteps(a: StackUse['step'], b: StackUse['step']): StackUse['step'] {
  return {
    deviceSeconds: a.deviceSeconds + b.deviceSeconds,
    kernels: a.kernels + b.kernels,
    hostSeconds: a.hostSeconds + b.hostSeconds,
    gapSeconds: a.gapSeconds + b.gapSeconds,
    hostWaitSeconds: a.hostWaitSeconds + b.hostWaitSeconds,
  };
}

const shapeLabels = new Map<string, string>();
function commShape(c: CommRecord): string {
  const key = `${c.bytes}|${c.ranks}|${c.algorithm}`;
  let label = shapeLabels.get(key);
  if (label === undefined) {
    label = `${formatBytes(c.bytes)} over ${c.ranks} ranks (${c.algorithm})`;
    if (shapeLabels.size < 10_000) shapeLabels.set(key, label);
  }
  return label;
}

function commRecord(c: CommRecord): OpRecord {
  const bound = c.latencySeconds >= c.bandwidthSeconds ? 'latency' : 'interconnect';
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    cls: 'communication',
    layer: c.layer,
    count: 1,
    flops: 0,
    bytes: 0,
    bytesByLevel: { [c.nodes > 1 ? 'network' : 'interconnect']: c.bytes },
    seconds: c.exposedSeconds,
    cycles: 0,
    bound,
    utilization: c.seconds > 0 ? c.bandwidthSeconds / c.seconds : 0,
    energyPj: { compute: 0, onChip: 0, offChip: 0, static: 0 },
    roofline: { seconds: c.bandwidthSeconds, bound: 'memory', intensity: 0, bytes: c.bytes, dtype: 'bf16' },
    breakdown: {
      collectiveS: c.seconds,
      latencyS: c.latencySeconds,
      bandwidthS: c.bandwidthSeconds,
      hiddenS: c.seconds - c.exposedSeconds,
      ranks: c.ranks,
      nodes: c.nodes,
      algbwBps: c.algbwBps,
      busbwBps: c.busbwBps,
    },
    shape: commShape(c),
    notes: [`${c.kind} by ${c.algorithm} over ${c.ranks} ranks on ${c.nodes} node(s)`],
  };
}
