/** Summaries of a serving run: percentiles, throughput, goodput under SLOs, Little's law. */
import type { RequestRecord } from './types.ts';

export interface Slo {
  ttftS?: number;
  tpotS?: number;
  e2eS?: number;
}

export interface Dist {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Percentile with linear interpolation between closest ranks (numpy's default), of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const x = (p / 100) * (sorted.length - 1);
  const i = Math.floor(x);
  const f = x - i;
  return i + 1 < sorted.length ? sorted[i]! + f * (sorted[i + 1]! - sorted[i]!) : sorted[i]!;
}

export function dist(values: number[]): Dist {
  const s = Float64Array.from(values).sort();
  const a = Array.from(s);
  const mean = a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
  return { mean, p50: percentile(a, 50), p90: percentile(a, 90), p99: percentile(a, 99), max: a.length ? a[a.length - 1]! : NaN };
}

export function meetsSlo(r: RequestRecord, slo: Slo): boolean {
  return (
    (slo.ttftS === undefined || r.ttftS <= slo.ttftS) && (slo.tpotS === undefined || r.tpotS <= slo.tpotS) && (slo.e2eS === undefined || r.e2eS <= slo.e2eS)
  );
}

export interface ServeSummary {
  requests: number;
  /** From 0 (the stream's start) to the last request's finish, seconds. */
  makespanS: number;
  /** Offered load: requests / last arrival time. */
  offeredRate: number;
  requestsPerSecond: number;
  outputTokensPerSecond: number;
  inputTokensPerSecond: number;
  ttftS: Dist;
  tpotS: Dist;
  e2eS: Dist;
  queueS: Dist;
  slo: Slo;
  /** Requests meeting every SLO, per second of makespan, and as a fraction of all. */
  goodputRps: number;
  sloAttainment: number;
  energyJ: number;
  energyPerRequestJ: number;
  energyPerOutputTokenJ: number;
  preemptions: number;
  cachedPromptTokens: number;
  steps: number;
  /** Sequences per step (mean over steps) and KV blocks in use / pool (mean over steps). */
  batch: { mean: number; max: number };
  kvUse: { mean: number; max: number };
  /** Little's law on the simulated queue: time-average requests in system vs arrival rate × mean time in system. */
  little: { L: number; lambda: number; W: number; relError: number };
}

/** Per-step accumulators the event loop keeps (every step, not just the sampled timeline). */
export interface StepStats {
  steps: number;
  batchSum: number;
  batchMax: number;
  kvUseSum: number;
  kvUseMax: number;
}

export function summarize(records: RequestRecord[], stats: StepStats, slo: Slo, extra: { areaInSystem: number; preemptions: number }): ServeSummary {
  const n = records.length;
  let makespanS = 0;
  let lastArrival = 0;
  let out = 0;
  let inp = 0;
  let energyJ = 0;
  let cached = 0;
  let good = 0;
  for (const r of records) {
    makespanS = Math.max(makespanS, r.finishS);
    lastArrival = Math.max(lastArrival, r.arrivalS);
    out += r.outputTokens;
    inp += r.promptTokens;
    energyJ += r.energyJ;
    cached += r.cachedTokens;
    if (meetsSlo(r, slo)) good++;
  }
  const W = records.reduce((s, r) => s + r.e2eS, 0) / n;
  const lambda = n / makespanS;
  const L = extra.areaInSystem / makespanS;
  const tpots = records.filter((r) => r.outputTokens > 1).map((r) => r.tpotS);
  return {
    requests: n,
    makespanS,
    offeredRate: lastArrival > 0 ? n / lastArrival : Infinity,
    requestsPerSecond: n / makespanS,
    outputTokensPerSecond: out / makespanS,
    inputTokensPerSecond: inp / makespanS,
    ttftS: dist(records.map((r) => r.ttftS)),
    tpotS: dist(tpots.length ? tpots : [0]),
    e2eS: dist(records.map((r) => r.e2eS)),
    queueS: dist(records.map((r) => r.queueS)),
    slo,
    goodputRps: good / makespanS,
    sloAttainment: good / n,
    energyJ,
    energyPerRequestJ: energyJ / n,
    energyPerOutputTokenJ: energyJ / out,
    preemptions: extra.preemptions,
    cachedPromptTokens: cached,
    steps: stats.steps,
    batch: { mean: stats.steps ? stats.batchSum / stats.steps : 0, max: stats.batchMax },
    kvUse: { mean: stats.steps ? stats.kvUseSum / stats.steps : 0, max: stats.kvUseMax },
    little: { L, lambda, W, relError: L > 0 ? Math.abs(L - lambda * W) / L : 0 },
  };
}

/** At most `limit` points, evenly strided (the first and last kept), for reports. */
export function downsample<T>(points: T[], limit: number): T[] {
  if (points.length <= limit) return points;
  const out: T[] = [];
  const stride = (points.length - 1) / (limit - 1);
  for (let i = 0; i < limit; i++) out.push(points[Math.round(i * stride)]!);
  return out;
}
