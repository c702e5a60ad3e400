/**
 * Block-scaled formats, bit-exact.
 *
 * OCP MX (MX spec v1.0 §6.3, "conversion from vector of scalars"): each block of 32 consecutive
 * elements along a row shares an E8M0 scale X = 2^(⌊log2(amax)⌋ − emax_elem), where amax is the
 * block's largest magnitude and emax_elem the exponent of the element format's largest normal
 * (E4M3 8, E5M2 15, E3M2 4, E2M3 2, E2M1 2, INT8 0); the exponent is clamped to E8M0's [−127, 127].
 * Elements are V/X rounded (RNE) to the element format WITH SATURATION to ±max. An all-zero block
 * gets X = 2^−127 (any scale is exact for zeros); a block holding NaN or ±Inf gets the NaN scale
 * (0xFF), and every element of it decodes to NaN. MXINT8 elements are 8-bit two's complement with
 * an implied 2^−6 (value k/64), saturated to ±127/64; the code −128 decodes to −2.
 *
 * NVFP4 (NVIDIA Blackwell; "Introducing NVFP4", NVIDIA technical blog 2025): E2M1 elements, an
 * E4M3 scale per 16 elements and an fp32 scale per tensor. The tensor scale maps the tensor's
 * amax to the largest product of the two levels, s_t = fp32(amax / (448 · 6)); each block scale is
 * s_b = E4M3_sat(amax_b / (6 · s_t)); elements are E2M1_sat(x / (s_b · s_t)). x̂ = e · s_b · s_t.
 */
import { AccelscopeError } from '../util/errors.ts';
import { e8m0Decode, e8m0FromExponent, E8M0_NAN } from './e8m0.ts';
import { mustMinifloat, rne, type Minifloat } from './minifloat.ts';
import { groupedTensor, tensorBuffers, type QuantizedTensor } from './tensor.ts';
import type { FormatSpec } from './spec.ts';
import { forEachGroup, groupLayout } from './int.ts';

type MxSpec = Extract<FormatSpec, { kind: 'mx' }>;

/** emax of an MX element type: the exponent of its largest normal value. */
export function mxElementEmax(element: string): number {
  if (element === 'int8') return 0;
  return Math.floor(Math.log2(mustMinifloat(element).max));
}

/** The shared-scale exponent the MX spec prescribes for a block whose largest magnitude is amax. */
export function mxScaleCode(amax: number, element: string): number {
  if (!Number.isFinite(amax)) return E8M0_NAN;
  if (amax === 0) return 0;
  let e = Math.floor(Math.log2(amax));
  if (2 ** e > amax) e--;
  else if (2 ** (e + 1) <= amax) e++;
  return e8m0FromExponent(e - mxElementEmax(element));
}

const MXINT8_MAX = 127;

export function quantizeMx(x: ArrayLike<number>, rows: number, cols: number, s: MxSpec): QuantizedTensor {
  const layout = groupLayout(rows, cols, 'group', s.blockSize);
  const buf = tensorBuffers(rows, cols, layout);
  const { codes, values, scales, scaleCodes } = buf;
  const mf: Minifloat | undefined = s.element === 'int8' ? undefined : mustMinifloat(s.element);
  const table = mf && mf.bits <= 16 ? mf.decodeTable() : undefined;
  const B = s.blockSize;
  // Direct loops (no per-block closures): this is the hot path of `npm run bench -- quant`.
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < layout.groupsPerRow; j++) {
      const g = r * layout.groupsPerRow + j;
      const a = r * cols + j * B;
      const b = r * cols + Math.min(cols, (j + 1) * B);
      let amax = 0;
      for (let i = a; i < b; i++) {
        const v = Math.abs(x[i]!);
        if (v !== v || v === Infinity) {
          amax = NaN;
          break;
        }
        if (v > amax) amax = v;
      }
      const sc = mxScaleCode(amax, s.element);
      scaleCodes[g] = sc;
      const X = e8m0Decode(sc);
      scales[g] = X;
      if (sc === E8M0_NAN) {
        for (let i = a; i < b; i++) {
          codes[i] = 0;
          values[i] = NaN;
        }
        continue;
      }
      const inv = 1 / X; // X is a power of two: multiplying by its inverse is exact
      if (mf) {
        for (let i = a; i < b; i++) {
          const c = mf.encode(x[i]! * inv, 'saturate');
          codes[i] = c;
          values[i] = table ? table[c]! : mf.decode(c);
        }
      } else {
        for (let i = a; i < b; i++) {
          const k = Math.min(MXINT8_MAX, Math.max(-MXINT8_MAX, rne(x[i]! * inv * 64)));
          codes[i] = k;
          values[i] = k / 64;
        }
      }
    }
  }
  return groupedTensor(s.name, rows, cols, layout, buf, 'e8m0');
}

/** MXINT8 element code (−128..127) → value. */
export function mxint8Decode(code: number): number {
  return code / 64;
}

const E4M3 = (): Minifloat => mustMinifloat('fp8-e4m3');
const E2M1 = (): Minifloat => mustMinifloat('fp4-e2m1');

/** NVFP4's fp32 tensor scale for a tensor whose largest magnitude is amax (1 for an all-zero tensor). */
export function nvfp4TensorScale(amax: number): number {
  if (!Number.isFinite(amax)) throw new AccelscopeError('unsupported', 'nvfp4: cannot encode NaN or infinity');
  return amax === 0 ? 1 : Math.fround(amax / (E4M3().max * E2M1().max));
}

export function quantizeNvfp4(x: ArrayLike<number>, rows: number, cols: number, blockSize: number, name = 'nvfp4'): QuantizedTensor {
  const layout = groupLayout(rows, cols, 'group', blockSize);
  const e4m3 = E4M3();
  const e2m1 = E2M1();
  let amaxT = 0;
  for (let i = 0; i < rows * cols; i++) amaxT = Math.max(amaxT, Math.abs(x[i]!));
  if (amaxT !== amaxT) throw new AccelscopeError('unsupported', 'nvfp4: cannot encode NaN or infinity');
  const st = nvfp4TensorScale(amaxT);
  const buf = tensorBuffers(rows, cols, layout);
  const { codes, values, scales, scaleCodes } = buf;
  forEachGroup(rows, cols, layout, (g, ranges) => {
    // NVFP4 groups are 16 contiguous values of one row: one range per group.
    const [a, b] = ranges[0]!;
    let amax = 0;
    for (let i = a; i < b; i++) amax = Math.max(amax, Math.abs(x[i]!));
    const sc = e4m3.encode(amax / (e2m1.max * st), 'saturate');
    const sb = e4m3.decode(sc);
    scaleCodes[g] = sc;
    scales[g] = sb;
    for (let i = a; i < b; i++) {
      const c = sb === 0 ? (x[i]! < 0 ? e2m1.signBit : 0) : e2m1.encode(x[i]! / (sb * st), 'saturate');
      codes[i] = c;
      values[i] = e2m1.decode(c);
    }
  });
  return groupedTensor(name, rows, cols, layout, buf, 'fp8-e4m3', { tensorScale: st });
}
