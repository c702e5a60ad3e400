/**
 * Power-limiter dynamics (issue 19, src/hw/gpu-tensor-core/limiter.ts, src/engine/power-history.ts):
 * the board limit held at every instant and a lower sustained limit on a running average of board
 * power — a run much shorter than the window is limited at tdpW, one much longer at
 * sustainedPowerFraction · tdpW, and between them the clock falls monotonically with the history;
 * with the fraction at 1 a history changes nothing; the engine times a run as its `powerHistory`
 * says (the bench fixed point, sustained, idle, a number of seconds); bad factors and flags are
 * one-line errors naming their path.
 */
import { describe, expect, it } from 'vitest';
import { gpuTensorCoreModel } from '../../../src/hw/gpu-tensor-core/model.ts';
import { allowedAveragePowerW, powerLimitCurve, sustainedLimitW } from '../../../src/hw/gpu-tensor-core/limiter.ts';
import { runLimitW } from '../../../src/hw/gpu-tensor-core/power.ts';
import { BENCH_REPETITIONS, settlePowerHistory } from '../../../src/engine/power-history.ts';
import { parsePowerHistory } from '../../../src/cli/power-history-option.ts';
import { evaluateGraph, evaluateOp, orThrow } from '../../../src/engine/evaluate.ts';
import { buildGraph } from '../../../src/workload/builders/decoder.ts';
import { loadModel, validateArch } from '../../../src/config/load.ts';
import type { AccelscopeError } from '../../../src/util/errors.ts';
import { a100, bf16, gemm, h100 } from './fixtures.ts';
import { cli, userError } from '../../helpers.ts';

const shipped = h100();
const idleW = shipped.power!.idleW!;
const tdpW = shipped.power!.tdpW!;
const fraction = shipped.calibration!['sustainedPowerFraction']!.value;
const tau = shipped.calibration!['powerLimitWindowSeconds']!.value;
const sustainedW = fraction * tdpW;
/** The H100 preset with the limiter's factors replaced. */
const withFactors = (f: number, windowSeconds = tau) =>
  h100({ calibration: { sustainedPowerFraction: { value: f, source: 'test' }, powerLimitWindowSeconds: { value: windowSeconds, source: 'test' } } });
const big = gemm(16384, 16384, 16384);

describe('allowed average power after a history', () => {
  it('the H100 preset sets a sustained limit under its board limit', () => {
    expect(fraction).toBeLessThan(1);
    expect(sustainedLimitW(shipped)).toBeCloseTo(sustainedW, 9);
  });

  it('is min(tdpW, idleW + (S − idleW)/(1 − e^(−t/τ))): exact at t = 3τ, tdpW at t = 0 and while the average allows more, S when sustained', () => {
    const at3 = idleW + (sustainedW - idleW) / (1 - Math.exp(-3));
    expect(at3).toBeLessThan(tdpW);
    expect(allowedAveragePowerW(shipped, 3 * tau)).toBeCloseTo(at3, 9);
    expect(allowedAveragePowerW(shipped, 0)).toBe(tdpW);
    expect(allowedAveragePowerW(shipped, tau / 10)).toBe(tdpW);
    expect(allowedAveragePowerW(shipped, Infinity)).toBe(sustainedW);
    expect(allowedAveragePowerW(shipped, 100 * tau)).toBeCloseTo(sustainedW, 9);
  });

  it('falls monotonically with the history, between the sustained and the board limit', () => {
    let last = Infinity;
    for (const t of [1e-4, 0.01, 0.03, 0.05, 0.1, 0.3, 1, 10]) {
      const w = allowedAveragePowerW(shipped, t)!;
      expect(w).toBeLessThanOrEqual(last);
      expect(w).toBeGreaterThanOrEqual(sustainedW);
      expect(w).toBeLessThanOrEqual(tdpW);
      last = w;
    }
    expect(last).toBeLessThan(tdpW);
  });

  it('a fraction of 1 (every preset but the H100 family) has no curve: the limit is tdpW after any history', () => {
    const one = withFactors(1);
    expect(powerLimitCurve(one)).toBeUndefined();
    expect(allowedAveragePowerW(one, 10)).toBe(tdpW);
    expect(runLimitW(one, 10)).toBe(tdpW);
    expect(powerLimitCurve(a100())).toBeUndefined();
    const a = gpuTensorCoreModel.simulate(big, one, bf16, { loadedSeconds: 10 });
    expect(a.seconds).toBe(gpuTensorCoreModel.simulate(big, one, bf16).seconds);
  });
});

describe('history → limit → clock', () => {
  it('no history: a 16384³ GEMM is limited at the board limit, as without a limiter', () => {
    const r = gpuTensorCoreModel.simulate(big, shipped, bf16);
    expect(r.breakdown!['powerLimited']).toBe(1);
    expect(r.breakdown!['powerW']!).toBeLessThanOrEqual(tdpW + 1e-6);
    expect(r.breakdown!['powerW']!).toBeGreaterThan(tdpW - 1);
    expect(r.seconds).toBe(gpuTensorCoreModel.simulate(big, withFactors(1), bf16).seconds);
  });

  it('sustained: at the sustained limit, a lower clock and a longer time', () => {
    const burst = gpuTensorCoreModel.simulate(big, shipped, bf16, { loadedSeconds: 0 });
    const long = gpuTensorCoreModel.simulate(big, shipped, bf16, { loadedSeconds: Infinity });
    expect(long.breakdown!['powerW']!).toBeLessThanOrEqual(sustainedW + 1e-6);
    expect(long.breakdown!['powerW']!).toBeGreaterThan(sustainedW - 1);
    expect(long.breakdown!['powerLimitW']).toBe(sustainedW);
    expect(long.breakdown!['clockHz']!).toBeLessThan(burst.breakdown!['clockHz']!);
    expect(long.seconds).toBeGreaterThan(burst.seconds);
    expect(long.notes!.join(' ')).toMatch(/sustained limit/);
  });

  it('between them the clock falls and the time grows with the history; the power stays under the allowed average', () => {
    let lastClock = Infinity;
    let lastSeconds = 0;
    for (const t of [0.01, 0.03, 0.05, 0.1, 0.3]) {
      const r = gpuTensorCoreModel.simulate(big, shipped, bf16, { loadedSeconds: t });
      const b = r.breakdown!;
      expect(b['clockHz']!).toBeLessThanOrEqual(lastClock);
      expect(r.seconds).toBeGreaterThanOrEqual(lastSeconds);
      expect(b['powerW']!).toBeLessThanOrEqual(runLimitW(shipped, t)! + 1e-6);
      lastClock = b['clockHz']!;
      lastSeconds = r.seconds;
    }
  });

  it('a GEMV under the sustained limit keeps its clock after any history', () => {
    const gemv = gemm(1, 4096, 4096);
    const a = gpuTensorCoreModel.simulate(gemv, shipped, bf16, { loadedSeconds: 0 });
    const b = gpuTensorCoreModel.simulate(gemv, shipped, bf16, { loadedSeconds: Infinity });
    expect(a.breakdown!['powerW']!).toBeLessThan(sustainedW);
    expect(b.seconds).toBe(a.seconds);
  });
});

describe('the engine times a run as its power history says', () => {
  const curve = powerLimitCurve(shipped)!;
  const spec = loadModel('workloads/models/llama-2-7b.json');
  const prefill = buildGraph(spec, { phase: 'prefill', batch: 1, seq: 512 });
  const decode = buildGraph(spec, { phase: 'decode', batch: 8, context: 512 });
  const seconds = (h: Parameters<typeof evaluateGraph>[3]) => orThrow(evaluateGraph(prefill, shipped, bf16, h)).run;

  it('bench: the fixed point history = repetitions × the step’s own time, slower than idle, faster than sustained', () => {
    const r = seconds({});
    const h = r.powerHistory!;
    expect(h.mode).toBe('bench');
    expect(h.repetitions).toBe(BENCH_REPETITIONS.prefillStep);
    expect(h.limited).toBe(true);
    expect(h.loadedSeconds!).toBeCloseTo(BENCH_REPETITIONS.prefillStep * r.totals.seconds, 6);
    expect(h.limitW).toBeCloseTo(curve.limitW(h.loadedSeconds!), 9);
    expect(h.iterations).toBeGreaterThan(1);
    expect(h.iterations).toBeLessThan(30);
    const idle = seconds({ powerHistory: 'idle' });
    const sustained = seconds({ powerHistory: 'sustained' });
    expect(idle.powerHistory).toMatchObject({ mode: 'idle', loadedSeconds: 0, limitW: tdpW, iterations: 1 });
    expect(sustained.powerHistory).toMatchObject({ mode: 'sustained', loadedSeconds: null, limitW: sustainedW });
    expect(r.totals.seconds).toBeGreaterThan(idle.totals.seconds);
    expect(r.totals.seconds).toBeLessThan(sustained.totals.seconds);
    // a given history is that history, once
    const given = seconds({ powerHistory: h.loadedSeconds! });
    expect(given.powerHistory).toMatchObject({ mode: 'seconds', loadedSeconds: h.loadedSeconds, iterations: 1 });
    expect(given.totals.seconds).toBeCloseTo(r.totals.seconds, 6);
  });

  it('a decode step (no kernel above the sustained limit) is one pass and the same under any history', () => {
    const r = orThrow(evaluateGraph(decode, shipped, bf16)).run;
    expect(r.powerHistory).toMatchObject({ mode: 'bench', repetitions: BENCH_REPETITIONS.decodeStep, limited: false, iterations: 1 });
    expect(orThrow(evaluateGraph(decode, shipped, bf16, { powerHistory: 'sustained' })).run.totals.seconds).toBe(r.totals.seconds);
  });

  it('a preset without a sustained limit records no history', () => {
    expect(orThrow(evaluateGraph(prefill, withFactors(1), bf16)).run.powerHistory).toBeUndefined();
  });

  it('an op alone is timed as a microbenchmark: 15 back-to-back calls', () => {
    const e = orThrow(evaluateOp(big, shipped, bf16));
    expect(e.powerHistory).toMatchObject({ mode: 'bench', repetitions: BENCH_REPETITIONS.op, limited: true });
    expect(e.powerHistory!.loadedSeconds!).toBeCloseTo(15 * e.result.seconds, 6);
    const idle = orThrow(evaluateOp(big, shipped, bf16, { powerHistory: 'idle' }));
    expect(e.result.seconds).toBeGreaterThan(idle.result.seconds);
  });

  it('settle: a run that never exceeds the sustained limit is not repeated', () => {
    let calls = 0;
    const s = settlePowerHistory(
      curve,
      'bench',
      3,
      (t) => ({ s: 1 + t * 0, calls: ++calls }),
      (r) => r.s,
      () => sustainedW - 1,
      () => false,
    );
    expect(calls).toBe(1);
    expect(s.use).toMatchObject({ loadedSeconds: 3, limited: false, iterations: 1 });
  });

  it('settle: above the sustained limit but under what its own short history allows, one pass; a long run is repeated to the fixed point', () => {
    const passes = (seconds: number) => {
      let calls = 0;
      const s = settlePowerHistory(
        curve,
        'bench',
        3,
        (t) => ({ s: seconds * (1 + Math.min(t, 1) * 0.01), calls: ++calls }),
        (r) => r.s,
        () => sustainedW + 90,
        () => false,
      );
      return { calls, t: s.use.loadedSeconds! };
    };
    // 1 ms × 3: the limit after 3 ms is still tdpW (> S + 90 W)
    expect(curve.limitW(0.003)).toBe(tdpW);
    expect(passes(0.001)).toEqual({ calls: 1, t: 0.003 });
    // 1 s × 3: the limit after 3 s is S, so the run is repeated until t = 3 × seconds(t)
    const long = passes(1);
    expect(long.calls).toBeGreaterThan(1);
    expect(long.t).toBeCloseTo(3 * 1.01, 5);
  });
});

describe('a system step is timed as one device is', () => {
  it('TP 1 on a DGX H100: a prefill above the sustained limit settles the same history, the same seconds (exact)', async () => {
    const w = ['--model', 'llama-2-7b', '--phase', 'prefill', '--batch', '4', '--seq', '512', '--stack', 'pytorch', '--json'];
    const one = await cli('simulate', '--arch', 'h100-sxm', ...w);
    const sys = await cli('simulate', '--system', 'dgx-h100', '--tp', '1', ...w);
    const idle = await cli('simulate', '--system', 'dgx-h100', '--tp', '1', ...w, '--power-history', 'idle');
    expect([one.code, sys.code, idle.code]).toEqual([0, 0, 0]);
    type Doc = { totals: { seconds: number }; powerHistory: { mode: string; limited: boolean; loadedSeconds: number } };
    const [a, b, c] = [one, sys, idle].map((r) => JSON.parse(r.stdout) as Doc);
    expect(a!.powerHistory).toMatchObject({ mode: 'bench', limited: true });
    expect(b!.powerHistory).toEqual(a!.powerHistory);
    expect(b!.totals.seconds).toBe(a!.totals.seconds);
    expect(c!.totals.seconds).toBeLessThan(b!.totals.seconds);
  });
});

describe('bad input', () => {
  it('--power-history takes bench, sustained, idle or seconds ≥ 0', () => {
    expect(parsePowerHistory(undefined)).toBe('bench');
    expect(parsePowerHistory('sustained')).toBe('sustained');
    expect(parsePowerHistory('0.25')).toBe(0.25);
    expect(parsePowerHistory(0)).toBe(0);
    for (const bad of ['-1', 'hot', '', 'Infinity'])
      expect(userError(() => parsePowerHistory(bad)).message).toMatch(/--power-history must be bench, sustained, idle or a number of seconds ≥ 0/);
  });

  it('a fraction above 1 or a window of 0 s is a one-line error naming the path', () => {
    const where = (name: string, value: number): AccelscopeError => {
      const c = structuredClone(shipped) as unknown as { calibration: Record<string, { value: number }> };
      c.calibration[name]!.value = value;
      return userError(() => validateArch(c, 'x.json'));
    };
    expect(where('sustainedPowerFraction', 1.2).pointer).toBe('/calibration/sustainedPowerFraction/value');
    expect(where('sustainedPowerFraction', 0).pointer).toBe('/calibration/sustainedPowerFraction/value');
    expect(where('powerLimitWindowSeconds', 0).pointer).toBe('/calibration/powerLimitWindowSeconds/value');
    expect(() => validateArch(structuredClone(shipped), 'x.json')).not.toThrow();
  });

  it('the CLI refuses a bad --power-history in one line and shows the history it used', async () => {
    const prefill = ['simulate', '--model', 'llama-2-7b', '--arch', 'h100-sxm', '--phase', 'prefill', '--seq', '512'];
    const bad = await cli(...prefill, '--power-history', 'warm');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--power-history must be/);
    const ok = await cli(...prefill, '--json');
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { powerHistory: { mode: string } }).powerHistory.mode).toBe('bench');
    const text = await cli(...prefill, '--power-history', 'sustained');
    expect(text.stdout).toMatch(/^power history +sustained load → power limit 560 W \(sustained 560 W\) \(--power-history\)$/m);
  });
});
