import { describe, expect, it } from 'vitest';
import { imma, mmaBlockScaled, mmaFloat, mmaScaledFloat, mmaWeightOnly, wrapSigned } from '../../src/numeric/datapaths/tensor-core.ts';
import { HBM_PIM, AIM_BF16, pimDatapath } from '../../src/numeric/datapaths/pim.ts';
import { lutFloatDatapath } from '../../src/numeric/datapaths/lut.ts';
import { makeCase } from '../../src/numeric/cases.ts';
import type { CheckCase } from '../../src/numeric/datapath.ts';

function caseOf(a: number[], w: number[], M: number, N: number, K: number): CheckCase {
  return { name: 'random', M, N, K, a: Float64Array.from(a), w: Float64Array.from(w) };
}

describe('tensor-core datapaths compute what the hardware computes', () => {
  it('fp32 accumulation rounds after every add: 1 + 2^-24 + 2^-24 stays 1 (ties to even)', () => {
    const c = caseOf([1, 2 ** -12, 2 ** -12], [1, 2 ** -12, 2 ** -12], 1, 1, 3);
    const o = mmaFloat('fp16').run(c);
    expect(o.computed[0]).toBe(1);
    expect(o.reference[0]).toBe(1 + 2 ** -23);
    expect(Math.abs(o.computed[0]! - o.reference[0]!)).toBeLessThanOrEqual(o.bound[0]!);
  });
  it('bf16 operands are rounded to bf16 before the product', () => {
    const o = mmaFloat('bf16').run(caseOf([1 + 2 ** -9], [1], 1, 1, 1));
    expect(o.computed[0]).toBe(1); // 1 + 2^-9 is below bf16 resolution (2^-7) → 1
  });
  it('weight-only int4: the dequantized weight is rounded to fp16, the reference is exact value·scale', () => {
    const c = makeCase('random', { M: 2, N: 4, K: 128 }, 9);
    const o = mmaWeightOnly('int4-g128', 'fp16').run(c);
    let differs = 0;
    for (let i = 0; i < o.computed.length; i++) {
      if (o.computed[i] !== o.reference[i]) differs++;
      expect(Math.abs(o.computed[i]! - o.reference[i]!)).toBeLessThanOrEqual(o.bound[i]!);
    }
    expect(differs).toBeGreaterThan(0);
  });
  it('FP8 per-row scales: each output is scaled by its own row and column scale', () => {
    // rows of very different magnitude: per-tensor scaling would flush row 1 to subnormals / zero
    const a = [1000, -500, 0.001, 0.002];
    const w = [1, 1];
    const pc = mmaScaledFloat('fp8-e4m3-pc', 'fp8-e4m3-pc').run(caseOf(a, w, 2, 1, 2));
    expect(pc.computed[1]).toBeCloseTo(0.003, 5);
    expect(pc.computed[0]).toBeCloseTo(500, 3);
    const pt = mmaScaledFloat('fp8-e4m3', 'fp8-e4m3').run(caseOf(a, w, 2, 1, 2));
    expect(pt.computed[1]).toBe(0);
  });
  it('int8 IMMA is exact and the int32 accumulator wraps', () => {
    const o = imma('int8', 'int8').run(makeCase('all-max', { M: 1, N: 1, K: 512 }, 1));
    expect(o.computed[0]).toBe(512 * 2 ** 14);
    expect(wrapSigned(2 ** 31, 32)).toBe(-(2 ** 31));
    expect(wrapSigned(-(2 ** 31) - 1, 32)).toBe(2 ** 31 - 1);
  });
  it('MXFP4 block-scaled MMA is exact when every block dot product is (E2M1 products on a 1/4 grid)', () => {
    const o = mmaBlockScaled('mxfp4', 'mxfp4').run(makeCase('random', { M: 2, N: 3, K: 64 }, 4));
    expect(Array.from(o.computed)).toEqual(Array.from(o.reference).map(Math.fround));
  });
});

describe('PIM bank units accumulate in their own precision', () => {
  it('fp16 lane accumulator: 2048 + 1 rounds back to 2048 (fp16 spacing 2 at 2048)', () => {
    const K = 32;
    const a = new Array(K).fill(0);
    a[0] = 2048;
    a[16] = 1; // same lane (k ≡ 0 mod 16) of the only bank
    const o = pimDatapath({ ...HBM_PIM, banks: 1 }).run(caseOf(a, new Array(K).fill(1), 1, 1, K));
    expect(o.reference[0]).toBe(2049);
    expect(o.computed[0]).toBe(2048);
    expect(Math.abs(o.computed[0]! - o.reference[0]!)).toBeLessThanOrEqual(o.bound[0]!);
  });
  it('the same sum split over two banks keeps the 1 (partials added in fp32)', () => {
    const K = 32;
    const a = new Array(K).fill(0);
    a[0] = 2048;
    a[16] = 1; // bank 1 now
    const o = pimDatapath({ ...HBM_PIM, banks: 2, lanes: 16 }).run(caseOf(a, new Array(K).fill(1), 1, 1, K));
    expect(o.computed[0]).toBe(2049);
  });
  it('an all-max case is scaled into the fp16 range and says so', () => {
    const o = pimDatapath(HBM_PIM).run(makeCase('all-max', { M: 1, N: 2, K: 256 }, 1));
    expect(o.note).toMatch(/scaled by 2\^-\d+/);
    expect(o.computed.every(Number.isFinite)).toBe(true);
    expect(pimDatapath(AIM_BF16).run(makeCase('all-max', { M: 1, N: 2, K: 256 }, 1)).note).toBeUndefined();
  });
});

describe('LUT with fp16 tables', () => {
  it('stays within its bound and differs from fp32 tables', () => {
    const c = makeCase('outliers', { M: 2, N: 4, K: 128 }, 2);
    const t16 = lutFloatDatapath('int4-g32', 'fp16').run(c);
    const t32 = lutFloatDatapath('int4-g32', 'fp32').run(c);
    for (let i = 0; i < t16.computed.length; i++) expect(Math.abs(t16.computed[i]! - t16.reference[i]!)).toBeLessThanOrEqual(t16.bound[i]!);
    expect(Array.from(t16.computed)).not.toEqual(Array.from(t32.computed));
  });
});

describe('fused tensor-core sums (alignment to the largest term, truncation, RZ)', async () => {
  const { fusedSum, fp32Rz, mmaFp8Fused, H100_FP8 } = await import('../../src/numeric/datapaths/tensor-core-fused.ts');
  const { mmaScaledFloat } = await import('../../src/numeric/datapaths/tensor-core.ts');
  it('fp32Rz truncates toward zero on both signs', () => {
    expect(fp32Rz(1 + 2 ** -24)).toBe(1);
    expect(fp32Rz(-1 - 2 ** -24)).toBe(-1);
    expect(fp32Rz(1 + 2 ** -23)).toBe(1 + 2 ** -23);
  });
  it('a term below the kept bits vanishes; at the last kept bit it stays (w = 24)', () => {
    expect(fusedSum([1, 2 ** -24, 2 ** -24], 3, 24)).toBe(1); // each truncated separately: no carry
    expect(fusedSum([1, 2 ** -23, 2 ** -23], 3, 24)).toBe(1 + 2 ** -22);
    expect(fusedSum([-1, -(2 ** -24)], 2, 24)).toBe(-1);
  });
  it('FP8 with 13-bit accumulation loses far more than the promoted fp32 path, within its stated bound', () => {
    const c = makeCase('all-max', { M: 1, N: 2, K: 512 }, 1);
    c.a.forEach((_, i) => (c.a[i] = 1 + (i % 7) / 8));
    const fused = mmaFp8Fused('fp8-e4m3', 'fp8-e4m3', H100_FP8).run(c);
    const full = mmaScaledFloat('fp8-e4m3', 'fp8-e4m3').run(c);
    const err = (o: typeof fused) => Math.abs(o.computed[0]! - o.reference[0]!) / Math.abs(o.reference[0]!);
    expect(err(fused)).toBeGreaterThan(100 * err(full));
    expect(Math.abs(fused.computed[0]! - fused.reference[0]!)).toBeLessThanOrEqual(fused.bound[0]!);
  });
});

describe('DSP58 INT8 vector mode', async () => {
  const { dsp58Int8x3 } = await import('../../src/numeric/datapaths/dsp48.ts');
  it('three products per DSP, exact, K not a multiple of 3', () => {
    const c = makeCase('outliers', { M: 2, N: 3, K: 20 }, 8);
    const o = dsp58Int8x3().run(c);
    expect(Array.from(o.computed)).toEqual(Array.from(o.reference));
  });
  it('wrapSigned keeps in-range values exact beyond 2^53-wide registers', () => {
    expect(wrapSigned(-5, 58)).toBe(-5);
    expect(wrapSigned(2 ** 47, 48)).toBe(-(2 ** 47));
  });
});
