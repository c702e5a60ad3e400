/**
 * Thermal state per run (issue 19, src/hw/gpu-tensor-core/thermal.ts): the die temperature after a
 * heating history rises with the time and the power and saturates at the steady state; a hotter die
 * leaks more and so a power-limited kernel clocks lower (a kernel under the limit keeps its clock);
 * the fixed point of temperature and power converges; the H100 network's steady state at the limit
 * is the sustained junction temperature the runs without a history use; the schema rejects bad input.
 */
import { describe, expect, it } from 'vitest';
import { gpuTensorCoreModel } from '../../../src/hw/gpu-tensor-core/model.ts';
import { dieTempC, settleDieTemp, thermalImpedanceCPerW } from '../../../src/hw/gpu-tensor-core/thermal.ts';
import { leakageExtraW } from '../../../src/hw/gpu-tensor-core/power.ts';
import { gemmDieTemp, MEASURED_HEATED_CALLS } from '../../../src/compare/thermal-protocol.ts';
import { bf16, gemm, h100, powerSectionError } from './fixtures.ts';

const arch = h100();
const p = arch.gpu.power!;
const th = p.thermal!;
const idleW = arch.power!.idleW!;
const big = gemm(16384, 16384, 16384);

describe('thermal network', () => {
  it('Z(t) = Σ R·(1 − e^(−t/τ)): 0 at t = 0, one stage exact, saturating at ΣR', () => {
    expect(thermalImpedanceCPerW(th, 0)).toBe(0);
    const one = { stages: [{ name: 'x', resistanceCPerW: 0.1, timeConstantS: 2 }] };
    expect(thermalImpedanceCPerW(one, 2)).toBeCloseTo(0.1 * (1 - Math.exp(-1)), 12);
    const total = th.stages.reduce((s, x) => s + x.resistanceCPerW, 0);
    expect(thermalImpedanceCPerW(th, Infinity)).toBeCloseTo(total, 12);
    expect(thermalImpedanceCPerW(th, 1e6)).toBeCloseTo(total, 9);
  });

  it('a longer sustained run is hotter, never above the steady state; more power is hotter', () => {
    let last = -Infinity;
    for (const t of [1e-4, 1e-3, 0.01, 0.018, 0.1, 0.28, 1, 10, 100]) {
      const T = dieTempC(p, idleW, 700, t);
      expect(T).toBeGreaterThan(last);
      expect(T).toBeLessThan(dieTempC(p, idleW, 700, Infinity));
      last = T;
    }
    expect(dieTempC(p, idleW, 700, 0.1)).toBeGreaterThan(dieTempC(p, idleW, 500, 0.1));
    // the idle board stays at its idle temperature whatever the time
    expect(dieTempC(p, idleW, idleW, 100)).toBeCloseTo(p.leakage.idleTempC, 12);
  });

  it("the H100 network's steady state at the 700 W limit is the sustained junction temperature (runs without a history)", () => {
    expect(dieTempC(p, idleW, arch.power!.tdpW!, Infinity)).toBeCloseTo(p.leakage.junctionTempC, 2);
    // the fast stage (die and interface) settles in tens of ms; the heat sink takes tens of seconds
    const fast = th.stages[0]!;
    expect(fast.timeConstantS).toBeLessThan(0.1);
    expect(th.stages[1]!.timeConstantS).toBeGreaterThan(1);
  });

  it('without a thermal network every history gives the sustained junction temperature', () => {
    const { thermal: _t, ...bare } = p;
    expect(dieTempC(bare, idleW, 700, 0.001)).toBe(p.leakage.junctionTempC);
  });
});

describe('die temperature → leakage → clock', () => {
  it('a hotter die leaks more: extra leakage rises with temperature, none at or below idle', () => {
    expect(leakageExtraW(arch, p, p.leakage.idleTempC)).toBe(0);
    expect(leakageExtraW(arch, p, p.leakage.idleTempC - 10)).toBe(0);
    expect(leakageExtraW(arch, p, 60)).toBeLessThan(leakageExtraW(arch, p, 61));
    expect(leakageExtraW(arch, p)).toBe(leakageExtraW(arch, p, p.leakage.junctionTempC));
  });

  it('a power-limited GEMM clocks lower and runs longer on a hotter die; the breakdown says which temperature', () => {
    let lastClock = Infinity;
    let lastSeconds = 0;
    for (const T of [35, 55, 75, 95]) {
      const r = gpuTensorCoreModel.simulate(big, arch, bf16, { dieTempC: T });
      const b = r.breakdown!;
      expect(b['dieTempC']).toBe(T);
      expect(b['powerLimited']).toBe(1);
      expect(b['clockHz']!).toBeLessThan(lastClock);
      expect(r.seconds).toBeGreaterThan(lastSeconds);
      expect(b['powerW']!).toBeLessThanOrEqual(arch.power!.tdpW! + 1e-9);
      lastClock = b['clockHz']!;
      lastSeconds = r.seconds;
    }
    // no history = the sustained junction temperature, exactly
    const sustained = gpuTensorCoreModel.simulate(big, arch, bf16);
    expect(sustained.seconds).toBe(gpuTensorCoreModel.simulate(big, arch, bf16, { dieTempC: p.leakage.junctionTempC }).seconds);
  });

  it('a kernel under the limit keeps max boost whatever the die temperature (only its static energy moves)', () => {
    const small = gemm(1, 4096, 4096);
    const cool = gpuTensorCoreModel.simulate(small, arch, bf16, { dieTempC: 35 });
    const hot = gpuTensorCoreModel.simulate(small, arch, bf16, { dieTempC: 95 });
    expect(cool.breakdown!['clockHz']).toBe(p.maxClockHz);
    expect(hot.breakdown!['clockHz']).toBe(p.maxClockHz);
    expect(hot.seconds).toBe(cool.seconds);
    expect(hot.energyPj.static).toBeGreaterThan(cool.energyPj.static);
  });
});

describe('settled temperature of a repeated run', () => {
  it('converges to the fixed point T = T(P(T), calls × t(T)) and rises with the number of calls', () => {
    const opts = { l2State: 'flushed' };
    const t3 = gemmDieTemp(gpuTensorCoreModel, arch, big, bf16, opts, 3)!;
    const t15 = gemmDieTemp(gpuTensorCoreModel, arch, big, bf16, opts, 15)!;
    const t1e5 = gemmDieTemp(gpuTensorCoreModel, arch, big, bf16, opts, 1e5)!;
    expect(t3).toBeGreaterThan(p.leakage.idleTempC);
    expect(t15).toBeGreaterThan(t3);
    expect(t1e5).toBeGreaterThan(t15);
    // 1e5 calls of a ~5 ms kernel is minutes: the steady state at the limit, i.e. junctionTempC
    expect(t1e5).toBeCloseTo(p.leakage.junctionTempC, 0);
    // a fixed point: simulating at it gives it back
    const r = gpuTensorCoreModel.simulate(big, arch, bf16, { ...opts, dieTempC: t15 });
    const e = r.energyPj;
    const w = ((e.compute + e.onChip + e.offChip + e.static) * 1e-12) / r.seconds;
    expect(dieTempC(p, idleW, w, 15 * r.seconds)).toBeCloseTo(t15, 1);
  });

  it('settleDieTemp stops within its tolerance on a contracting map', () => {
    // P(T) = 600 + 2·(T − 35) W, 1 s runs heated 3 times
    const s = settleDieTemp(
      p,
      idleW,
      (T) => ({ seconds: 1, powerW: 600 + 2 * (T - 35) }),
      (sec) => 3 * sec,
    );
    const w = 600 + 2 * (s.tempC - 35);
    expect(dieTempC(p, idleW, w, 3)).toBeCloseTo(s.tempC, 1);
    expect(s.iterations).toBeLessThan(20);
  });

  it('the GEMM microbenchmark protocol heats 5 warm-up calls + the calls up to the median', () => {
    expect(MEASURED_HEATED_CALLS.gemm(20)).toBe(15);
    expect(MEASURED_HEATED_CALLS.gemm(8)).toBe(9);
  });
});

describe('schema', () => {
  it('a stage without a time constant, or with a negative resistance, is a one-line error naming the path', () => {
    const where = (stages: unknown): string => powerSectionError(arch, 'thermal', { stages });
    expect(where([{ name: 'die', resistanceCPerW: 0.02 }])).toMatch(/^x\.json: \/gpu\/power\/thermal\/stages\/0: .*timeConstantS/);
    expect(where([{ name: 'die', resistanceCPerW: -1, timeConstantS: 1 }])).toMatch(/^x\.json: \/gpu\/power\/thermal\/stages\/0\/resistanceCPerW: /);
    expect(where([])).toMatch(/^x\.json: \/gpu\/power\/thermal\/stages: /);
    expect(where([{ name: 'die', resistanceCPerW: 0.02, timeConstantS: 0.02 }])).toBe('accepted');
  });
});
