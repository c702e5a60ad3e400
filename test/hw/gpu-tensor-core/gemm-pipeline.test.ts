/**
 * The load pipeline's depth bounds a CTA's k-loop (src/hw/gpu-tensor-core/gemm.ts `pipeline` term):
 * a k-step consumes the stage requested stages − 1 steps earlier, so the loop is a chain of
 * ⌈k-iterations / (stages − 1)⌉ DRAM round trips, the first of them in the fill term; the busiest
 * SM runs its CTAs in rounds of ctasPerSm.
 */
import { describe, expect, it } from 'vitest';
import { gemmTiming } from '../../../src/hw/gpu-tensor-core/gemm.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { gemm, h100 } from './fixtures.ts';

const w8a8 = parseQuantScheme('w8a8');
const LAT = 600e-9; // h100-sxm gpu.dramLatencySeconds
/** One 64x64x64 tile of `stages` stages, no split-K, `perSm` resident CTAs per SM. */
const arch = (stages: number, perSm = 1) =>
  h100({ gpu: { tiles: [{ m: 64, n: 64, k: 64, stages }], splitK: { maxSplits: 1, minKPerSplit: 256 }, maxCtasPerSm: perSm } });

describe('load-pipeline depth (Little’s law per CTA)', () => {
  it('a 4-stage pipeline at K = 11008: ⌈172 / 3⌉ = 58 round trips, 57 past the fill, and it binds (latency-bound)', () => {
    const t = gemmTiming(gemm(32, 4096, 11008), arch(4), w8a8, 'flushed');
    expect(t.plan.ctas).toBe(64);
    expect(t.terms.pipeline).toBeCloseTo(57 * LAT, 15);
    expect(t.terms.pipeline).toBeGreaterThan(Math.max(t.terms.compute, t.terms.dram, t.terms.l2));
    expect(t.bound).toBe('latency');
    expect(t.seconds).toBeCloseTo(t.terms.launch + t.terms.fill + t.terms.pipeline + t.terms.epilogue, 15);
  });
  it('deeper pipelines: 4 stages in flight take ⌈172 / 4⌉ = 43 trips, 9 take 20, and bandwidth takes over', () => {
    const four = gemmTiming(gemm(32, 4096, 11008), arch(4), w8a8, 'flushed');
    const ten = gemmTiming(gemm(32, 4096, 11008), arch(10), w8a8, 'flushed');
    expect(gemmTiming(gemm(32, 4096, 11008), arch(5), w8a8, 'flushed').terms.pipeline).toBeCloseTo(42 * LAT, 15);
    expect(ten.terms.pipeline).toBeCloseTo(19 * LAT, 15);
    expect(ten.bound).toBe('memory');
    expect(ten.seconds).toBeLessThan(four.seconds);
    // a K that is one k-step past a multiple of stages − 1 adds a whole round trip
    expect(gemmTiming(gemm(32, 4096, 64 * 3 * 10), arch(4), w8a8, 'flushed').terms.pipeline).toBeCloseTo(9 * LAT, 15);
    expect(gemmTiming(gemm(32, 4096, 64 * (3 * 10 + 1)), arch(4), w8a8, 'flushed').terms.pipeline).toBeCloseTo(10 * LAT, 15);
  });
  it('rounds: one CTA more than the SMs hold puts a second round on the busiest SM', () => {
    // 132 SMs x 1 resident CTA: N = 132 tiles of 64 columns fill one round; one more column adds a CTA.
    const full = gemmTiming(gemm(32, 132 * 64, 4096), arch(4), w8a8, 'flushed');
    const over = gemmTiming(gemm(32, 132 * 64 + 1, 4096), arch(4), w8a8, 'flushed');
    expect(full.plan.ctas).toBe(132);
    expect(over.plan.ctas).toBe(133);
    // K = 4096: 64 k-steps, ⌈64 / 3⌉ = 22 trips per CTA: 21 past the fill, then 22 more for the second round
    expect(full.terms.pipeline).toBeCloseTo(21 * LAT, 15);
    expect(over.terms.pipeline).toBeCloseTo(43 * LAT, 15);
    // with two resident CTAs per SM both fit in one round
    expect(gemmTiming(gemm(32, 132 * 64 + 1, 4096), arch(4, 2), w8a8, 'flushed').terms.pipeline).toBeCloseTo(full.terms.pipeline, 15);
  });
});
