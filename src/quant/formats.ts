import { AccelscopeError } from '../util/errors.ts';
import type { ComputeDtype, TensorFormat } from './types.ts';

/**
 * The storage description of every format the simulator knows (bit-exact codecs live beside it).
 * Group-wise integer formats are parsed from their name: int<b>-g<G> (fp16 scale per group,
 * symmetric), int<b> alone is per-channel (one fp16 scale per output row; amortized ≈ 0).
 */
const SCALE_BITS = 16;

const FIXED: Record<string, Omit<TensorFormat, 'name'>> = {
  fp32: { elementBits: 32, bitsPerElement: 32, computeDtype: 'fp32', isFloat: true },
  tf32: { elementBits: 32, bitsPerElement: 32, computeDtype: 'tf32', isFloat: true },
  fp16: { elementBits: 16, bitsPerElement: 16, computeDtype: 'fp16', isFloat: true },
  bf16: { elementBits: 16, bitsPerElement: 16, computeDtype: 'bf16', isFloat: true },
  'fp8-e4m3': { elementBits: 8, bitsPerElement: 8, computeDtype: 'fp8', isFloat: true },
  'fp8-e5m2': { elementBits: 8, bitsPerElement: 8, computeDtype: 'fp8', isFloat: true },
  'fp6-e3m2': { elementBits: 6, bitsPerElement: 6, computeDtype: 'fp6', isFloat: true },
  'fp6-e2m3': { elementBits: 6, bitsPerElement: 6, computeDtype: 'fp6', isFloat: true },
  'fp4-e2m1': { elementBits: 4, bitsPerElement: 4, computeDtype: 'fp4', isFloat: true },
  'mxfp8-e4m3': { elementBits: 8, bitsPerElement: 8 + 8 / 32, computeDtype: 'fp8', isFloat: true, groupSize: 32 },
  'mxfp8-e5m2': { elementBits: 8, bitsPerElement: 8 + 8 / 32, computeDtype: 'fp8', isFloat: true, groupSize: 32 },
  'mxfp6-e3m2': { elementBits: 6, bitsPerElement: 6 + 8 / 32, computeDtype: 'fp6', isFloat: true, groupSize: 32 },
  'mxfp6-e2m3': { elementBits: 6, bitsPerElement: 6 + 8 / 32, computeDtype: 'fp6', isFloat: true, groupSize: 32 },
  mxfp4: { elementBits: 4, bitsPerElement: 4 + 8 / 32, computeDtype: 'fp4', isFloat: true, groupSize: 32 },
  mxint8: { elementBits: 8, bitsPerElement: 8 + 8 / 32, computeDtype: 'int8', isFloat: false, groupSize: 32 },
  nvfp4: { elementBits: 4, bitsPerElement: 4 + 8 / 16, computeDtype: 'fp4', isFloat: true, groupSize: 16 },
  ternary: { elementBits: 2, bitsPerElement: 2, computeDtype: 'ternary', isFloat: false },
  binary: { elementBits: 1, bitsPerElement: 1, computeDtype: 'int1', isFloat: false },
};

const INT_DTYPE: Record<number, ComputeDtype> = { 8: 'int8', 6: 'int8', 4: 'int4', 3: 'int4', 2: 'int2', 1: 'int1' };

export function getFormat(name: string): TensorFormat {
  const fixed = FIXED[name];
  if (fixed) return { name, ...fixed };
  const m = /^(int|binary)(\d*)(?:-g(\d+))?$/.exec(name);
  if (m) {
    const bits = m[1] === 'binary' ? 1 : Number(m[2]);
    if (m[1] === 'int' && (bits < 2 || bits > 8)) throw unknown(name);
    if (m[1] === 'binary' && m[2] !== '') throw unknown(name);
    const group = m[3] === undefined ? undefined : Number(m[3]);
    return {
      name,
      elementBits: bits,
      bitsPerElement: bits + (group ? SCALE_BITS / group : 0),
      computeDtype: INT_DTYPE[bits] ?? 'int8',
      isFloat: false,
      ...(group ? { groupSize: group } : {}),
    };
  }
  throw unknown(name);
}

function unknown(name: string): AccelscopeError {
  return new AccelscopeError('unknown-format', `unknown number format '${name}'`);
}

export function formatNames(): string[] {
  return Object.keys(FIXED);
}
