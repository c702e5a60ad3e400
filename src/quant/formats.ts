import type { ComputeDtype, TensorFormat } from './types.ts';
import { parseFormatName, type FormatSpec } from './spec.ts';
import { mustMinifloat } from './minifloat.ts';
import { ownTable } from '../util/own.ts';

/**
 * The storage description of every format the simulator knows; the bit-exact codecs live beside
 * it (minifloat.ts, int.ts, block.ts, ternary.ts, codec.ts) and read the same name parser.
 * `bitsPerElement` amortizes scales and zero points over the elements that share them:
 * int4-g128 (fp16 scale) = 4 + 16/128 = 4.125; int4-g128-asym adds a 4-bit zero point = 4.15625
 * (int4-g128-asymf an fp16 zero point = 4.25);
 * MX = element + 8/32; NVFP4 = 4 + 8/16 = 4.5. Per-row and per-tensor scales are amortized over
 * a whole row or tensor, whose length a format does not know: they count as 0.
 */
const SCALE_BITS: Record<string, number> = ownTable({ fp16: 16, bf16: 16, fp32: 32 });

const FLOAT_DTYPE: Record<string, ComputeDtype> = ownTable({
  fp32: 'fp32',
  fp16: 'fp16',
  bf16: 'bf16',
  'fp8-e4m3': 'fp8',
  'fp8-e5m2': 'fp8',
  'fp6-e3m2': 'fp6',
  'fp6-e2m3': 'fp6',
  'fp4-e2m1': 'fp4',
  int8: 'int8',
});
const INT_DTYPE: Record<number, ComputeDtype> = ownTable({ 8: 'int8', 7: 'int8', 6: 'int8', 5: 'int8', 4: 'int4', 3: 'int4', 2: 'int2', 1: 'int1' });

/** 'tf32' is a compute dtype stored as fp32; kept as a format name for configs that use it. */
const TF32: TensorFormat = { name: 'tf32', elementBits: 32, bitsPerElement: 32, computeDtype: 'tf32', isFloat: true };

export function getFormat(name: string): TensorFormat {
  if (name === 'tf32') return { ...TF32 };
  return formatOf(parseFormatName(name));
}

export function formatOf(s: FormatSpec): TensorFormat {
  switch (s.kind) {
    case 'float': {
      const bits = mustMinifloat(s.element).bits;
      return { name: s.name, elementBits: bits, bitsPerElement: bits, computeDtype: FLOAT_DTYPE[s.element]!, isFloat: true };
    }
    case 'mx': {
      const bits = s.element === 'int8' ? 8 : mustMinifloat(s.element).bits;
      return {
        name: s.name,
        elementBits: bits,
        bitsPerElement: bits + 8 / s.blockSize,
        computeDtype: FLOAT_DTYPE[s.element]!,
        isFloat: s.element !== 'int8',
        groupSize: s.blockSize,
      };
    }
    case 'nvfp4':
      return { name: s.name, elementBits: 4, bitsPerElement: 4 + 8 / s.blockSize, computeDtype: 'fp4', isFloat: true, groupSize: s.blockSize };
    case 'ternary':
      return { name: s.name, elementBits: 2, bitsPerElement: 2, computeDtype: 'ternary', isFloat: false };
    case 'binary':
      return {
        name: s.name,
        elementBits: 1,
        bitsPerElement: 1 + (s.groupSize ? 16 / s.groupSize : 0),
        computeDtype: 'int1',
        isFloat: false,
        ...(s.groupSize ? { groupSize: s.groupSize } : {}),
      };
    case 'int': {
      const zeroBits = s.symmetric ? 0 : s.floatZero ? SCALE_BITS[s.scaleFormat]! : s.bits;
      const perGroupBits = s.groupSize ? SCALE_BITS[s.scaleFormat]! + zeroBits : 0;
      return {
        name: s.name,
        elementBits: s.bits,
        bitsPerElement: s.bits + (s.groupSize ? perGroupBits / s.groupSize : 0),
        computeDtype: INT_DTYPE[s.bits]!,
        isFloat: false,
        ...(s.groupSize ? { groupSize: s.groupSize } : {}),
      };
    }
  }
}

/** The fixed-name formats (integer formats are a family: int2..int8 with options). */
export function formatNames(): string[] {
  return [
    'fp32',
    'tf32',
    'fp16',
    'bf16',
    'fp8-e4m3',
    'fp8-e5m2',
    'fp6-e3m2',
    'fp6-e2m3',
    'fp4-e2m1',
    'mxfp8-e4m3',
    'mxfp8-e5m2',
    'mxfp6-e3m2',
    'mxfp6-e2m3',
    'mxfp4',
    'mxint8',
    'nvfp4',
    'ternary',
    'binary',
  ];
}
