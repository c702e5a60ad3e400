/**
 * Sustained vs burst tensor-core work on the H100 (issue 19, power branch): what the shipped
 * measurements say about the power limiter, and the limiter candidate (gpu.power.limiter,
 * src/hw/gpu-tensor-core/limiter.ts) that would fit them — not shipped: its window has no H100
 * source. Prints figures only: `npm run bench -- gpu-power-window`.
 *
 * 1. fp16 and bf16 run the same tensor-core rate on Hopper: a measured time that differs between them
 *    at the same shape is the power-limited clock (fp16's wider multiplier draws more).
 * 2. The board limit each measured run would need for the model to match it, against how long the
 *    run had loaded the board when it was timed (its protocol, src/compare/thermal-protocol.ts).
 * 3. The candidate limiter: a short-term limit where the short runs sit, a sustained limit where the
 *    long ones do, a window between them — and its errors on every shipped H100 measurement.
 */
import { readFileSync } from 'node:fs';
import { loadArch, loadModel } from '../src/config/load.ts';
import { loadStack } from '../src/config/load-stack.ts';
import { resolveShippedName } from '../src/catalog/resolve-name.ts';
import { run } from '../src/engine/run.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { parseQuantScheme } from '../src/quant/scheme.ts';
import { opQuantScheme } from '../src/cli/commands/op.ts';
import { gpuTensorCoreModel, type GpuArchConfig } from '../src/hw/gpu-tensor-core/model.ts';
import { errorStats, gemmOp, type ErrorRow, type GemmPoint, type StepPoint } from '../src/compare/stack-fidelity.ts';
import { MEASURED_HEATED_CALLS } from '../src/compare/thermal-protocol.ts';
import { settleLoadedSeconds } from '../src/hw/gpu-tensor-core/limiter.ts';
import type { SimOptions } from '../src/hw/model.ts';

const json = <T>(rel: string): T => JSON.parse(readFileSync(new URL(`../${rel}`, import.meta.url), 'utf8')) as T;
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
const ms = (s: number) => `${(1e3 * s).toFixed(0)} ms`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};

/** The H100 preset with another board limit (model watts) and, optionally, a limiter. */
function variant(h100: GpuArchConfig, tdpW: number, limiter?: { windowSeconds: number; burstLimitW: number }): GpuArchConfig {
  const power = limiter ? { ...h100.gpu.power!, limiter: { ...limiter, source: 'candidate (bench/gpu-power-window.bench.ts), not shipped' } } : h100.gpu.power!;
  return { ...h100, power: { ...h100.power!, tdpW }, gpu: { ...h100.gpu, power } };
}

/** The limit (W) at which `secondsAt(limit)` equals `measuredS`, by bisection on [lo, hi]; NaN when the run is faster than measured even at hi or slower at lo. */
function limitFor(secondsAt: (limitW: number) => number, measuredS: number, lo = 350, hi = 1200): number {
  if (secondsAt(hi) > measuredS || secondsAt(lo) < measuredS) return NaN;
  for (let i = 0; i < 30 && hi - lo > 0.5; i++) {
    const mid = (lo + hi) / 2;
    if (secondsAt(mid) > measuredS) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export default function bench(): void {
  const h100 = loadArch('arch-configs/gpu/h100-sxm.json') as GpuArchConfig;
  const tdpW = h100.power!.tdpW!;
  const idleW = h100.power!.idleW!;
  const pytorch = loadStack(resolveShippedName('stacks', 'pytorch', '--stack'));
  const gemmOpts: SimOptions = { l2State: 'flushed', stack: pytorch };

  // 1. fp16 vs bf16 at the same shape.
  const f16 = json<{ results: (GemmPoint & { reps: number })[] }>('data/measured/h100-gemm-llama2-7b-fp16-bf16.json').results;
  const pairs = new Map<string, { bf16?: GemmPoint & { reps: number }; fp16?: GemmPoint & { reps: number } }>();
  for (const pt of f16) {
    const k = `${pt.shape} M=${pt.M}`;
    const e = pairs.get(k) ?? {};
    if (pt.dtype === 'bf16' || pt.dtype === 'fp16') e[pt.dtype] = pt;
    pairs.set(k, e);
  }
  const big: number[] = [];
  const small: number[] = [];
  const modelBig: number[] = [];
  console.log('1. fp16 / bf16 time at the same shape (same tensor-core rate on Hopper; a difference is the power-limited clock)');
  for (const [k, e] of pairs) {
    if (!e.bf16 || !e.fp16) continue;
    const measured = e.fp16.median_s / e.bf16.median_s;
    const op = gemmOp(e.bf16.M, e.bf16.N, e.bf16.K);
    const a = gpuTensorCoreModel.simulate(op, h100, opQuantScheme('bf16'), gemmOpts);
    const b = gpuTensorCoreModel.simulate(op, h100, opQuantScheme('fp16'), gemmOpts);
    const limited = a.breakdown?.['powerLimited'] === 1;
    if (e.bf16.M <= 64) small.push(measured);
    if (e.bf16.M >= 1024) {
      big.push(measured);
      modelBig.push(b.seconds / a.seconds);
      console.log(
        `  ${k.padEnd(30)} measured ${measured.toFixed(3)}  model ${(b.seconds / a.seconds).toFixed(3)} (${limited ? `power-limited, bf16 ${((a.breakdown?.['clockHz'] ?? 0) / 1e6).toFixed(0)} / fp16 ${((b.breakdown?.['clockHz'] ?? 0) / 1e6).toFixed(0)} MHz` : 'under the limit'})  calls ${ms(a.seconds)}`,
      );
    }
  }
  console.log(
    `  median measured fp16/bf16: ${median(big).toFixed(3)} at M ≥ 1024 (${big.length} shapes; model ${median(modelBig).toFixed(3)}), ${median(small).toFixed(3)} at M ≤ 64 (${small.length}, memory-bound: the control)`,
  );
  console.log('  → the isolated microbenchmarks, ≤ 40 ms of GEMM calls each, already run at a power-limited clock.');

  // 2. The limit each measured run needs, against its history.
  interface Row {
    label: string;
    historyS: number;
    needW: number;
    error700: number;
  }
  const rows: Row[] = [];
  const bf = opQuantScheme('bf16');
  for (const pt of f16.filter((p) => p.dtype === 'bf16' && p.M >= 4096)) {
    const op = gemmOp(pt.M, pt.N, pt.K);
    const at = (w: number) => gpuTensorCoreModel.simulate(op, variant(h100, w), bf, gemmOpts).seconds;
    const s = at(tdpW);
    rows.push({
      label: `${pt.shape} M=${pt.M} bf16 GEMM`,
      historyS: MEASURED_HEATED_CALLS.gemm(pt.reps) * pt.median_s,
      needW: limitFor(at, pt.median_s),
      error700: s / pt.median_s - 1,
    });
  }
  const spec = loadModel('workloads/models/llama-2-7b.json');
  const bf16 = parseQuantScheme('bf16');
  const steps = json<{ results: StepPoint[] }>('data/measured/h100-llama2-7b-whole-steps.json').results;
  const prefillAt = (pt: StepPoint, arch: GpuArchConfig, o: SimOptions = {}) => {
    const g0 = buildGraph(spec, { phase: 'prefill', batch: pt.B, seq: pt.context });
    const g = { ...g0, ops: g0.ops.filter((op) => op.cls !== 'rotary') };
    return run(g, arch, bf16, { ignoreCapacity: true, stack: pytorch, totalsOnly: true, ...o }).totals.seconds;
  };
  for (const pt of steps) {
    const measured = pt.prefill_eager.median_s;
    const at = (w: number) => prefillAt(pt, variant(h100, w));
    rows.push({
      label: `llama-2-7b eager prefill B${pt.B} ${pt.context}`,
      historyS: MEASURED_HEATED_CALLS.prefillStep * measured,
      needW: limitFor(at, measured),
      error700: at(tdpW) / measured - 1,
    });
  }
  // The issue's Llama-3-70B-sized projections (not in data/measured): 640–690 TFLOPS, calls of ~11 ms, 5 warm-up + 4 of 8 timed.
  for (const [m, n, k] of [
    [16384, 28672, 8192],
    [16384, 8192, 28672],
  ] as const) {
    const op = gemmOp(m, n, k);
    const flop = 2 * m * n * k;
    const at = (w: number) => gpuTensorCoreModel.simulate(op, variant(h100, w), bf, gemmOpts).seconds;
    for (const tf of [640, 690]) {
      const measured = flop / (tf * 1e12);
      rows.push({
        label: `${m}x${n}x${k} bf16 at ${tf} TFLOPS (issue)`,
        historyS: MEASURED_HEATED_CALLS.gemm(8) * measured,
        needW: limitFor(at, measured),
        error700: at(tdpW) / measured - 1,
      });
    }
  }
  rows.sort((a, b) => a.historyS - b.historyS);
  console.log(`\n2. the board limit (model watts) at which the model matches each power-limited run, by its history (load before the median timed call)`);
  for (const r of rows)
    console.log(
      `  ${r.label.padEnd(44)} history ${ms(r.historyS).padStart(7)}  error at ${tdpW} W ${pct(r.error700).padStart(7)}  needs ${Number.isFinite(r.needW) ? `${r.needW.toFixed(0)} W` : '—'}`,
    );
  const short = rows.filter((r) => r.historyS < 0.05 && Number.isFinite(r.needW));
  const long = rows.filter((r) => r.historyS >= 0.1 && Number.isFinite(r.needW));
  const shortW = median(short.map((r) => r.needW));
  const longW = median(long.map((r) => r.needW));
  console.log(
    `  median need: ${shortW.toFixed(0)} W over ${short.length} runs with < 50 ms of history, ${longW.toFixed(0)} W over ${long.length} runs with ≥ 100 ms`,
  );

  // 3. The candidate: burst limit where the short runs sit, sustained limit where the long ones do.
  // From shipped data only: the sustained limit is the B8 prefill's need (the longest shipped history);
  // the issue's Llama-3-70B figures and the B1 prefill are checks.
  const b8 = rows.find((r) => r.label.startsWith('llama-2-7b eager prefill B8'))!;
  const burstW = tdpW;
  const sustainedW = Math.round(b8.needW);
  const burstRuns = rows.filter((r) => r.label.endsWith('GEMM') && Number.isFinite(r.needW));
  const tShort = Math.max(...burstRuns.map((r) => r.historyS));
  const tLong = b8.historyS;
  // allowed(t) = idle + (L − idle)/(1 − e^(−t/τ)) ≥ burst ⇔ τ ≥ t / ln((burst − idle)/(burst − L));
  // allowed(t) ≤ 1.01·L ⇔ τ ≤ t / ln((1.01·L − idle)/(0.01·L)); a run that needs W between: τ = t / ln((W − idle)/(W − L)).
  const tauFor = (t: number, w: number) => t / Math.log((w - idleW) / (w - sustainedW));
  const tauMin = tauFor(tShort, burstW);
  const tauMax = tauFor(tLong, 1.01 * sustainedW);
  console.log(
    `\n3. candidate (NOT shipped): burst limit ${burstW} W (the isolated GEMMs' anchor), sustained ${sustainedW} W (the B8 prefill's need, the longest shipped history), model watts; window τ ≥ ${(1e3 * tauMin).toFixed(1)} ms (the isolated GEMMs, ≤ ${ms(tShort)} of history, at the burst limit) and ≤ ${(1e3 * tauMax).toFixed(1)} ms (the ${ms(tLong)} B8 prefill within 1% of the sustained limit)`,
  );
  for (const r of rows.filter((x) => !x.label.endsWith('GEMM') && x !== b8 && Number.isFinite(x.needW) && x.needW > sustainedW && x.needW < burstW))
    console.log(`  check: ${r.label} (${ms(r.historyS)}, needs ${r.needW.toFixed(0)} W) implies τ = ${(1e3 * tauFor(r.historyS, r.needW)).toFixed(1)} ms`);
  const e = gpuTensorCoreModel.simulate(gemmOp(16384, 16384, 16384), h100, bf, gemmOpts);
  const en = e.energyPj;
  const fixedW = idleW + (e.breakdown?.['leakageExtraW'] ?? 0) + (en.offChip * 1e-12) / e.seconds;
  const k = (tdpW - fixedW) / (sustainedW - fixedW);
  console.log(
    `  in board watts (16384³ bf16: ${fixedW.toFixed(0)} W of idle, DRAM and leakage that do not scale): either the board holds ${((100 * sustainedW) / burstW).toFixed(0)}% of a ${tdpW} W short-term limit when sustained, or its dynamic energy is ${k.toFixed(2)}× the modeled (${tdpW} W sustained) with a ~${(fixedW + k * (burstW - fixedW)).toFixed(0)} W short-term limit`,
  );
  if (!(tauMin <= tauMax)) {
    console.log('  no window satisfies both: the candidate does not fit');
    return;
  }
  const tau = Math.sqrt(tauMin * tauMax);
  const cand = variant(h100, sustainedW, { windowSeconds: tau, burstLimitW: burstW });
  const table: ErrorRow[] = [];
  const shipped: ErrorRow[] = [];
  const all = [...f16, ...json<{ results: (GemmPoint & { reps: number })[] }>('data/measured/h100-gemm-llama2-7b-int8-tf32.json').results];
  for (const pt of all) {
    const op = gemmOp(pt.M, pt.N, pt.K);
    const q = opQuantScheme(pt.dtype);
    const calls = MEASURED_HEATED_CALLS.gemm(pt.reps);
    const runAt = (loadedSeconds: number) => gpuTensorCoreModel.simulate(op, cand, q, { ...gemmOpts, loadedSeconds }).seconds;
    const { loadedSeconds } = settleLoadedSeconds(runAt, (s) => calls * s);
    const label = `${pt.shape} M=${pt.M} ${pt.dtype}`;
    table.push({ label, measuredS: pt.median_s, modelS: runAt(loadedSeconds), error: runAt(loadedSeconds) / pt.median_s - 1 });
    const s0 = gpuTensorCoreModel.simulate(op, h100, q, gemmOpts).seconds;
    shipped.push({ label, measuredS: pt.median_s, modelS: s0, error: s0 / pt.median_s - 1 });
  }
  const a = errorStats(shipped);
  const b = errorStats(table);
  console.log(`  window τ = ${(1e3 * tau).toFixed(1)} ms (geometric mean of the bounds); every run at its protocol's history:`);
  console.log(`  GEMM table (${a.n} points): median |error| ${pct(a.median)} / p90 ${pct(a.p90)} shipped → ${pct(b.median)} / ${pct(b.p90)} candidate`);
  for (const pt of steps) {
    const measured = pt.prefill_eager.median_s;
    const { loadedSeconds } = settleLoadedSeconds(
      (t) => prefillAt(pt, cand, { loadedSeconds: t }),
      (s) => MEASURED_HEATED_CALLS.prefillStep * s,
    );
    console.log(
      `  prefill B${pt.B} ${pt.context}: history ${ms(loadedSeconds)}, error ${pct(prefillAt(pt, h100) / measured - 1)} shipped → ${pct(prefillAt(pt, cand, { loadedSeconds }) / measured - 1)} candidate`,
    );
  }
  for (const [m, n, kk] of [
    [16384, 28672, 8192],
    [16384, 8192, 28672],
  ] as const) {
    const op = gemmOp(m, n, kk);
    const runAt = (loadedSeconds: number) => gpuTensorCoreModel.simulate(op, cand, bf, { ...gemmOpts, loadedSeconds }).seconds;
    const { loadedSeconds } = settleLoadedSeconds(runAt, (s) => MEASURED_HEATED_CALLS.gemm(8) * s);
    const tf = (s: number) => ((2 * m * n * kk) / s / 1e12).toFixed(0);
    console.log(
      `  ${m}x${n}x${kk} bf16 (issue: 640–690 TFLOPS): ${tf(gpuTensorCoreModel.simulate(op, h100, bf, gemmOpts).seconds)} shipped → ${tf(runAt(loadedSeconds))} TFLOPS candidate (history ${ms(loadedSeconds)})`,
    );
  }
}
