/**
 * One serving experiment from plain options: request spec → requests, the engine's step-cost
 * model for (model, arch, quant), the scheduler, the event loop, the report document. Also the
 * `--max-rate` search: the highest arrival rate whose SLO attainment stays at the target,
 * found by doubling then bisection to 1 % of the rate (seeded, so every trial sees the same
 * lengths and the same arrival pattern scaled in time).
 */
import type { Stack } from '../stack/schema.ts';
import { STACK_FACTORS } from '../stack/factors.ts';
import { resolveCalibration } from '../arch/calibration.ts';
import type { ArchConfig } from '../config/arch.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import { AccelscopeError } from '../util/errors.ts';
import { EngineStepCost } from './step-cost.ts';
import { generateRequests, type RequestSpec } from './requests.ts';
import { simulateServing, type DisaggConfig, type ServeRun } from './simulate.ts';
import type { SchedulerConfig } from './scheduler.ts';
import type { Slo } from './metrics.ts';
import type { ServeReport } from './report-data.ts';
import type { StepCostModel } from './step-shape.ts';
import { saturation } from './saturation.ts';
import { SystemStepCost, replicaDevices } from './system-step-cost.ts';
import type { Router } from './simulate.ts';
import type { System } from '../system/types.ts';
import { systemCalibration } from '../system/topology.ts';
import { describePlan, type ParallelPlan } from '../parallel/plan.ts';

export interface ServeSetup {
  spec: ModelSpec;
  arch: ArchConfig;
  quant: QuantScheme;
  archFile?: string;
  requests: RequestSpec;
  requestsText: string;
  scheduler: SchedulerConfig;
  slo: Slo;
  disagg?: DisaggConfig;
  swapBytesPerSecond: number;
  kvBlocks?: number;
  memoryUtilization?: number;
  knotsPerOctave?: number;
  threads?: number;
  /** Software stack the steps run under (src/stack/). */
  stack?: Stack;
  /** The stack's file, for the report. */
  stackFile?: string;
  /** Serve on a multi-device system: each replica runs the plan's tp × pp devices; plan.dp replicas (or the disaggregated pools) side by side. */
  system?: { system: System; plan: ParallelPlan };
  /** How arrivals pick a replica or prefill device (default least-loaded). */
  router?: Router;
}

export interface ServeOutcome {
  report: ServeReport;
  run: ServeRun;
}

type StepModel = StepCostModel & { knotsPerOctave: number; evaluations: Record<string, number> };

/** Data-parallel replicas of a system run (1 on one device, or with disaggregated pools). */
export function replicasOf(s: ServeSetup): number {
  return s.system && !s.disagg ? s.system.plan.dp : 1;
}

export function makeStepCost(s: ServeSetup): StepModel {
  if (s.system) {
    const { system, plan } = s.system;
    return new SystemStepCost(s.spec, system, s.quant, plan, {
      maxBatchedTokens: s.scheduler.maxBatchedTokens,
      replicas: s.disagg ? s.disagg.prefillDevices + s.disagg.decodeDevices : plan.dp,
      ...(s.stack ? { stack: s.stack } : {}),
      ...(s.memoryUtilization !== undefined ? { memoryUtilization: s.memoryUtilization } : {}),
      ...(s.knotsPerOctave !== undefined ? { knotsPerOctave: s.knotsPerOctave } : {}),
    });
  }
  return new EngineStepCost(s.spec, s.arch, s.quant, {
    maxBatchedTokens: s.scheduler.maxBatchedTokens,
    ...(s.memoryUtilization !== undefined ? { memoryUtilization: s.memoryUtilization } : {}),
    ...(s.knotsPerOctave !== undefined ? { knotsPerOctave: s.knotsPerOctave } : {}),
    ...(s.threads !== undefined ? { threads: s.threads } : {}),
    ...(s.stack ? { stack: s.stack } : {}),
    ...(s.archFile ? { archFile: s.archFile } : {}),
  });
}

function once(s: ServeSetup, cost: StepCostModel, requests: RequestSpec) {
  const reqs = generateRequests(requests);
  const sys = s.system;
  const transfer =
    sys && s.disagg && cost instanceof SystemStepCost
      ? (bytes: number, from: number) => cost.transferSeconds(bytes, from * replicaDevices(sys.plan), s.disagg!.prefillDevices * replicaDevices(sys.plan))
      : undefined;
  return simulateServing(reqs, cost, {
    scheduler: s.scheduler,
    slo: s.slo,
    swapBytesPerSecond: s.swapBytesPerSecond,
    ...(sys ? { replicas: replicasOf(s) } : {}),
    ...(s.router ? { router: s.router } : {}),
    ...(transfer ? { kvTransferSeconds: transfer } : {}),
    ...(s.kvBlocks !== undefined ? { kvBlocks: s.kvBlocks } : {}),
    ...(s.disagg ? { disagg: s.disagg } : {}),
    ...(requests.kind === 'trace' ? { requestsFile: requests.file } : {}),
  });
}

/** `swapBlocks(bytesPerToken)`: the host swap space in blocks, once the KV bytes per token are known. */
export function runServe(setup: ServeSetup, opts: { maxRate?: { target: number } } = {}, swapBlocks?: (kvBytesPerToken: number) => number): ServeOutcome {
  const cost = makeStepCost(setup);
  const s = swapBlocks ? { ...setup, scheduler: { ...setup.scheduler, swapBlocks: swapBlocks(cost.kvBytesPerToken) } } : setup;
  let requests = s.requests;
  let maxRate: ServeReport['maxRate'];
  let run: ServeRun;
  if (opts.maxRate) {
    if (requests.kind === 'trace')
      throw new AccelscopeError('bad-flag', '--max-rate varies the arrival rate: it needs a poisson: or gamma: source, not a trace');
    if (s.slo.ttftS === undefined && s.slo.tpotS === undefined && s.slo.e2eS === undefined)
      throw new AccelscopeError('bad-flag', '--max-rate needs --slo (e.g. ttft=1s,tpot=50ms)');
    const base = requests;
    const target = opts.maxRate.target;
    const tried: { rate: number; attainment: number; goodputRps: number }[] = [];
    const runs = new Map<number, ServeRun>();
    const ok = (rate: number) => {
      const r = once(s, cost, { ...base, rate });
      runs.set(rate, r);
      tried.push({ rate, attainment: r.summary.sloAttainment, goodputRps: r.summary.goodputRps });
      return r.summary.sloAttainment >= target;
    };
    let lo = 0;
    let hi = base.rate;
    if (ok(hi)) {
      lo = hi;
      for (let i = 0; i < 30 && ok((hi = lo * 2)); i++) lo = hi;
    } else {
      for (let i = 0; i < 30; i++) {
        const r = hi / 2;
        if (ok(r)) {
          lo = r;
          break;
        }
        hi = r;
      }
    }
    if (lo === 0) throw new AccelscopeError('bad-flag', `--max-rate: even ${hi} req/s misses the SLO attainment of ${target}`);
    while ((hi - lo) / hi > 0.01) {
      const mid = (lo + hi) / 2;
      if (ok(mid)) lo = mid;
      else hi = mid;
    }
    run = runs.get(lo)!;
    requests = { ...base, rate: lo };
    maxRate = { rate: lo, attainment: run.summary.sloAttainment, target, tried };
  } else {
    run = once(s, cost, requests);
  }
  const report: ServeReport = {
    kind: 'serve',
    model: s.spec.name,
    arch: s.system ? cost.name : s.arch.name,
    archKind: s.arch.kind,
    ...(s.system
      ? {
          system: {
            name: s.system.system.config.name,
            ...(s.system.system.file ? { file: s.system.system.file } : {}),
            device: s.system.system.arch.name,
            devices: s.system.system.config.devicesPerNode * s.system.system.config.nodes,
            devicesPerReplica: replicaDevices(s.system.plan),
            replicas: s.disagg ? s.disagg.prefillDevices + s.disagg.decodeDevices : s.system.plan.dp,
            plan: describePlan({ ...s.system.plan, dp: 1 }),
            router: s.router ?? 'least-loaded',
          },
        }
      : {}),
    quant: s.quant.name,
    ...(s.stack ? { stack: { name: s.stack.name, ...(s.stackFile !== undefined ? { file: s.stackFile } : {}), launch: s.stack.launch } } : {}),
    requestsSpec: s.requestsText,
    scheduler: s.scheduler,
    ...(s.disagg ? { disagg: s.disagg } : {}),
    kv: {
      blockTokens: s.scheduler.blockTokens,
      blocksPerDevice: run.kvBlocksPerDevice,
      bytesPerToken: cost.kvBytesPerToken,
      capacityBytes: cost.memory.capacityBytes,
      usableBytes: cost.memory.usableBytes,
      weightsBytes: cost.memory.weightsBytes,
      activationBytes: cost.memory.activationBytes,
    },
    summary: run.summary,
    ...(() => {
      // Capacity at the stream's mean lengths (serve/saturation.ts), for continuous batching on one device.
      if (s.scheduler.policy !== 'continuous' || s.disagg) return {};
      const n = run.records.length;
      const P = Math.max(1, Math.round(run.records.reduce((a, r) => a + r.promptTokens, 0) / n));
      const O = Math.max(1, Math.round(run.records.reduce((a, r) => a + r.outputTokens, 0) / n));
      const sat = saturation(cost, s.scheduler, run.kvBlocksPerDevice, P, O);
      // Independent replicas add up.
      const k = replicasOf(s);
      return sat
        ? {
            saturation:
              k > 1 ? { ...sat, replicas: k, requestsPerSecond: sat.requestsPerSecond * k, outputTokensPerSecond: sat.outputTokensPerSecond * k } : sat,
          }
        : {};
    })(),
    stepModel: { knotsPerOctave: cost.knotsPerOctave, evaluations: { ...cost.evaluations } },
    devices: run.devices,
    timeline: run.timeline,
    ...(maxRate ? { maxRate } : {}),
    calibration: [
      ...Object.entries(s.arch.calibration ?? {}).map(([name, c]) => ({ name, ...c })),
      ...(s.system ? systemCalibration(s.system.system.config).map((c) => ({ ...c, name: `system.${c.name}` })) : []),
      ...(s.stack ? resolveCalibration(s.stack, STACK_FACTORS).map((c) => ({ ...c, name: `${s.stack!.name}.${c.name}` })) : []),
    ],
  };
  return { report, run };
}
