/**
 * Ternary and binary weights.
 *   ternary (BitNet b1.58, Ma et al. 2024, arXiv 2402.17764 §2 eq. 1–3): γ = mean|W| over the
 *     tensor, W̃ = clamp(RNE(W / (γ + ε)), −1, +1), ε = 1e−5 as in the paper; x̂ = W̃ · γ. Codes are
 *     −1/0/+1 (2 bits stored: 00 = 0, 01 = +1, 11 = −1).
 *   binary (BitNet, Wang et al. 2023, arXiv 2310.11453 §2; XNOR-Net α): x̂ = sign(x) · α with
 *     α = mean|x| per tensor (or per group of G along a row); sign(±0) = +1. Codes 1 = +1, 0 = −1.
 * The scale is kept in fp32.
 */
import { AccelscopeError } from '../util/errors.ts';
import { rne } from './minifloat.ts';
import { groupedTensor, tensorBuffers, type QuantizedTensor } from './tensor.ts';
import { forEachGroup, groupLayout } from './int.ts';

export const BITNET_EPS = 1e-5;

function finite(x: ArrayLike<number>, name: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new AccelscopeError('unsupported', `${name}: cannot encode ${x[i]} (no NaN or infinity)`);
  }
}

export function quantizeTernary(x: ArrayLike<number>, rows: number, cols: number): QuantizedTensor {
  const n = rows * cols;
  finite(x, 'ternary');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(x[i]!);
  const gamma = Math.fround(n ? sum / n : 0);
  const layout = groupLayout(rows, cols, 'tensor');
  const buf = tensorBuffers(rows, cols, layout);
  const { codes, values } = buf;
  for (let i = 0; i < n; i++) {
    const q = Math.min(1, Math.max(-1, rne(x[i]! / (gamma + BITNET_EPS))));
    codes[i] = q;
    values[i] = q;
  }
  buf.scales[0] = gamma;
  return groupedTensor('ternary', rows, cols, layout, buf, 'fp32');
}

export function quantizeBinary(x: ArrayLike<number>, rows: number, cols: number, groupSize?: number, name = 'binary'): QuantizedTensor {
  finite(x, name);
  const layout = groupLayout(rows, cols, groupSize ? 'group' : 'tensor', groupSize);
  const buf = tensorBuffers(rows, cols, layout);
  const { codes, values, scales } = buf;
  forEachGroup(rows, cols, layout, (g, ranges) => {
    let sum = 0;
    let n = 0;
    for (const [a, b] of ranges)
      for (let i = a; i < b; i++) {
        sum += Math.abs(x[i]!);
        n++;
      }
    scales[g] = Math.fround(n ? sum / n : 0);
    for (const [a, b] of ranges) {
      for (let i = a; i < b; i++) {
        const neg = x[i]! < 0;
        codes[i] = neg ? 0 : 1;
        values[i] = neg ? -1 : 1;
      }
    }
  });
  return groupedTensor(name, rows, cols, layout, buf, 'fp32');
}
