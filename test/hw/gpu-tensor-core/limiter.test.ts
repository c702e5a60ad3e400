/**
 * Power-limiter dynamics (issue 19, src/hw/gpu-tensor-core/limiter.ts): the limit held on a running
 * average of board power — a burst much shorter than the window runs at the top clock above the
 * board limit, a history much longer than it settles at the limit, and in between the clock falls
 * monotonically with the history; without a `gpu.power.limiter` (every shipped preset) a history
 * changes nothing; the repeated-run fixed point; the schema rejects bad input with its JSON path.
 */
import { describe, expect, it } from 'vitest';
import { gpuTensorCoreModel } from '../../../src/hw/gpu-tensor-core/model.ts';
import { allowedAveragePowerW, settleLoadedSeconds } from '../../../src/hw/gpu-tensor-core/limiter.ts';
import { runLimitW } from '../../../src/hw/gpu-tensor-core/power.ts';
import { validateArch } from '../../../src/config/load.ts';
import type { GpuArchConfig } from '../../../src/hw/gpu-tensor-core/model.ts';
import type { AccelscopeError } from '../../../src/util/errors.ts';
import { bf16, gemm, h100, powerSectionError } from './fixtures.ts';

const shipped = h100();
const windowSeconds = 0.05;
/** The H100 preset with a limiter window (no shipped preset has one: the window is not published for it). */
const windowed = { ...shipped, gpu: { ...shipped.gpu, power: { ...shipped.gpu.power!, limiter: { windowSeconds, source: 'test' } } } } as GpuArchConfig;
const p = windowed.gpu.power!;
const idleW = shipped.power!.idleW!;
const tdpW = shipped.power!.tdpW!;
const big = gemm(16384, 16384, 16384);

describe('allowed average power after a history', () => {
  it('is idleW + (tdpW − idleW)/(1 − e^(−t/τ)): exact at t = τ, unbounded at t = 0, the limit when sustained', () => {
    expect(allowedAveragePowerW(p.limiter!, idleW, tdpW, windowSeconds)).toBeCloseTo(70 + 630 / (1 - Math.exp(-1)), 9);
    expect(allowedAveragePowerW(p.limiter!, idleW, tdpW, 0)).toBe(Infinity);
    expect(allowedAveragePowerW(p.limiter!, idleW, tdpW, Infinity)).toBe(tdpW);
    expect(allowedAveragePowerW(p.limiter!, idleW, tdpW, 100 * windowSeconds)).toBeCloseTo(tdpW, 9);
  });

  it('never falls below the board limit and falls monotonically with the history', () => {
    let last = Infinity;
    for (const t of [1e-4, 1e-3, 0.01, 0.05, 0.1, 0.3, 1, 10]) {
      const w = allowedAveragePowerW(p.limiter!, idleW, tdpW, t);
      expect(w).toBeLessThan(last);
      expect(w).toBeGreaterThanOrEqual(tdpW);
      last = w;
    }
  });
});

describe('history → limit → clock', () => {
  it('a burst much shorter than the window runs a 16384³ GEMM at the top clock, above the board limit', () => {
    const r = gpuTensorCoreModel.simulate(big, windowed, bf16, { loadedSeconds: 1e-4 });
    expect(r.breakdown!['clockHz']).toBe(p.maxClockHz);
    expect(r.breakdown!['powerLimited']).toBe(0);
    expect(r.breakdown!['powerW']!).toBeGreaterThan(tdpW);
  });

  it('a history much longer than the window settles at the sustained limited clock, exactly', () => {
    const sustained = gpuTensorCoreModel.simulate(big, shipped, bf16);
    const long = gpuTensorCoreModel.simulate(big, windowed, bf16, { loadedSeconds: 100 * windowSeconds });
    expect(long.breakdown!['clockHz']).toBeCloseTo(sustained.breakdown!['clockHz']!, -3);
    expect(long.seconds).toBeCloseTo(sustained.seconds, 9);
    expect(long.breakdown!['powerW']!).toBeLessThanOrEqual(tdpW + 1e-6);
  });

  it('between them the clock falls and the time grows with the history; the power stays under the allowed average', () => {
    let lastClock = Infinity;
    let lastSeconds = 0;
    for (const t of [0.01, 0.03, 0.05, 0.1, 0.3]) {
      const r = gpuTensorCoreModel.simulate(big, windowed, bf16, { loadedSeconds: t });
      const b = r.breakdown!;
      expect(b['clockHz']!).toBeLessThanOrEqual(lastClock);
      expect(r.seconds).toBeGreaterThanOrEqual(lastSeconds);
      expect(b['powerW']!).toBeLessThanOrEqual(runLimitW(windowed, t)! + 1e-6);
      if (b['powerLimited'] === 1) expect(b['powerLimitW']).toBe(runLimitW(windowed, t));
      lastClock = b['clockHz']!;
      lastSeconds = r.seconds;
    }
    expect(lastClock).toBeLessThan(p.maxClockHz);
  });

  it('without a limiter section (every shipped preset) a history changes nothing; a GEMV under the limit keeps max boost', () => {
    expect(shipped.gpu.power!.limiter).toBeUndefined();
    expect(runLimitW(shipped, 1e-4)).toBe(tdpW);
    const a = gpuTensorCoreModel.simulate(big, shipped, bf16, { loadedSeconds: 1e-4 });
    expect(a.seconds).toBe(gpuTensorCoreModel.simulate(big, shipped, bf16).seconds);
    const gemv = gemm(1, 4096, 4096);
    const g = gpuTensorCoreModel.simulate(gemv, windowed, bf16, { loadedSeconds: 10 });
    expect(g.breakdown!['clockHz']).toBe(p.maxClockHz);
    expect(g.seconds).toBe(gpuTensorCoreModel.simulate(gemv, windowed, bf16, { loadedSeconds: 1e-4 }).seconds);
  });
});

describe('burst limit (a short-term limit held at every instant)', () => {
  const burstW = 800;
  const twoLevel = { ...windowed, gpu: { ...windowed.gpu, power: { ...p, limiter: { windowSeconds, burstLimitW: burstW, source: 'test' } } } } as GpuArchConfig;

  it('caps the allowed average: a short history runs at the burst limit, a long one at the board limit', () => {
    expect(allowedAveragePowerW(twoLevel.gpu.power!.limiter!, idleW, tdpW, 0)).toBe(burstW);
    expect(allowedAveragePowerW(twoLevel.gpu.power!.limiter!, idleW, tdpW, 1e-4)).toBe(burstW);
    expect(allowedAveragePowerW(twoLevel.gpu.power!.limiter!, idleW, tdpW, 1)).toBeCloseTo(tdpW, 4);
    // between: the window's average, once it falls under the burst limit
    const t = 0.1;
    expect(allowedAveragePowerW(twoLevel.gpu.power!.limiter!, idleW, tdpW, t)).toBeCloseTo(idleW + (tdpW - idleW) / (1 - Math.exp(-t / windowSeconds)), 9);
  });

  it('a 16384³ GEMM in a short burst is power-limited at the burst limit: faster than sustained, slower than unlimited', () => {
    const burst = gpuTensorCoreModel.simulate(big, twoLevel, bf16, { loadedSeconds: 1e-4 });
    const free = gpuTensorCoreModel.simulate(big, windowed, bf16, { loadedSeconds: 1e-4 });
    const sustained = gpuTensorCoreModel.simulate(big, twoLevel, bf16, { loadedSeconds: 10 });
    expect(burst.breakdown!['powerLimited']).toBe(1);
    expect(burst.breakdown!['powerW']!).toBeLessThanOrEqual(burstW + 1e-6);
    expect(burst.breakdown!['powerW']!).toBeGreaterThan(burstW - 1);
    expect(burst.seconds).toBeGreaterThan(free.seconds);
    expect(burst.seconds).toBeLessThan(sustained.seconds);
  });

  it('a burst limit under the board limit is refused with its path', () => {
    const c = structuredClone(shipped) as unknown as { gpu: { power: { limiter: unknown } } };
    c.gpu.power.limiter = { windowSeconds: 0.05, burstLimitW: 600, source: 's' };
    expect(() => validateArch(c, 'x.json')).toThrow(/must be at least power.tdpW \(700 W\), got 600/);
    try {
      validateArch(c, 'x.json');
    } catch (e) {
      expect((e as AccelscopeError).pointer).toBe('/gpu/power/limiter/burstLimitW');
      expect((e as AccelscopeError).file).toBe('x.json');
    }
  });
});

describe('settled history of a repeated run', () => {
  it('is the fixed point loaded = calls × t(loaded), and a longer protocol is a longer, slower history', () => {
    const runAt = (loadedSeconds: number) => gpuTensorCoreModel.simulate(big, windowed, bf16, { loadedSeconds }).seconds;
    const s3 = settleLoadedSeconds(runAt, (sec) => 3 * sec);
    const s15 = settleLoadedSeconds(runAt, (sec) => 15 * sec);
    expect(s3.loadedSeconds).toBeCloseTo(3 * runAt(s3.loadedSeconds), 6);
    expect(s15.loadedSeconds).toBeCloseTo(15 * runAt(s15.loadedSeconds), 6);
    expect(runAt(s15.loadedSeconds)).toBeGreaterThan(runAt(s3.loadedSeconds));
    expect(s15.iterations).toBeLessThan(30);
  });
});

describe('schema', () => {
  it('a window of 0 s or without a source is a one-line error naming the path', () => {
    const where = (limiter: unknown): string => powerSectionError(shipped, 'limiter', limiter);
    expect(where({ windowSeconds: 0, source: 's' })).toMatch(/^x\.json: \/gpu\/power\/limiter\/windowSeconds: /);
    expect(where({ windowSeconds: 0.05 })).toMatch(/^x\.json: \/gpu\/power\/limiter: .*source/);
    expect(where({ windowSeconds: 0.05, source: 's', extra: 1 })).toMatch(/^x\.json: \/gpu\/power\/limiter/);
    expect(where({ windowSeconds: 0.05, source: 's' })).toBe('accepted');
  });
});
