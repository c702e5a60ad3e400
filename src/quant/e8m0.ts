/**
 * E8M0: the shared scale of OCP MX blocks (MX spec v1.0 §5.4). Eight exponent bits, no sign, no
 * mantissa, bias 127: code c is 2^(c-127) for c in 0..254 (2^-127 .. 2^127), and 0xFF is NaN.
 * There is no zero and no infinity.
 */
import { AccelscopeError } from '../util/errors.ts';

export const E8M0_BIAS = 127;
export const E8M0_NAN = 0xff;
export const E8M0_MIN_EXP = -127;
export const E8M0_MAX_EXP = 127;

export function e8m0Decode(code: number): number {
  if (!Number.isInteger(code) || code < 0 || code > 255) throw new AccelscopeError('bad-flag', `E8M0 code out of range: ${code}`);
  return code === E8M0_NAN ? NaN : 2 ** (code - E8M0_BIAS);
}

/** The code of 2^exp, the exponent clamped to the representable range [-127, 127]. */
export function e8m0FromExponent(exp: number): number {
  if (exp !== exp) return E8M0_NAN;
  return Math.min(E8M0_MAX_EXP, Math.max(E8M0_MIN_EXP, exp)) + E8M0_BIAS;
}

/**
 * Encodes an arbitrary positive number as the nearest power of two at or below it (floor of its
 * exponent, the rounding the MX scale computation uses); NaN, Inf, zero and negatives → NaN code.
 */
export function e8m0Encode(x: number): number {
  if (!(x > 0) || x === Infinity) return E8M0_NAN;
  let e = Math.floor(Math.log2(x));
  if (2 ** e > x) e--;
  else if (2 ** (e + 1) <= x) e++;
  return e8m0FromExponent(e);
}
