/**
 * One serving experiment from plain options: request spec → requests, the engine's step-cost
 * model for (model, arch, quant), the scheduler, the event loop, the report document. Also the
 * `--max-rate` search: the highest arrival rate whose SLO attainment stays at the target,
 * found by doubling then bisection to 1 % of the rate (seeded, so every trial sees the same
 * lengths and the same arrival pattern scaled in time).
 */
import type { Stack } from '../stack/schema.ts';
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
}

export interface ServeOutcome {
  report: ServeReport;
  run: ServeRun;
}

export function makeStepCost(s: ServeSetup): EngineStepCost {
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
  return simulateServing(reqs, cost, {
    scheduler: s.scheduler, slo: s.slo, swapBytesPerSecond: s.swapBytesPerSecond,
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
    if (requests.kind === 'trace') throw new AccelscopeError('bad-flag', '--max-rate varies the arrival rate: it needs a poisson: or gamma: source, not a trace');
    if (s.slo.ttftS === undefined && s.slo.tpotS === undefined && s.slo.e2eS === undefined) throw new AccelscopeError('bad-flag', '--max-rate needs --slo (e.g. ttft=1s,tpot=50ms)');
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
    arch: s.arch.name,
    archKind: s.arch.kind,
    quant: s.quant.name,
    requestsSpec: s.requestsText,
    scheduler: s.scheduler,
    ...(s.disagg ? { disagg: s.disagg } : {}),
    kv: {
      blockTokens: s.scheduler.blockTokens, blocksPerDevice: run.kvBlocksPerDevice, bytesPerToken: cost.kvBytesPerToken,
      capacityBytes: cost.memory.capacityBytes, usableBytes: cost.memory.usableBytes, weightsBytes: cost.memory.weightsBytes, activationBytes: cost.memory.activationBytes,
    },
    summary: run.summary,
    ...(() => {
      // Capacity at the stream's mean lengths (serve/saturation.ts), for continuous batching on one device.
      if (s.scheduler.policy !== 'continuous' || s.disagg) return {};
      const n = run.records.length;
      const P = Math.max(1, Math.round(run.records.reduce((a, r) => a + r.promptTokens, 0) / n));
      const O = Math.max(1, Math.round(run.records.reduce((a, r) => a + r.outputTokens, 0) / n));
      const sat = saturation(cost, s.scheduler, run.kvBlocksPerDevice, P, O);
      return sat ? { saturation: sat } : {};
    })(),
    stepModel: { knotsPerOctave: cost.knotsPerOctave, evaluations: { ...cost.evaluations } },
    devices: run.devices,
    timeline: run.timeline,
    ...(maxRate ? { maxRate } : {}),
    calibration: Object.entries(s.arch.calibration ?? {}).map(([name, c]) => ({ name, ...c })),
  };
  return { report, run };
}
