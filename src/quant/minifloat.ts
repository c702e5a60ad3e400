/**
 * Bit-exact binary floating-point formats of up to 32 bits: sign, `expBits` exponent bits with a
 * bias, `manBits` trailing significand bits, gradual underflow (subnormals), and one of three
 * conventions for the top codes:
 *   'ieee' — exponent all ones is ±Inf (mantissa 0) or NaN (IEEE 754: fp32, fp16, bf16, OCP E5M2);
 *   'fn'   — only S.1111.111 is NaN, no infinities ("finite + NaN": OCP E4M3, max 448);
 *   'none' — every code is a finite number (OCP FP6 E3M2/E2M3 and FP4 E2M1, MX spec v1.0 §5.3).
 * Encoding rounds to nearest, ties to even, in ONE step from the float64 input (no double
 * rounding). Overflow follows the format's rule, or the one asked for:
 *   'saturate' — clamp to ±max finite (also ±Inf → ±max); NaN stays NaN where the format has one;
 *   'inf'      — values that round past max become ±Inf (IEEE 754 overflow, OCP E5M2 non-saturating);
 *   'nan'      — values that round past max become NaN (OCP E4M3 non-saturating mode).
 */
import { AccelscopeError } from '../util/errors.ts';
import { ownTable } from '../util/own.ts';

export type SpecialCodes = 'ieee' | 'fn' | 'none';
export type OverflowRule = 'saturate' | 'inf' | 'nan';

export interface MinifloatSpec {
  name: string;
  expBits: number;
  manBits: number;
  bias: number;
  special: SpecialCodes;
  /** The format's default overflow rule (see docs/quant.md). */
  overflow: OverflowRule;
  source: string;
}

const OFP8 = 'OCP 8-bit Floating Point Specification (OFP8) rev 1.0, 2023, Table 1 and §5 (conversion)';
const MX = 'OCP Microscaling Formats (MX) Specification v1.0, 2023, §5.3 Table 2 (element data types)';

/** Every minifloat the simulator knows, by canonical name. */
export const MINIFLOATS: Record<string, MinifloatSpec> = ownTable({
  fp32: { name: 'fp32', expBits: 8, manBits: 23, bias: 127, special: 'ieee', overflow: 'inf', source: 'IEEE 754-2019 binary32' },
  fp16: { name: 'fp16', expBits: 5, manBits: 10, bias: 15, special: 'ieee', overflow: 'inf', source: 'IEEE 754-2019 binary16' },
  bf16: {
    name: 'bf16',
    expBits: 8,
    manBits: 7,
    bias: 127,
    special: 'ieee',
    overflow: 'inf',
    source: 'bfloat16 (Google Brain; Intel BF16 spec 2018): fp32 with 7 mantissa bits',
  },
  'fp8-e4m3': { name: 'fp8-e4m3', expBits: 4, manBits: 3, bias: 7, special: 'fn', overflow: 'nan', source: OFP8 },
  'fp8-e5m2': { name: 'fp8-e5m2', expBits: 5, manBits: 2, bias: 15, special: 'ieee', overflow: 'inf', source: OFP8 },
  'fp6-e3m2': { name: 'fp6-e3m2', expBits: 3, manBits: 2, bias: 3, special: 'none', overflow: 'saturate', source: MX },
  'fp6-e2m3': { name: 'fp6-e2m3', expBits: 2, manBits: 3, bias: 1, special: 'none', overflow: 'saturate', source: MX },
  'fp4-e2m1': { name: 'fp4-e2m1', expBits: 2, manBits: 1, bias: 1, special: 'none', overflow: 'saturate', source: MX },
});

/** Exact powers of two for every exponent a ≤32-bit format or a float64 input needs. */
const POW2_OFFSET = 1100;
const POW2 = new Float64Array(2 * POW2_OFFSET + 1);
for (let i = 0; i < POW2.length; i++) POW2[i] = 2 ** (i - POW2_OFFSET);
function pow2(e: number): number {
  return POW2[e + POW2_OFFSET]!;
}

/** floor(log2 a) for finite a > 0, exact: read from the float64 exponent field. */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0; // little-endian: high word at index 1
export function floorLog2(a: number): number {
  F64[0] = a;
  const biased = (U32[HI]! >>> 20) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  // float64 subnormal: scale up exactly and retry
  F64[0] = a * 2 ** 64;
  return ((U32[HI]! >>> 20) & 0x7ff) - 1023 - 64;
}

/** Round half to even: the rounding of every codec here. */
const RNE_MAGIC = 6755399441055744; // 1.5·2^52: adding it leaves no fraction bits, so the FPU's RNE rounds
export function rne(v: number): number {
  // |v| < 2^51: v + 1.5·2^52 lies in [2^52, 2^53) where the spacing is 1, and float64 addition
  // rounds to nearest even — the rounding wanted, in one addition. (−0 comes back as +0.)
  if (v < 2251799813685248 && v > -2251799813685248) return v + RNE_MAGIC - RNE_MAGIC;
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Precomputed facts of one spec: masks, max code, extreme values. */
export class Minifloat {
  readonly spec: MinifloatSpec;
  readonly bits: number;
  readonly signBit: number;
  /** Magnitude code of the largest finite value. */
  readonly maxFiniteMag: number;
  readonly max: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  readonly emin: number;
  private readonly twoM: number;
  private table?: Float64Array;

  constructor(spec: MinifloatSpec) {
    this.spec = spec;
    const { expBits: E, manBits: M, bias } = spec;
    this.bits = 1 + E + M;
    this.twoM = 2 ** M;
    this.signBit = 2 ** (E + M);
    const expMax = 2 ** E - 1;
    const manMax = 2 ** M - 1;
    this.maxFiniteMag =
      spec.special === 'ieee' ? (expMax - 1) * 2 ** M + manMax : spec.special === 'fn' ? expMax * 2 ** M + manMax - 1 : expMax * 2 ** M + manMax;
    this.emin = 1 - bias;
    this.minNormal = pow2(this.emin);
    this.minSubnormal = pow2(this.emin - M);
    this.max = this.decodeSlow(this.maxFiniteMag); // not decode(): that would build the whole table at load
  }

  get name(): string {
    return this.spec.name;
  }

  /** The value of a code (NaN for NaN codes, ±Infinity for infinities, -0 for the negative zero). */
  decode(code: number): number {
    if (this.table) return this.table[code]!;
    if (this.bits <= 16) return this.decodeTable()[code]!;
    return this.decodeSlow(code);
  }

  private decodeSlow(code: number): number {
    const { expBits: E, manBits: M, bias, special } = this.spec;
    const neg = code >= this.signBit;
    const mag = neg ? code - this.signBit : code;
    const e = Math.floor(mag / 2 ** M);
    const m = mag - e * 2 ** M;
    const expMax = 2 ** E - 1;
    let v: number;
    if (special === 'ieee' && e === expMax) v = m === 0 ? Infinity : NaN;
    else if (special === 'fn' && e === expMax && m === 2 ** M - 1) v = NaN;
    else if (e === 0) v = m * pow2(1 - bias - M);
    else v = (2 ** M + m) * pow2(e - bias - M);
    return neg ? -v : v;
  }

  /** A decode table for formats of ≤16 bits (built on first use, 64 K entries at most). */
  decodeTable(): Float64Array {
    if (this.bits > 16) throw new AccelscopeError('unsupported', `${this.name} has 2^${this.bits} codes: no table`);
    if (!this.table) {
      // Exponent by exponent (one power of two each), then the negative half by negation: the same
      // values as decodeSlow code by code (test/quant/minifloat.test.ts), at a fraction of its cost
      // for fp16's 65,536 codes.
      const { expBits: E, manBits: M, bias } = this.spec;
      const t = new Float64Array(2 ** this.bits);
      const perExp = 2 ** M;
      const expMax = 2 ** E - 1;
      for (let e = 0; e <= expMax; e++) {
        const scale = pow2((e === 0 ? 1 : e) - bias - M);
        const lead = e === 0 ? 0 : perExp;
        const base = e * perExp;
        for (let m = 0; m < perExp; m++) t[base + m] = (lead + m) * scale;
      }
      // The top exponent's special codes (IEEE: Inf and NaNs; fn: the all-ones NaN).
      for (let m = 0; m < perExp; m++) {
        const mag = expMax * perExp + m;
        if (this.spec.special === 'ieee' || (this.spec.special === 'fn' && m === perExp - 1)) t[mag] = this.decodeSlow(mag);
      }
      for (let mag = 0; mag < this.signBit; mag++) t[mag + this.signBit] = -t[mag]!;
      this.table = t;
    }
    return this.table;
  }

  nanCode(negative = false): number {
    const { expBits: E, manBits: M, special } = this.spec;
    if (special === 'none') throw new AccelscopeError('unsupported', `${this.name} has no NaN encoding`);
    // IEEE: the canonical quiet NaN (top mantissa bit set); fn: the only NaN, all ones.
    const mag = special === 'fn' ? (2 ** E - 1) * 2 ** M + 2 ** M - 1 : (2 ** E - 1) * 2 ** M + (M > 0 ? 2 ** (M - 1) : 1);
    return negative ? mag + this.signBit : mag;
  }

  infCode(negative = false): number {
    if (this.spec.special !== 'ieee') throw new AccelscopeError('unsupported', `${this.name} has no infinity`);
    const mag = (2 ** this.spec.expBits - 1) * 2 ** this.spec.manBits;
    return negative ? mag + this.signBit : mag;
  }

  /** Encodes one number: RNE, then the overflow rule (the format's own unless one is given). */
  encode(x: number, overflow: OverflowRule = this.spec.overflow): number {
    const neg = x < 0 || (x === 0 && 1 / x < 0);
    const sign = neg ? this.signBit : 0;
    if (x !== x) return this.nanCode(false);
    const a = neg ? -x : x;
    if (a === Infinity) return this.overflowCode(overflow, sign, neg);
    if (a === 0) return sign;
    const M = this.spec.manBits;
    let e = floorLog2(a);
    if (e < this.emin) e = this.emin; // subnormal range: fixed quantum 2^(emin-M)
    const q = rne(a * POW2[M - e + POW2_OFFSET]!); // exact scaling by a power of two, then one rounding
    // (e - emin) binades above the first, q in [0, 2^(M+1)]: a carry moves into the exponent field.
    const mag = (e - this.emin) * this.twoM + q;
    if (mag > this.maxFiniteMag) return this.overflowCode(overflow, sign, neg);
    return mag + sign;
  }

  private overflowCode(rule: OverflowRule, sign: number, neg: boolean): number {
    if (rule === 'saturate' || this.spec.special === 'none') return this.maxFiniteMag + sign;
    if (rule === 'inf') {
      if (this.spec.special === 'ieee') return this.infCode(neg);
      return this.nanCode(neg); // a format without Inf overflows to NaN when not saturating
    }
    return this.nanCode(neg);
  }

  /** Nearest representable value (encode then decode). */
  round(x: number, overflow: OverflowRule = this.spec.overflow): number {
    return this.decode(this.encode(x, overflow));
  }

  /** Encodes an array into codes (Uint8Array for ≤8-bit formats, Uint16Array ≤16, Uint32Array). */
  encodeArray(xs: ArrayLike<number>, overflow: OverflowRule = this.spec.overflow): Uint8Array | Uint16Array | Uint32Array {
    const out = this.bits <= 8 ? new Uint8Array(xs.length) : this.bits <= 16 ? new Uint16Array(xs.length) : new Uint32Array(xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = this.encode(xs[i]!, overflow);
    return out;
  }

  decodeArray(codes: ArrayLike<number>, out = new Float64Array(codes.length)): Float64Array {
    if (this.bits <= 16) {
      const t = this.decodeTable();
      for (let i = 0; i < codes.length; i++) out[i] = t[codes[i]!]!;
    } else {
      for (let i = 0; i < codes.length; i++) out[i] = this.decode(codes[i]!);
    }
    return out;
  }
}

const CACHE = new Map<string, Minifloat>();

/** The codec of a named minifloat, or undefined when the name is not one. */
export function minifloat(name: string): Minifloat | undefined {
  const spec = MINIFLOATS[name];
  if (!spec) return undefined;
  let m = CACHE.get(name);
  if (!m) {
    m = new Minifloat(spec);
    CACHE.set(name, m);
  }
  return m;
}

export function mustMinifloat(name: string): Minifloat {
  const m = minifloat(name);
  if (!m) throw new AccelscopeError('unknown-format', `'${name}' is not a floating-point element format (known: ${Object.keys(MINIFLOATS).join(', ')})`);
  return m;
}

/** Rounds to fp32 (Math.fround is IEEE binary32 RNE). */
export const toFp32 = Math.fround;

/** Rounds to fp16 / bf16 (RNE, IEEE overflow to ±Inf). */
export function toFp16(x: number): number {
  return FP16.round(x);
}
export function toBf16(x: number): number {
  return BF16.round(x);
}
const FP16 = minifloat('fp16')!;
const BF16 = minifloat('bf16')!;
