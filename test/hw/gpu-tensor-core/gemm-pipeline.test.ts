/**
 * The load pipeline's depth bounds a CTA's k-loop (src/hw/gpu-tensor-core/gemm.ts `pipeline` term):
 * a k-step consumes the stage requested stages − 1 steps earlier, so one k-step takes at least
 * dramLatency / (stages − 1); the busiest SM runs its CTAs in rounds of ctasPerSm.
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
  it('a 4-stage pipeline at K = 11008: 172 k-steps of latency / 3, and it binds (latency-bound)', () => {
    const t = gemmTiming(gemm(32, 4096, 11008), arch(4), w8a8, 'flushed');
    expect(t.plan.ctas).toBe(64);
    expect(t.terms.pipeline).toBeCloseTo((172 * LAT) / 3, 15);
    expect(t.terms.pipeline).toBeGreaterThan(Math.max(t.terms.compute, t.terms.dram, t.terms.l2));
    expect(t.bound).toBe('latency');
    expect(t.seconds).toBeCloseTo(t.terms.launch + t.terms.fill + t.terms.pipeline + t.terms.epilogue, 15);
  });
  it('one stage more: the bound drops by (stages − 1) / stages, and bandwidth takes over', () => {
    const four = gemmTiming(gemm(32, 4096, 11008), arch(4), w8a8, 'flushed');
    const ten = gemmTiming(gemm(32, 4096, 11008), arch(10), w8a8, 'flushed');
    expect(gemmTiming(gemm(32, 4096, 11008), arch(5), w8a8, 'flushed').terms.pipeline / four.terms.pipeline).toBeCloseTo(3 / 4, 12);
    expect(ten.terms.pipeline).toBeCloseTo((172 * LAT) / 9, 15);
    expect(ten.bound).toBe('memory');
    expect(ten.seconds).toBeLessThan(four.seconds);
  });
  it('rounds: one CTA more than the SMs hold puts a second round on the busiest SM', () => {
    // 132 SMs x 1 resident CTA: N = 132 tiles of 64 columns fill one round; one more column adds a CTA.
    const full = gemmTiming(gemm(32, 132 * 64, 4096), arch(4), w8a8, 'flushed');
    const over = gemmTiming(gemm(32, 132 * 64 + 1, 4096), arch(4), w8a8, 'flushed');
    expect(full.plan.ctas).toBe(132);
    expect(over.plan.ctas).toBe(133);
    expect(over.terms.pipeline / full.terms.pipeline).toBeCloseTo(2, 12);
    // with two resident CTAs per SM both fit in one round
    expect(gemmTiming(gemm(32, 132 * 64 + 1, 4096), arch(4, 2), w8a8, 'flushed').terms.pipeline).toBeCloseTo(full.terms.pipeline, 15);
  });
});
