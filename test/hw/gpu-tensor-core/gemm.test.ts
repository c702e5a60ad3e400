import { describe, expect, it } from 'vitest';
import { gpuTensorCoreModel } from '../../../src/hw/gpu-tensor-core/model.ts';
import { gemmTiming } from '../../../src/hw/gpu-tensor-core/gemm.ts';
import { InfeasibleError } from '../../../src/util/errors.ts';
import { opFlops } from '../../../src/workload/ops.ts';
import { a100, bf16, fixedClock, fp8, gemm, h100, w16, w4 } from './fixtures.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { makeArch } from '../../helpers.ts';
import type { GpuArchConfig } from '../../../src/hw/gpu-tensor-core/model.ts';

const sim = gpuTensorCoreModel.simulate.bind(gpuTensorCoreModel);

describe('GEMM through tiles and waves', () => {
  it('counts tiles, CTAs and waves of the chosen plan exactly', () => {
    const t = gemmTiming(gemm(4096, 4096, 4096), h100(), bf16, 'cold');
    const { tile, splits } = t.plan;
    const tiles = Math.ceil(4096 / tile.m) * Math.ceil(4096 / tile.n);
    expect(t.plan.ctas).toBe(tiles * splits);
    expect(t.plan.waves).toBe(Math.ceil(t.plan.ctas / (132 * t.plan.ctasPerSm)));
    expect(t.plan.waveEfficiency).toBeCloseTo(t.plan.ctas / (t.plan.waves * 132 * t.plan.ctasPerSm), 12);
    expect(t.bound).toBe('compute');
  });

  it('flops come from workload/ops.ts', () => {
    const op = gemm(512, 4096, 4096, { bias: true });
    expect(sim(op, h100(), bf16).flops).toBe(opFlops(op));
  });

  it('wave quantization: one more CTA-row past a full wave costs a whole extra wave of compute', () => {
    // Only the 128x128 tile, no split-K: M = 128·132 fills one wave of 132 SMs exactly.
    const arch = h100({ gpu: { tiles: [{ m: 128, n: 128, k: 64, stages: 4 }], splitK: { maxSplits: 1, minKPerSplit: 256 }, maxCtasPerSm: 1 } });
    const full = gemmTiming(gemm(128 * 132, 128, 8192), arch, bf16, 'cold');
    const over = gemmTiming(gemm(128 * 132 + 1, 128, 8192), arch, bf16, 'cold');
    expect(full.plan.waves).toBe(1);
    expect(over.plan.waves).toBe(2);
    expect(over.terms.compute / full.terms.compute).toBeCloseTo(2, 9);
  });

  it('splits K for a skinny GEMM whose tiles cannot fill the SMs', () => {
    const t = gemmTiming(gemm(1, 4096, 4096), a100(), w4, 'cold');
    expect(t.plan.splits).toBeGreaterThan(1);
    const noSplit = gemmTiming(gemm(1, 4096, 4096), a100({ gpu: { splitK: { maxSplits: 1, minKPerSplit: 256 } } }), w4, 'cold');
    expect(t.seconds).toBeLessThan(noSplit.seconds);
    // A large square GEMM has tiles to spare and does not split.
    expect(gemmTiming(gemm(8192, 8192, 8192), a100(), bf16, 'cold').plan.splits).toBe(1);
  });

  it('tileThatJustFits: a tile whose stages fill shared memory exactly is used; one byte less and it is infeasible', () => {
    const stageBytes = (128 * 64 + 64 * 128) * 2;
    const tiles = [{ m: 128, n: 128, k: 64, stages: 4 }];
    const fits = h100({ gpu: { tiles, sharedMemoryBytesPerSm: 4 * stageBytes } });
    expect(gemmTiming(gemm(4096, 4096, 4096), fits, bf16, 'cold').plan.ctasPerSm).toBe(1);
    const tooSmall = h100({ gpu: { tiles, sharedMemoryBytesPerSm: 4 * stageBytes - 1 } });
    expect(() => gemmTiming(gemm(4096, 4096, 4096), tooSmall, bf16, 'cold')).toThrow(InfeasibleError);
    expect(() => gemmTiming(gemm(4096, 4096, 4096), tooSmall, bf16, 'cold')).toThrow(/no CTA tile .* fits its 131071 B of shared memory/);
  });

  it('FP8 and INT8 run at their tensor-core rates: a compute-bound GEMM is ~2x faster in fp8 than bf16 on H100', () => {
    const b = sim(gemm(8192, 8192, 8192), h100(), bf16);
    const f = sim(gemm(8192, 8192, 8192), h100(), fp8);
    expect(f.dtype).toBe('fp8');
    expect(b.seconds / f.seconds).toBeGreaterThan(1.7);
    expect(b.seconds / f.seconds).toBeLessThan(2.05);
  });

  it('a dtype the device has no tensor rate for (nor a wider one) is infeasible, naming what it has', () => {
    const arch = h100();
    arch.gpu.tensorFmaPerClockPerSm = { fp16: 2048 };
    expect(() => sim(gemm(64, 64, 64), arch, { ...bf16, activations: { ...bf16.activations, computeDtype: 'tf32' } })).toThrow(
      /has no tensor-core rate for tf32 \(has fp16\)/,
    );
  });

  it('weight-only int4: decode is faster than fp16 (a quarter of the weight bytes), large-M prefill pays dequantization', () => {
    // at one clock: under the power limit the lighter mixed-input kernel may clock higher (power.test.ts)
    const h = fixedClock(h100());
    const dec16 = sim(gemm(1, 4096, 4096), h, w16);
    const dec4 = sim(gemm(1, 4096, 4096), h, w4);
    expect(dec4.seconds).toBeLessThan(dec16.seconds);
    expect(dec4.bytes['dram']!).toBeLessThan(0.35 * dec16.bytes['dram']!);
    const pre16 = sim(gemm(8192, 4096, 4096), h, w16);
    const pre4 = sim(gemm(8192, 4096, 4096), h, w4);
    expect(pre4.breakdown!['dequantS']).toBeGreaterThan(0);
    expect(pre16.breakdown!['dequantS']).toBe(0);
    expect(pre4.seconds).toBeGreaterThan(pre16.seconds);
  });

  it('fp8 on a GPU without FP8 tensor cores runs at fp16 with conversions (A100)', () => {
    const r = sim(gemm(4096, 4096, 4096), a100(), fp8);
    expect(r.dtype).toBe('fp16');
    expect(r.breakdown!['dequantS']).toBeGreaterThan(0);
  });

  it('fused qkv: k_proj and v_proj pay no launch and no input read', () => {
    const q = sim(gemm(8, 1024, 4096, { name: 'q_proj' }), h100(), bf16);
    const k = sim(gemm(8, 1024, 4096, { name: 'k_proj' }), h100(), bf16);
    expect(q.breakdown!['launchS']).toBeGreaterThan(0);
    expect(k.breakdown!['launchS']).toBe(0);
    expect(q.bytes['dram']! - k.bytes['dram']!).toBe(8 * 4096 * 2);
    const unfused = sim(gemm(8, 1024, 4096, { name: 'k_proj' }), h100({ gpu: { fusion: { fusedQkv: false } } }), bf16);
    expect(unfused.seconds).toBe(q.seconds);
  });

  it('energy comes from energy/: compute, on-chip and off-chip terms are positive and grow with the work', () => {
    // at one clock (the power-limited clock, and so the voltage, differs between the two shapes)
    const s = sim(gemm(1024, 4096, 4096), fixedClock(h100()), bf16).energyPj;
    const l = sim(gemm(2048, 4096, 4096), fixedClock(h100()), bf16).energyPj;
    for (const k of ['compute', 'onChip', 'offChip', 'static'] as const) expect(s[k]).toBeGreaterThan(0);
    expect(l.compute).toBeCloseTo(2 * s.compute, 6);
  });
});

describe('monotonicity', () => {
  const shapes: [number, number, number][] = [
    [1, 4096, 4096],
    [16, 11008, 4096],
    [256, 4096, 11008],
    [1000, 5000, 3000],
    [4096, 12288, 4096],
  ];

  it('more SMs never slow a GEMM (at one clock: under a fixed board limit more SMs may clock lower)', () => {
    for (const [m, n, k] of shapes) {
      let prev = Infinity;
      for (const sms of [8, 16, 33, 64, 100, 108, 132, 144, 200]) {
        const t = sim(gemm(m, n, k), fixedClock(h100({ gpu: { sms } })), bf16).seconds;
        expect(t, `${m}x${n}x${k} on ${sms} SMs`).toBeLessThanOrEqual(prev * (1 + 1e-12));
        prev = t;
      }
    }
  });

  it('larger M never makes a GEMM faster in total time', () => {
    for (const [, n, k] of shapes) {
      let prev = 0;
      for (const m of [1, 2, 7, 16, 63, 64, 65, 127, 128, 129, 255, 256, 500, 1024, 1025, 2048, 4096, 8191, 8192]) {
        const t = sim(gemm(m, n, k), h100(), bf16, { l2State: 'flushed' }).seconds;
        expect(t, `M=${m} N=${n} K=${k}`).toBeGreaterThanOrEqual(prev * (1 - 1e-12));
        prev = t;
      }
    }
  });

  it('sweep: no preset, scheme or L2 state lets a larger M run faster, more SMs or more bandwidth run slower', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const schemes = [bf16, fp8, w4, parseQuantScheme('w8a8'), parseQuantScheme('w1.58a8')];
    for (const arch of [h100(), a100(), makeArch<GpuArchConfig>('gpu/rtx-4090')]) {
      for (const q of schemes) {
        for (const l2State of ['cold', 'flushed']) {
          for (let t = 0; t < 3; t++) {
            const n = Math.ceil(rnd() * 16384);
            const k = Math.ceil(rnd() * 16384);
            let prev = 0;
            for (const m of [1, 3, 17, 64, 100, 129, 512, 1000, 5000]) {
              const s = sim(gemm(m, n, k), arch, q, { l2State }).seconds;
              expect(s, `${arch.name} ${q.name} ${l2State} M=${m} N=${n} K=${k}`).toBeGreaterThanOrEqual(prev * (1 - 1e-12));
              prev = s;
            }
            const m = Math.ceil(rnd() * 4096);
            let slower = Infinity;
            for (const sms of [4, 16, 64, 132, 256]) {
              const s = sim(gemm(m, n, k), { ...fixedClock(arch), gpu: { ...fixedClock(arch).gpu, sms } }, q, { l2State }).seconds;
              expect(s).toBeLessThanOrEqual(slower * (1 + 1e-12));
              slower = s;
            }
            slower = Infinity;
            for (const bandwidthBps of [0.1e12, 1e12, 4e12, 8e12]) {
              // at one clock: with more bandwidth a kernel can become power-limited and clock lower
              const s = sim(gemm(m, n, k), { ...fixedClock(arch), memory: { ...arch.memory, bandwidthBps } }, q, { l2State }).seconds;
              expect(s).toBeLessThanOrEqual(slower * (1 + 1e-12));
              slower = s;
            }
          }
        }
      }
    }
  });

  it('more bandwidth never slows a memory-bound op', () => {
    for (const [m, n, k] of shapes.slice(0, 3)) {
      let prev = Infinity;
      for (const bw of [0.5e12, 1e12, 2e12, 3.35e12, 5e12, 8e12]) {
        const r = sim(gemm(m, n, k), h100({ memory: { bandwidthBps: bw } }), bf16);
        expect(r.seconds).toBeLessThanOrEqual(prev);
        prev = r.seconds;
      }
    }
    expect(sim(gemm(1, 4096, 4096), h100({ memory: { bandwidthBps: 1e12 } }), bf16).bound).toBe('memory');
  });
});
