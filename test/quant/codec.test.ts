import { describe, expect, it } from 'vitest';
import { dequantize, quantizeTensor } from '../../src/quant/codec.ts';
import { mustMinifloat } from '../../src/quant/minifloat.ts';
import { getFormat } from '../../src/quant/formats.ts';
import { mxScaleCode } from '../../src/quant/block.ts';
import { e8m0Decode, e8m0Encode } from '../../src/quant/e8m0.ts';

const fp16 = mustMinifloat('fp16');

describe('bitsPerElement counts scales and zero points', () => {
  it.each([
    ['int4-g128', 4.125],
    ['int4-g128-asym', 4 + 20 / 128],
    ['int4-g128-fp32', 4.25],
    ['int2-g64', 2.25],
    ['int8', 8],
    ['int8-pt', 8],
    ['mxfp4', 4.25],
    ['mxfp6-e3m2', 6.25],
    ['mxfp8-e4m3', 8.25],
    ['mxint8', 8.25],
    ['nvfp4', 4.5],
    ['fp8-e4m3', 8],
    ['ternary', 2],
    ['binary-g64', 1.25],
  ])('%s → %d', (name, bits) => expect(getFormat(name).bitsPerElement).toBe(bits));
  it('rejects int9, int1 and a zero group', () => {
    expect(() => getFormat('int9')).toThrow(/2 to 8 bits/);
    expect(() => getFormat('int1')).toThrow(/2 to 8 bits/);
    expect(() => getFormat('int4-g0')).toThrow(/positive integer/);
    expect(() => getFormat('fp7')).toThrow(/unknown number format 'fp7'/);
  });
});

describe('integer quantization', () => {
  it('symmetric int8 per tensor: scale = fp16(absmax/127), codes RNE', () => {
    const q = quantizeTensor('int8-pt', [0.3, -7, 1, 0], 1, 4);
    const s = fp16.round(7 / 127);
    expect(q.scales[0]).toBe(s);
    expect(Array.from(q.codes)).toEqual([Math.round(0.3 / s), -127, Math.round(1 / s), 0]);
  });
  it('group boundary: a group of 4 over 5 columns gives two scales per row', () => {
    const q = quantizeTensor('int4-g4', [1, 1, 1, 1, 7, 2, 2, 2, 2, 14], 2, 5);
    expect(q.groupsPerRow).toBe(2);
    expect(Array.from(q.scales)).toEqual([1 / 7, 1, 2 / 7, 2].map((v) => fp16.round(v)));
    expect(q.codes[4]).toBe(7);
  });
  it('a half-step value rounds to the even code', () => {
    // absmax 7 in int4 → scale 1 exactly; 2.5 → 2, 3.5 → 4, -0.5 → 0
    const q = quantizeTensor('int4-pt', [7, 2.5, 3.5, -0.5], 1, 4);
    expect(Array.from(q.codes)).toEqual([7, 2, 4, 0]);
  });
  it('asymmetric keeps zero exact and stores the zero point', () => {
    const q = quantizeTensor('int4-pt-asym', [0, 1.5, 3, 0.1], 1, 4);
    expect(q.zeros![0]).toBe(0);
    expect(q.scales[0]).toBe(fp16.round(3 / 15));
    const r = quantizeTensor('int4-pt-asym', [-1, 0, 2], 1, 3);
    const s = fp16.round(3 / 15);
    expect(r.zeros![0]).toBe(Math.round(1 / s));
    expect(dequantize(r)[1]).toBe(0);
  });
  it('bf16 and fp32 scales are rounded to their format', () => {
    expect(quantizeTensor('int8-pt-bf16', [0.3], 1, 1).scales[0]).toBe(mustMinifloat('bf16').round(0.3 / 127));
    expect(quantizeTensor('int8-pt-fp32', [0.3], 1, 1).scales[0]).toBe(Math.fround(0.3 / 127));
  });
  it('dequantized error is at most half a step per element', () => {
    const x = Array.from({ length: 256 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 7)));
    const q = quantizeTensor('int4-g128', x, 2, 128);
    const d = dequantize(q);
    for (let i = 0; i < x.length; i++) expect(Math.abs(d[i]! - x[i]!)).toBeLessThanOrEqual(q.scales[Math.floor(i / 128)]! / 2 + 1e-12);
  });
  it('an all-zero group has a zero scale and zero codes; NaN is an error', () => {
    const q = quantizeTensor('int4-g2', [0, 0, 1, -1], 1, 4);
    expect(q.scales[0]).toBe(0);
    const s = fp16.round(1 / 7);
    expect(Array.from(dequantize(q))).toEqual([0, 0, 7 * s, -7 * s]);
    expect(() => quantizeTensor('int8', [NaN], 1, 1)).toThrow(/no NaN/);
  });
});

describe('MX block scale selection (OCP MX v1.0 §6.3)', () => {
  it('X = 2^(floor(log2 amax) − emax_elem)', () => {
    expect(e8m0Decode(mxScaleCode(6, 'fp4-e2m1'))).toBe(1); // emax(E2M1) = 2
    expect(e8m0Decode(mxScaleCode(7.99, 'fp4-e2m1'))).toBe(1);
    expect(e8m0Decode(mxScaleCode(8, 'fp4-e2m1'))).toBe(2);
    expect(e8m0Decode(mxScaleCode(448, 'fp8-e4m3'))).toBe(1); // emax(E4M3) = 8
    expect(e8m0Decode(mxScaleCode(57344, 'fp8-e5m2'))).toBe(1); // emax(E5M2) = 15
    expect(e8m0Decode(mxScaleCode(28, 'fp6-e3m2'))).toBe(1);
    expect(e8m0Decode(mxScaleCode(7.5, 'fp6-e2m3'))).toBe(1);
    expect(e8m0Decode(mxScaleCode(1.5, 'int8'))).toBe(1); // MXINT8 emax = 0
  });
  it('the largest element of an MXFP4 block may saturate: amax 7 → X = 1, 7 → 6', () => {
    const x = new Array(32).fill(0.5);
    x[3] = 7;
    const q = quantizeTensor('mxfp4', x, 1, 32);
    expect(q.scales[0]).toBe(1);
    expect(dequantize(q)[3]).toBe(6);
    expect(dequantize(q)[0]).toBe(0.5);
  });
  it('33 columns make two blocks; zero block → 2^-127, NaN block → NaN scale', () => {
    const x = new Array(33).fill(0);
    x[32] = NaN;
    const q = quantizeTensor('mxfp8-e4m3', x, 1, 33);
    expect(Array.from(q.scaleCodes)).toEqual([0, 0xff]);
    expect(Number.isNaN(dequantize(q)[32])).toBe(true);
    expect(dequantize(q)[0]).toBe(0);
  });
  it('E8M0 clamps to 2^±127 and has no zero', () => {
    expect(e8m0Encode(2 ** 200)).toBe(254);
    expect(e8m0Encode(3)).toBe(128);
    expect(e8m0Encode(0)).toBe(0xff);
    expect(e8m0Decode(254)).toBe(2 ** 127);
  });
  it('MXINT8: elements k/64 saturated to ±127/64', () => {
    const x = new Array(32).fill(0);
    x[0] = 1.999;
    x[1] = -1;
    x[2] = 1 / 128; // tie between 0 and 1/64 → 0
    x[3] = 3 / 128; // tie between 1/64 and 2/64 → 2/64
    const q = quantizeTensor('mxint8', x, 1, 32);
    expect(Array.from(q.codes.slice(0, 4))).toEqual([127, -64, 0, 2]);
  });
});

describe('NVFP4 two-level scales', () => {
  it('tensor scale = fp32(amax/2688); block scale = E4M3(amax_b/(6·s_t)); elements E2M1', () => {
    const x = Array.from({ length: 32 }, (_, i) => (i < 16 ? (i + 1) * 0.25 : (i - 15) * 0.01));
    const q = quantizeTensor('nvfp4', x, 1, 32);
    const st = Math.fround(4 / (448 * 6));
    expect(q.tensorScale).toBe(st);
    const e4m3 = mustMinifloat('fp8-e4m3');
    expect(q.scales[0]).toBe(e4m3.round(4 / (6 * st), 'saturate'));
    expect(q.scales[1]).toBe(e4m3.round(0.16 / (6 * st), 'saturate'));
    expect(dequantize(q)[15]).toBeCloseTo(4, 6);
  });
  it('an all-zero tensor decodes to zeros', () => {
    expect(Array.from(dequantize(quantizeTensor('nvfp4', new Array(16).fill(0), 1, 16)))).toEqual(new Array(16).fill(0));
  });
});

describe('ternary and binary', () => {
  it('BitNet b1.58 absmean: γ = mean|W|, W/γ rounded and clipped to {-1,0,1}', () => {
    const q = quantizeTernary([0.9, -0.1, 0.4, -2.6]);
    expect(q.scales[0]).toBe(Math.fround(1));
    expect(Array.from(q.codes)).toEqual([1, 0, 0, -1]);
  });
  it('binary: sign × mean|x| per group', () => {
    const q = quantizeTensor('binary-g2', [1, -3, 0, 0.5], 1, 4);
    expect(Array.from(dequantize(q))).toEqual([2, -2, 0.25, 0.25]);
  });
});

function quantizeTernary(x: number[]) {
  return quantizeTensor('ternary', x, 1, x.length);
}

describe('asymmetric with a float zero point (-asymf)', () => {
  it('keeps the zero point fractional, rounded to the scale format, and counts it in bitsPerElement', () => {
    expect(getFormat('int4-g128-asymf').bitsPerElement).toBe(4.25);
    const x = [-1, 0.2, 2];
    const q = quantizeTensor('int4-pt-asymf', x, 1, 3);
    const s = fp16.round(3 / 15);
    const z = fp16.round(1 / s);
    expect(q.scales[0]).toBe(s);
    expect(q.zeroFormat).toBe('fp16');
    expect(fp16.decode(q.zeros![0]!)).toBe(z);
    expect(Array.from(q.codes)).toEqual(x.map((v) => Math.min(15, Math.max(0, Math.round(v / s + z)))));
    expect(dequantize(q)[2]).toBe((q.codes[2]! - z) * s);
  });
});
