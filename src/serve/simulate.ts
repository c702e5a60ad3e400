/**
 * The serving event loop: requests arrive, each device's scheduler forms a step when the device
 * is free, the step-cost model prices it, the step's tokens land when it ends. One device runs
 * the whole request; disaggregated serving (Splitwise / DistServe) runs prompts on N prefill
 * devices and decodes on M decode devices of the same step-cost model, moving each sequence's KV
 * cache over a link (FIFO per prefill device, bandwidth from links.ts) in between. Requests go to
 * the prefill device with the least outstanding prompt tokens and the decode device with the
 * least load (ties: lowest index). TTFT ends when the prefill device emits the first token.
 * Data-parallel replicas (`replicas`, serve --system --dp) are independent devices of the same
 * step-cost model, each with its own scheduler; `router` sends an arrival to the least-loaded one
 * or to each in turn.
 *
 * Energy: each step's energy is split over the live sequences in it in proportion to the tokens
 * it processed for them; the idle device is not charged. Swap traffic adds blocks·bytes/bandwidth
 * of the swap link to the step that moves them.
 */
import { AccelscopeError } from '../util/errors.ts';
import type { StepCostModel } from './step-shape.ts';
import type { RequestRecord, ServeRequest, TimelinePoint } from './types.ts';
import { newSequence, type Sequence } from './sequence.ts';
import { ContinuousScheduler, type PlannedStep, type Role, type Scheduler, type SchedulerConfig } from './scheduler.ts';
import { StaticScheduler } from './static-batch.ts';
import { summarize, type ServeSummary, type Slo, type StepStats } from './metrics.ts';

export interface DisaggConfig {
  prefillDevices: number;
  decodeDevices: number;
  linkBytesPerSecond: number;
  link: string;
}

export interface ServeOptions {
  scheduler: SchedulerConfig;
  slo: Slo;
  /** Blocks per device; default from the step-cost model's KV capacity. */
  kvBlocks?: number;
  disagg?: DisaggConfig;
  /** Device ↔ host bandwidth for swap preemption, bytes/s. */
  swapBytesPerSecond: number;
  /** File the requests came from, for errors. */
  requestsFile?: string;
  /** Independent replicas of the step-cost model side by side (data parallel), each with its own scheduler; default 1. */
  replicas?: number;
  /** How arrivals pick a replica / prefill device: the least outstanding load (default) or in turn. */
  router?: Router;
  /** Seconds to move `bytes` of KV cache from prefill device `from` to the decode pool (default: bytes / disagg.linkBytesPerSecond). */
  kvTransferSeconds?: (bytes: number, from: number) => number;
}

export type Router = 'least-loaded' | 'round-robin';

export interface ServeRun {
  records: RequestRecord[];
  timeline: TimelinePoint[];
  summary: ServeSummary;
  kvBlocksPerDevice: number;
  devices: { role: Role; preemptions: number; prefixEvictions: number }[];
}

interface Device {
  index: number;
  role: Role;
  sched: Scheduler;
  busy?: { end: number; plan: PlannedStep; energyJ: number };
  linkFreeAt: number;
}

export function blocksPerDevice(cost: StepCostModel, blockTokens: number): number {
  if (cost.kvTokenCapacity !== undefined) return Math.floor(cost.kvTokenCapacity / blockTokens);
  return Math.floor(cost.kvCapacityBytes / (blockTokens * cost.kvBytesPerToken));
}

export function simulateServing(requests: ServeRequest[], cost: StepCostModel, opts: ServeOptions): ServeRun {
  const cfg = opts.scheduler;
  const blocks = opts.kvBlocks ?? blocksPerDevice(cost, cfg.blockTokens);
  if (blocks < 1) throw new AccelscopeError('does-not-fit', `the KV cache holds no block of ${cfg.blockTokens} tokens`);
  const bs = cfg.blockTokens;
  for (const r of requests) {
    const need = Math.ceil((r.promptTokens + r.outputTokens - 1) / bs);
    if (need > blocks)
      throw new AccelscopeError(
        'does-not-fit',
        `request ${r.id} (prompt ${r.promptTokens} + output ${r.outputTokens} tokens) needs ${need} KV blocks of ${bs} tokens; the device holds ${blocks}`,
        { file: opts.requestsFile },
      );
    if (cfg.policy === 'continuous' && !cfg.chunkedPrefill && r.promptTokens + r.outputTokens - 1 > cfg.maxBatchedTokens) {
      throw new AccelscopeError(
        'bad-flag',
        `request ${r.id}: prompt ${r.promptTokens} (+ ${r.outputTokens - 1} outputs when recomputed after a preemption) exceeds --max-batched-tokens ${cfg.maxBatchedTokens}; raise it or use --chunked-prefill`,
      );
    }
  }
  const d = opts.disagg;
  if (d && cfg.policy === 'static') throw new AccelscopeError('bad-flag', '--disagg needs --scheduler continuous');
  const replicas = opts.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) throw new AccelscopeError('bad-flag', `replicas must be a positive integer (got ${replicas})`);
  if (d && replicas > 1) throw new AccelscopeError('bad-flag', '--dp and --disagg: the prefill and decode pools are the replicas');
  const roles: Role[] = d
    ? [...Array<Role>(d.prefillDevices).fill('prefill'), ...Array<Role>(d.decodeDevices).fill('decode')]
    : Array<Role>(replicas).fill('both');
  const devices: Device[] = roles.map((role, index) => ({
    index,
    role,
    linkFreeAt: 0,
    sched: cfg.policy === 'static' ? new StaticScheduler(cfg, blocks) : new ContinuousScheduler(cfg, blocks, role),
  }));
  const prefillDevs = devices.filter((x) => x.role !== 'decode');
  const decodeDevs = devices.filter((x) => x.role === 'decode');
  const blockBytes = bs * cost.kvBytesPerToken;

  const records: RequestRecord[] = [];
  const timeline: TimelinePoint[] = [];
  const transfers: { end: number; seq: Sequence; from: Device }[] = [];
  let now = 0;
  let next = 0;
  let inSystem = 0;
  let area = 0;
  const stats: StepStats = { steps: 0, batchSum: 0, batchMax: 0, kvUseSum: 0, kvUseMax: 0 };
  // The timeline keeps one point per device every `resolution` seconds (reports); stats see every step.
  const resolution = (requests.length ? requests[requests.length - 1]!.arrivalS : 0) / 4000;
  const lastSample = devices.map(() => -Infinity);

  const leastLoaded = (ds: Device[]) => ds.reduce((best, x) => (x.sched.load() < best.sched.load() ? x : best));
  let turn = 0;
  const route = (ds: Device[]) => (opts.router === 'round-robin' ? ds[turn++ % ds.length]! : leastLoaded(ds));
  const advance = (t: number) => {
    area += inSystem * (t - now);
    now = t;
  };
  const finish = (s: Sequence) => {
    inSystem--;
    const r = s.req;
    const firstTokenS = s.firstTokenS!;
    records.push({
      id: r.id,
      arrivalS: r.arrivalS,
      promptTokens: r.promptTokens,
      outputTokens: r.outputTokens,
      startS: s.startS!,
      firstTokenS,
      finishS: now,
      queueS: s.startS! - r.arrivalS,
      ttftS: firstTokenS - r.arrivalS,
      tpotS: r.outputTokens > 1 ? (now - firstTokenS) / (r.outputTokens - 1) : 0,
      e2eS: now - r.arrivalS,
      energyJ: s.energyJ,
      preemptions: s.preemptions,
      cachedTokens: s.cachedTokens,
    });
  };

  for (;;) {
    for (const dev of devices) {
      if (dev.busy) continue;
      const plan = dev.sched.next(now);
      if (!plan) continue;
      const c = cost.cost(plan.shape);
      const swapS = ((plan.swapInBlocks + plan.swapOutBlocks) * blockBytes) / opts.swapBytesPerSecond;
      dev.busy = { end: now + c.seconds + swapS, plan, energyJ: c.energyJ };
      let tokens = 0;
      for (const it of plan.items) {
        tokens += it.tokens;
        if (it.seq.startS === undefined) it.seq.startS = now;
      }
      const used = dev.sched.pool.used;
      stats.steps++;
      stats.batchSum += plan.items.length;
      if (plan.items.length > stats.batchMax) stats.batchMax = plan.items.length;
      stats.kvUseSum += used / blocks;
      if (used / blocks > stats.kvUseMax) stats.kvUseMax = used / blocks;
      if (now - lastSample[dev.index]! >= resolution) {
        lastSample[dev.index] = now;
        timeline.push({
          t: now,
          inSystem,
          waiting: dev.sched.waitingCount(),
          running: dev.sched.runningCount(),
          batch: plan.items.length,
          tokens,
          kvBlocksUsed: used,
          kvBlocksTotal: blocks,
          device: dev.index,
        });
      }
    }
    let t = next < requests.length ? requests[next]!.arrivalS : Infinity;
    for (const dev of devices) if (dev.busy && dev.busy.end < t) t = dev.busy.end;
    if (transfers.length && transfers[0]!.end < t) t = transfers[0]!.end;
    if (t === Infinity) break;
    advance(t);
    for (const dev of devices) {
      if (!dev.busy || dev.busy.end !== now) continue;
      const { plan, energyJ } = dev.busy;
      dev.busy = undefined;
      // Energy by tokens over the sequences still producing (static batching's padded slots are overhead).
      let liveTokens = 0;
      for (const it of plan.items) if (it.seq.generated < it.seq.req.outputTokens) liveTokens += it.tokens;
      for (const it of plan.items) if (it.seq.generated < it.seq.req.outputTokens) it.seq.energyJ += (energyJ * it.tokens) / liveTokens;
      const out = dev.sched.complete(plan, now);
      for (const s of out.finished) finish(s);
      for (const s of out.handoff) {
        const start = Math.max(now, dev.linkFreeAt);
        const kvBytes = s.computed * cost.kvBytesPerToken;
        const end = start + (opts.kvTransferSeconds ? opts.kvTransferSeconds(kvBytes, dev.index) : kvBytes / d!.linkBytesPerSecond);
        dev.linkFreeAt = end;
        let i = transfers.length;
        while (i > 0 && transfers[i - 1]!.end > end) i--;
        transfers.splice(i, 0, { end, seq: s, from: dev });
      }
    }
    while (transfers.length && transfers[0]!.end === now) {
      const tr = transfers.shift()!;
      tr.from.sched.releaseSeq(tr.seq);
      leastLoaded(decodeDevs).sched.enqueue(tr.seq);
    }
    while (next < requests.length && requests[next]!.arrivalS <= now) {
      const r = requests[next++]!;
      inSystem++;
      route(prefillDevs).sched.enqueue(newSequence(r));
    }
  }
  if (records.length !== requests.length) {
    throw new AccelscopeError(
      'does-not-fit',
      `${requests.length - records.length} request(s) could never be scheduled (KV blocks ${blocks} per device, --max-running ${cfg.maxRunning}, --max-batched-tokens ${cfg.maxBatchedTokens})`,
    );
  }
  records.sort((a, b) => a.id - b.id);
  const preemptions = devices.reduce((n, x) => n + x.sched.preemptions, 0);
  return {
    records,
    timeline,
    kvBlocksPerDevice: blocks,
    summary: summarize(records, stats, opts.slo, { areaInSystem: area, preemptions }),
    devices: devices.map((x) => ({ role: x.role, preemptions: x.sched.preemptions, prefixEvictions: x.sched.pool.evictions })),
  };
}
