/**
 * Integer quantization, bit-exact: INT2..INT8, symmetric or asymmetric, per tensor, per row
 * (output channel of a weight, token of an activation) or per group of G along the row, with an
 * fp16 / bf16 / fp32 scale.
 *   symmetric:  s = RN_scale(absmax / (2^(b−1) − 1)),  q = clamp(RNE(x / s), −2^(b−1), 2^(b−1) − 1)
 *   asymmetric: lo = min(x, 0), hi = max(x, 0)  (zero stays exact, as in GPTQ/AWQ),
 *               s = RN_scale((hi − lo) / (2^b − 1)), z = clamp(RNE(−lo / s), 0, 2^b − 1),
 *               q = clamp(RNE(x / s) + z, 0, 2^b − 1), x̂ = (q − z)·s
 *   asymmetric, float zero (-asymf, HQQ-style): z = RN_scale(−lo / s) kept fractional,
 *               q = clamp(RNE(x / s + z), 0, 2^b − 1), x̂ = (q − z)·s; `zeros` holds z's code
 * The scale is rounded to its storage format (saturating) BEFORE the elements are quantized, so
 * x̂ = q·s is exactly what a kernel holding the stored scale reconstructs. A zero scale (an all-
 * zero group, or one whose scale underflows) gives all-zero codes. NaN or ±Inf input is an error:
 * integers have no encoding for it.
 */
import { AccelscopeError } from '../util/errors.ts';
import { mustMinifloat, rne } from './minifloat.ts';
import { groupedTensor, tensorBuffers, type GroupLayout, type QuantizedTensor } from './tensor.ts';
import type { FormatSpec } from './spec.ts';

type IntSpec = Extract<FormatSpec, { kind: 'int' }>;

/** Scale groups of a [rows × cols] tensor: per tensor, per row, or G consecutive columns. */
export function groupLayout(rows: number, cols: number, granularity: 'tensor' | 'channel' | 'group', groupSize?: number): GroupLayout {
  if (granularity === 'tensor') return { perTensor: true, groupCols: cols, groupsPerRow: 1, count: 1 };
  const groupCols = granularity === 'channel' ? cols : groupSize!;
  const groupsPerRow = Math.ceil(cols / groupCols);
  return { perTensor: false, groupCols, groupsPerRow, count: rows * groupsPerRow };
}

/** Calls fn for each scale group with its element index ranges (a per-tensor group spans every row). */
export function forEachGroup(
  rows: number,
  cols: number,
  layout: { perTensor: boolean; groupCols: number; groupsPerRow: number },
  fn: (g: number, ranges: [number, number][]) => void,
): void {
  if (layout.perTensor) {
    fn(0, [[0, rows * cols]]);
    return;
  }
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < layout.groupsPerRow; j++) {
      const c0 = j * layout.groupCols;
      const c1 = Math.min(cols, c0 + layout.groupCols);
      fn(r * layout.groupsPerRow + j, [[r * cols + c0, r * cols + c1]]);
    }
  }
}

export function intRange(bits: number, symmetric: boolean): { qmin: number; qmax: number } {
  return symmetric ? { qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 } : { qmin: 0, qmax: 2 ** bits - 1 };
}

export function quantizeInt(x: ArrayLike<number>, rows: number, cols: number, s: IntSpec): QuantizedTensor {
  const layout = groupLayout(rows, cols, s.granularity, s.groupSize);
  const scaleFmt = mustMinifloat(s.scaleFormat);
  const buf = tensorBuffers(rows, cols, layout);
  const { codes, values, scales, scaleCodes } = buf;
  const zeros = s.symmetric ? undefined : new Int32Array(layout.count);
  const { qmin, qmax } = intRange(s.bits, s.symmetric);
  forEachGroup(rows, cols, layout, (g, ranges) => {
    let lo = 0;
    let hi = 0;
    for (const [a, b] of ranges) {
      for (let i = a; i < b; i++) {
        const v = x[i]!;
        if (!Number.isFinite(v)) throw new AccelscopeError('unsupported', `${s.name}: cannot encode ${v} (integers have no NaN or infinity)`);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const raw = s.symmetric ? Math.max(hi, -lo) / qmax : (hi - lo) / qmax;
    const sc = scaleFmt.encode(raw, 'saturate');
    scaleCodes[g] = sc;
    const scale = scaleFmt.decode(sc);
    scales[g] = scale;
    let z = 0;
    if (!s.symmetric && scale !== 0) {
      if (s.floatZero) {
        const zc = scaleFmt.encode(-lo / scale, 'saturate');
        z = scaleFmt.decode(zc);
        zeros![g] = zc;
      } else {
        z = Math.min(qmax, Math.max(0, rne(-lo / scale)));
        zeros![g] = z;
      }
    }
    for (const [a, b] of ranges) {
      for (let i = a; i < b; i++) {
        const q = scale === 0 ? Math.round(z) : Math.min(qmax, Math.max(qmin, s.floatZero ? rne(x[i]! / scale + z) : rne(x[i]! / scale) + z));
        codes[i] = q;
        values[i] = q - z;
      }
    }
  });
  return groupedTensor(s.name, rows, cols, layout, buf, s.scaleFormat, zeros ? { zeros, zeroFormat: s.floatZero ? s.scaleFormat : 'int' } : {});
}
