/**
 * One entry point for every tensor format: quantizeTensor(format, x, rows, cols) → QuantizedTensor
 * (codes, element values, scales), and dequantize(q) → the values it stands for. Dispatch is a
 * switch over the parsed name, so an unknown format is an error, never a silent pass-through.
 */
import { parseFormatName } from './spec.ts';
import { quantizeInt } from './int.ts';
import { quantizeMx, quantizeNvfp4 } from './block.ts';
import { quantizeFloat } from './float-tensor.ts';
import { quantizeBinary, quantizeTernary } from './ternary.ts';
import { dequantize, type QuantizedTensor } from './tensor.ts';
import type { TensorFormat } from './types.ts';
import { AccelscopeError } from '../util/errors.ts';

export { dequantize };

export function quantizeTensor(format: string | TensorFormat, x: ArrayLike<number>, rows: number, cols: number): QuantizedTensor {
  const name = typeof format === 'string' ? format : format.name;
  if (x.length !== rows * cols) throw new AccelscopeError('bad-flag', `quantize ${name}: ${x.length} values for a ${rows}×${cols} tensor`);
  const s = parseFormatName(name === 'tf32' ? 'fp32' : name);
  switch (s.kind) {
    case 'float':
      return quantizeFloat(x, rows, cols, s);
    case 'int':
      return quantizeInt(x, rows, cols, s);
    case 'mx':
      return quantizeMx(x, rows, cols, s);
    case 'nvfp4':
      return quantizeNvfp4(x, rows, cols, s.blockSize, s.name);
    case 'ternary':
      return quantizeTernary(x, rows, cols);
    case 'binary':
      return quantizeBinary(x, rows, cols, s.groupSize, s.name);
  }
}

/** Quantize then dequantize: the values a format can hold nearest to x under its scaling rule. */
export function fakeQuantize(format: string | TensorFormat, x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  return dequantize(quantizeTensor(format, x, rows, cols));
}
