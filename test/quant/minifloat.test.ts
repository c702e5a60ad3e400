import { describe, expect, it } from 'vitest';
import { minifloat, mustMinifloat } from '../../src/quant/minifloat.ts';

/**
 * The expected value of every code, derived here from each format's definition (sign bit,
 * exponent field with bias, implicit leading 1 for normals, subnormals at exponent 1−bias, and
 * the special codes), independently of the codec under test.
 */
interface Def {
  name: string;
  e: number;
  m: number;
  bias: number;
  nan: (exp: number, man: number) => boolean;
  inf: (exp: number, man: number) => boolean;
}
const DEFS: Def[] = [
  // OCP OFP8 E4M3: no infinities, S.1111.111 is NaN.
  { name: 'fp8-e4m3', e: 4, m: 3, bias: 7, nan: (x, y) => x === 15 && y === 7, inf: () => false },
  // OCP OFP8 E5M2: IEEE-like, exponent 31 is Inf (mantissa 0) or NaN.
  { name: 'fp8-e5m2', e: 5, m: 2, bias: 15, nan: (x, y) => x === 31 && y !== 0, inf: (x, y) => x === 31 && y === 0 },
  // OCP MX FP6/FP4: no special codes.
  { name: 'fp6-e3m2', e: 3, m: 2, bias: 3, nan: () => false, inf: () => false },
  { name: 'fp6-e2m3', e: 2, m: 3, bias: 1, nan: () => false, inf: () => false },
  { name: 'fp4-e2m1', e: 2, m: 1, bias: 1, nan: () => false, inf: () => false },
];

function expected(d: Def, code: number): number {
  const sign = (code >> (d.e + d.m)) & 1;
  const exp = (code >> d.m) & ((1 << d.e) - 1);
  const man = code & ((1 << d.m) - 1);
  if (d.nan(exp, man)) return NaN;
  if (d.inf(exp, man)) return sign ? -Infinity : Infinity;
  const mag = exp === 0 ? (man / 2 ** d.m) * 2 ** (1 - d.bias) : (1 + man / 2 ** d.m) * 2 ** (exp - d.bias);
  return sign ? -mag : mag;
}

describe('every code of every ≤8-bit float format', () => {
  for (const d of DEFS) {
    it(`${d.name}: decode matches the definition for all ${2 ** (1 + d.e + d.m)} codes`, () => {
      const f = mustMinifloat(d.name);
      for (let c = 0; c < 2 ** (1 + d.e + d.m); c++)
        expect(Object.is(f.decode(c), expected(d, c)) || (Number.isNaN(f.decode(c)) && Number.isNaN(expected(d, c))), `code ${c}`).toBe(true);
    });
    it(`${d.name}: every non-NaN code round-trips through encode`, () => {
      const f = mustMinifloat(d.name);
      for (let c = 0; c < 2 ** (1 + d.e + d.m); c++) {
        const v = expected(d, c);
        if (!Number.isNaN(v)) expect(f.encode(v, 'inf'), `code ${c} (${v})`).toBe(c);
      }
    });
    it(`${d.name}: midpoints between neighbours round to the even code`, () => {
      const f = mustMinifloat(d.name);
      for (let c = 0; c + 1 < 2 ** (d.e + d.m); c++) {
        const lo = expected(d, c);
        const hi = expected(d, c + 1);
        if (!Number.isFinite(hi)) continue;
        const mid = (lo + hi) / 2;
        expect(f.encode(mid), `tie ${lo}|${hi}`).toBe(c % 2 === 0 ? c : c + 1);
        // one float64 ulp either side of the midpoint decides it
        expect(f.encode(mid * (1 - 2 ** -52))).toBe(c);
        expect(f.encode(mid * (1 + 2 ** -52))).toBe(c + 1);
      }
    });
  }
});

describe('every code of the 16-bit float formats (the decode table built exponent by exponent)', () => {
  const SIXTEEN: Def[] = [
    // IEEE 754 binary16 and bfloat16: exponent all ones is Inf (mantissa 0) or NaN.
    { name: 'fp16', e: 5, m: 10, bias: 15, nan: (x, y) => x === 31 && y !== 0, inf: (x, y) => x === 31 && y === 0 },
    { name: 'bf16', e: 8, m: 7, bias: 127, nan: (x, y) => x === 255 && y !== 0, inf: (x, y) => x === 255 && y === 0 },
  ];
  for (const d of SIXTEEN) {
    it(`${d.name}: decode matches the definition for all 65536 codes (signed zeros, subnormals, Inf, NaN)`, () => {
      const f = mustMinifloat(d.name);
      const wrong: string[] = [];
      for (let c = 0; c < 65536; c++) {
        const got = f.decode(c);
        const want = expected(d, c);
        if (!(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)))) wrong.push(`${c}: ${got} ≠ ${want}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
      expect(Object.is(f.decode(0x8000), -0)).toBe(true);
    });
  }
});

describe('published extremes', () => {
  const cases: [string, number, number, number][] = [
    // name, max, min normal, min subnormal (OFP8 Table 1; MX spec Table 2)
    ['fp8-e4m3', 448, 2 ** -6, 2 ** -9],
    ['fp8-e5m2', 57344, 2 ** -14, 2 ** -16],
    ['fp6-e3m2', 28, 0.25, 0.0625],
    ['fp6-e2m3', 7.5, 1, 0.125],
    ['fp4-e2m1', 6, 1, 0.5],
    ['fp16', 65504, 2 ** -14, 2 ** -24],
    ['bf16', 3.3895313892515355e38, 2 ** -126, 2 ** -133],
  ];
  for (const [name, max, minN, minS] of cases) {
    it(name, () => {
      const f = mustMinifloat(name);
      expect([f.max, f.minNormal, f.minSubnormal]).toEqual([max, minN, minS]);
    });
  }
  it('E2M1 holds exactly 0, 0.5, 1, 1.5, 2, 3, 4, 6', () => {
    const f = mustMinifloat('fp4-e2m1');
    expect(Array.from({ length: 8 }, (_, c) => f.decode(c))).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6]);
  });
});

describe('overflow rules', () => {
  const e4m3 = mustMinifloat('fp8-e4m3');
  const e5m2 = mustMinifloat('fp8-e5m2');
  const fp16 = mustMinifloat('fp16');
  it('E4M3 non-saturating (default): 464 is a tie that rounds to even 448, anything above is NaN', () => {
    expect(e4m3.encode(464)).toBe(0x7e);
    expect(e4m3.encode(464.0001)).toBe(0x7f);
    expect(e4m3.encode(-1e9)).toBe(0xff);
    expect(e4m3.encode(Infinity)).toBe(0x7f);
  });
  it('E4M3 saturating clamps to ±448, including ±Inf', () => {
    expect(e4m3.encode(1e9, 'saturate')).toBe(0x7e);
    expect(e4m3.encode(-Infinity, 'saturate')).toBe(0xfe);
    expect(Number.isNaN(e4m3.decode(e4m3.encode(NaN, 'saturate')))).toBe(true);
  });
  it('E5M2 overflows to ±Inf: 61440 is the tie above 57344 and goes to Inf (even)', () => {
    expect(e5m2.encode(61439.99)).toBe(0x7b);
    expect(e5m2.encode(61440)).toBe(0x7c);
    expect(e5m2.encode(-61440, 'saturate')).toBe(0xfb);
  });
  it('fp16 IEEE: 65520 → Inf, 65519.99 → 65504', () => {
    expect(fp16.round(65520)).toBe(Infinity);
    expect(fp16.round(65519.99)).toBe(65504);
  });
  it('FP6/FP4 have no specials: they always saturate, NaN cannot be encoded', () => {
    expect(mustMinifloat('fp4-e2m1').round(-1e9)).toBe(-6);
    expect(mustMinifloat('fp6-e3m2').round(Infinity)).toBe(28);
    expect(() => mustMinifloat('fp4-e2m1').encode(NaN)).toThrow(/no NaN/);
  });
});

describe('subnormals and signed zero', () => {
  it('half the smallest subnormal rounds to zero (even), one ulp more to the subnormal', () => {
    const f = mustMinifloat('fp8-e4m3');
    expect(f.encode(2 ** -10)).toBe(0);
    expect(f.encode(2 ** -10 * (1 + 2 ** -52))).toBe(1);
    expect(f.encode(3 * 2 ** -10)).toBe(2); // 1.5 quanta: tie → even code 2
  });
  it('negative zero keeps its sign bit', () => {
    expect(mustMinifloat('fp8-e4m3').encode(-0)).toBe(0x80);
    expect(Object.is(mustMinifloat('fp4-e2m1').decode(0x8), -0)).toBe(true);
    expect(mustMinifloat('fp16').encode(-1e-30)).toBe(0x8000);
  });
  it('largest subnormal rounds up into the first normal binade', () => {
    const f = mustMinifloat('fp6-e3m2');
    expect(f.encode(0.25 - 0.0625 / 2)).toBe(4); // tie between 0.1875 (code 3) and 0.25 (code 4) → even
  });
});

describe('bf16 against an independent bit-level RNE from fp32', () => {
  it('10 000 random fp32 values', () => {
    const bf16 = mustMinifloat('bf16');
    const buf = new DataView(new ArrayBuffer(4));
    let seed = 12345;
    for (let i = 0; i < 10000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      buf.setUint32(0, seed);
      const x = buf.getFloat32(0);
      if (!Number.isFinite(x)) continue;
      const bits = buf.getUint32(0);
      const rounded = ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
      expect(bf16.encode(x), `${x}`).toBe(rounded);
    }
  });
  it('fp32 codec equals Math.fround on the bit level', () => {
    const fp32 = minifloat('fp32')!;
    const buf = new DataView(new ArrayBuffer(4));
    for (const x of [0.1, -3.3e-39, 1e-45, 3.4e38, 123456.789]) {
      buf.setFloat32(0, x);
      expect(fp32.encode(x)).toBe(buf.getUint32(0));
    }
  });
});

describe('rne', async () => {
  const { rne } = await import('../../src/quant/minifloat.ts');
  it('ties go to even on both sides of zero and beyond the fast-path range', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999999999996, 2 ** 51 + 0.5, 2 ** 52 + 1].map(rne)).toEqual([0, 2, 2, 0, -2, -2, 2, 2 ** 51, 2 ** 52 + 1]);
  });
});

describe('E8M0 scale: every code', async () => {
  const { e8m0Decode, e8m0Encode } = await import('../../src/quant/e8m0.ts');
  it('code c is 2^(c−127) for c < 255, 255 is NaN, and each power of two encodes back to its code', () => {
    for (let c = 0; c < 255; c++) {
      expect(e8m0Decode(c)).toBe(Math.pow(2, c - 127));
      expect(e8m0Encode(Math.pow(2, c - 127))).toBe(c);
      expect(e8m0Encode(Math.pow(2, c - 127) * 1.999)).toBe(c); // floors within the binade
    }
    expect(Number.isNaN(e8m0Decode(255))).toBe(true);
    expect(() => e8m0Decode(256)).toThrow(/out of range/);
  });
});
