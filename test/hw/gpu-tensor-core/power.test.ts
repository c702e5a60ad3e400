/**
 * Board power and the power-limited clock (issue 19, src/hw/gpu-tensor-core/power.ts): a large
 * GEMM on the H100 draws its 700 W limit and runs below max boost, a small one runs at max boost;
 * the limit is exact (at the limit vs one watt over); a lower limit is never faster; timing and
 * energy use the same clock; the components are the documented ones.
 */
import { describe, expect, it } from 'vitest';
import { gpuTensorCoreModel, type GpuArchConfig } from '../../../src/hw/gpu-tensor-core/model.ts';
import { kernelPower, leakageExtraW, voltageAt, withClock } from '../../../src/hw/gpu-tensor-core/power.ts';
import { traceEnergySources } from '../../../src/energy/account.ts';
import { nodeEnergyScale, TABLE_VOLTAGE_V } from '../../../src/energy/scaling.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { run } from '../../../src/engine/run.ts';
import { buildFor } from '../../helpers.ts';
import { attention, bf16, fixedClock, gemm, h100, w16 } from './fixtures.ts';

const sim: typeof gpuTensorCoreModel.simulate = (op, c, q, o) => gpuTensorCoreModel.simulate(op, c, q, o);
const limited = (tdpW: number) => ({ ...h100(), power: { ...h100().power, tdpW } }) as GpuArchConfig;
const big = gemm(16384, 16384, 16384);

describe('H100 board power under GEMMs', () => {
  const arch = h100();
  const p = arch.gpu.power!;

  it('a 16384³ bf16 GEMM models 600–700 W (published: large GEMMs hold the H100 SXM at its 700 W limit)', () => {
    const r = sim(big, arch, bf16);
    const b = r.breakdown!;
    expect(b['powerW']).toBeGreaterThanOrEqual(600);
    expect(b['powerW']).toBeLessThanOrEqual(700);
    // the same figure from the energy the result carries
    const e = r.energyPj;
    expect(((e.compute + e.onChip + e.offChip + e.static) * 1e-12) / r.seconds).toBeCloseTo(b['powerW']!, 6);
    // without the added components (tables at one clock only) the same GEMM models well under half of it
    const bare = sim(big, fixedClock(arch), bf16).energyPj;
    expect(((bare.compute + bare.onChip + bare.offChip + bare.static) * 1e-12) / sim(big, fixedClock(arch), bf16).seconds).toBeLessThan(350);
  });

  it('a small GEMM runs at max boost; a large one below it, at the limit', () => {
    const small = sim(gemm(1, 4096, 4096), arch, bf16).breakdown!;
    expect(small['clockHz']).toBe(p.maxClockHz);
    expect(small['powerLimited']).toBe(0);
    expect(small['powerW']).toBeLessThan(700);
    const large = sim(big, arch, bf16);
    expect(large.breakdown!['clockHz']).toBeLessThan(p.maxClockHz);
    expect(large.breakdown!['clockHz']).toBeGreaterThan(1.7e9);
    expect(large.breakdown!['powerLimited']).toBe(1);
    expect(large.breakdown!['powerW']).toBeGreaterThan(699);
    expect(large.notes!.some((n) => /power-limited clock .* exceeds the 700 W board limit/.test(n))).toBe(true);
    expect(large.cycles).toBe(Math.ceil(large.seconds * large.breakdown!['clockHz']!));
  });

  it('timing and energy agree: the result is the kernel timed and charged at its power-limited clock', () => {
    const r = sim(big, arch, bf16);
    const f = r.breakdown!['clockHz']!;
    // the same kernel with f as the top of the DVFS range at f's voltage and no limit to meet
    const pinned = {
      ...arch,
      power: { ...arch.power, tdpW: 1e9 },
      gpu: { ...arch.gpu, power: { ...p, maxClockHz: f, maxVoltageV: voltageAt(p, f) } },
    } as GpuArchConfig;
    const atF = sim(big, pinned, bf16);
    expect(atF.breakdown!['clockHz']).toBe(f);
    expect(r.seconds).toBe(atF.seconds);
    expect(r.energyPj).toEqual(atF.energyPj);
    // and the timing is the fixed-clock model's at f
    expect(r.seconds).toBe(sim(big, fixedClock(withClock(arch, f)), bf16).seconds);
  });

  it('power exactly at the limit keeps max boost; one watt less of limit throttles and fits', () => {
    const op = gemm(4096, 4096, 4096);
    const free = sim(op, limited(1e6), bf16);
    const pTop = free.breakdown!['powerW']!;
    expect(free.breakdown!['clockHz']).toBe(p.maxClockHz);
    const at = sim(op, limited(pTop), bf16);
    expect(at.breakdown!['clockHz']).toBe(p.maxClockHz);
    expect(at.seconds).toBe(free.seconds);
    const over = sim(op, limited(pTop - 1), bf16);
    expect(over.breakdown!['clockHz']).toBeLessThan(p.maxClockHz);
    expect(over.breakdown!['powerW']).toBeLessThanOrEqual(pTop - 1);
    expect(over.breakdown!['powerW']).toBeGreaterThan(pTop - 2);
    expect(over.seconds).toBeGreaterThan(free.seconds);
  });

  it('a lower board limit is never faster (GEMMs of every size, attention)', () => {
    const ops = [gemm(1, 4096, 4096), gemm(256, 11008, 4096), gemm(1024, 4096, 4096), gemm(8192, 28672, 8192), attention()];
    for (const op of ops) {
      let prev = 0;
      for (const w of [2000, 900, 700, 600, 500, 400, 300]) {
        const r = sim(op, limited(w), bf16);
        expect(r.seconds, `${op.kind} ${JSON.stringify(op)} at ${w} W`).toBeGreaterThanOrEqual(prev);
        prev = r.seconds;
        if (r.breakdown!['powerLimited'] === 1 && !r.notes!.some((n) => /even at the lowest clock/.test(n)))
          expect(r.breakdown!['powerW']).toBeLessThanOrEqual(w);
      }
    }
  });

  it('a limit no clock can meet runs at the lowest clock and says so', () => {
    const r = sim(big, limited(100), bf16);
    expect(r.breakdown!['clockHz']).toBe(p.minClockHz);
    expect(r.breakdown!['powerW']).toBeGreaterThan(100);
    expect(r.notes!.some((n) => /over the 100 W board limit even at the lowest clock 1\.00 GHz/.test(n))).toBe(true);
  });

  it('fp16 GEMMs draw more than bf16 (wider multiplier) and so clock lower at the limit', () => {
    const f16 = sim(big, arch, parseQuantScheme('fp16')).breakdown!['clockHz']!;
    const b16 = sim(big, arch, bf16).breakdown!['clockHz']!;
    expect(f16).toBeLessThan(b16);
  });
});

describe('the power components', () => {
  const arch = h100();
  const p = arch.gpu.power!;

  it('voltage is linear in clock between the DVFS end points, clamped outside', () => {
    expect(voltageAt(p, p.minClockHz)).toBe(p.minVoltageV);
    expect(voltageAt(p, p.maxClockHz)).toBe(p.maxVoltageV);
    expect(voltageAt(p, (p.minClockHz + p.maxClockHz) / 2)).toBeCloseTo((p.minVoltageV + p.maxVoltageV) / 2, 12);
    expect(voltageAt(p, 0)).toBe(p.minVoltageV);
    expect(voltageAt(p, 1e12)).toBe(p.maxVoltageV);
  });

  it('leakage at the junction temperature adds 2^((Tj − Tref)/d) − 2^((Tidle − Tref)/d) of the per-SM figure', () => {
    const l = p.leakage;
    const want = 132 * l.wattsPerSm * (2 ** ((l.junctionTempC - l.referenceTempC) / l.doublingC) - 2 ** ((l.idleTempC - l.referenceTempC) / l.doublingC));
    expect(leakageExtraW(arch, p)).toBeCloseTo(want, 12);
    expect(leakageExtraW(arch, { ...p, leakage: { ...l, junctionTempC: l.idleTempC } })).toBe(0);
    // a hotter die leaks more: doubling every doublingC
    const hot = leakageExtraW(arch, { ...p, leakage: { ...l, junctionTempC: l.junctionTempC + l.doublingC } });
    expect(hot + 132 * l.wattsPerSm * 2 ** ((l.idleTempC - l.referenceTempC) / l.doublingC)).toBeCloseTo(
      2 * (want + 132 * l.wattsPerSm * 2 ** ((l.idleTempC - l.referenceTempC) / l.doublingC)),
      9,
    );
  });

  it('kernelPower: dynamic energy × (V/V_table)², MMA delivery per MAC × operand bytes / 2, clock tree per active SM-cycle, DRAM unscaled', () => {
    const r = sim(gemm(4096, 4096, 4096), fixedClock(arch), bf16);
    const f = 1.5e9;
    const a = { result: r, activeSms: 100, issuedMacs: 1e12, operandBytes: 2 };
    const { energyPj, power } = kernelPower(arch, p, a, f);
    const s = (voltageAt(p, f) / TABLE_VOLTAGE_V) ** 2;
    const mma = 1e12 * p.mma.pjPerMac * nodeEnergyScale(p.mma.nodeNm, 5) * s;
    const smPj = 100 * p.activeSm.pjPerCycle * nodeEnergyScale(p.activeSm.nodeNm, 5) * s * f * r.seconds;
    expect(energyPj.compute).toBeCloseTo(r.energyPj.compute * s + mma, 0);
    expect(energyPj.onChip).toBeCloseTo(r.energyPj.onChip * s + smPj, 0);
    expect(energyPj.offChip).toBe(r.energyPj.offChip);
    expect(energyPj.static).toBeCloseTo(r.energyPj.static + leakageExtraW(arch, p) * r.seconds * 1e12, 0);
    expect(power.mmaW).toBeCloseTo((mma * 1e-12) / r.seconds, 6);
    // tf32 operands (4 bytes) deliver twice the bytes per MAC
    expect(kernelPower(arch, p, { ...a, operandBytes: 4 }, f).power.mmaW).toBeCloseTo(2 * power.mmaW, 6);
  });

  it('the register file is charged as a 64 KiB SRAM array, not a flip-flop register', () => {
    const { sources } = traceEnergySources(() => sim(gemm(1024, 4096, 4096), arch, bf16));
    expect(sources.map((s) => s.key)).toContain('memory:sram@65536B');
    expect(sources.map((s) => s.key)).not.toContain('memory:register');
  });

  it('a config without gpu.power runs every kernel at clockHz, unchanged, and says which clock', () => {
    const a = fixedClock(arch);
    const r = sim(big, a, bf16);
    expect(r.breakdown!['clockHz']).toBe(a.gpu.clockHz);
    expect(r.breakdown!['powerW']).toBeUndefined();
  });

  it('a whole Llama-2-7B prefill stays at or under the limit on average; the clock of each op is in the run', () => {
    const r = run(buildFor('llama-2-7b', { phase: 'prefill', batch: 8, seq: 1024 }), arch, w16, { ignoreCapacity: true });
    expect(r.totals.averagePowerW).toBeLessThanOrEqual(700);
    expect(r.totals.averagePowerW).toBeGreaterThan(400);
    const clocks = r.ops.map((o) => o.breakdown?.['clockHz']);
    expect(clocks.every((c) => typeof c === 'number' && c >= p.minClockHz && c <= p.maxClockHz)).toBe(true);
    expect(r.ops.some((o) => o.breakdown?.['powerLimited'] === 1)).toBe(true);
  });
});
