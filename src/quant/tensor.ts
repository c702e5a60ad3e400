/**
 * A quantized 2-D tensor [rows × cols], row-major: element codes, the element values they stand
 * for before scaling, and the scales (decoded) with their own codes. Scales are shared along a
 * row: `groupCols` consecutive elements of one row share scale index r·groupsPerRow + ⌊c/groupCols⌋
 * (a per-row scale has groupCols = cols); a per-tensor scale is the single scales[0].
 * The real value of element (r, c) is values[i] · scale(r, c) · tensorScale.
 */
export interface QuantizedTensor {
  format: string;
  rows: number;
  cols: number;
  /**
   * Codes as stored: float formats their bit pattern (sign in the top bit), integer formats the
   * stored integer (two's complement value when symmetric, unsigned code when asymmetric),
   * ternary −1/0/+1, binary 0 (−1) / 1 (+1).
   */
  codes: Int32Array;
  /** Element values before scaling (float: decoded code; int: code − zero point). */
  values: Float64Array;
  perTensor: boolean;
  groupCols: number;
  groupsPerRow: number;
  /** Decoded scale values: one, or rows × groupsPerRow. */
  scales: Float64Array;
  /** Each scale's own code in `scaleFormat` (fp16/bf16/fp32 bit pattern, E8M0 or E4M3 code). */
  scaleCodes: Int32Array;
  scaleFormat: 'none' | 'fp16' | 'bf16' | 'fp32' | 'e8m0' | 'fp8-e4m3';
  /** Asymmetric integer formats: zero point per scale group (the integer, or the float's code). */
  zeros?: Int32Array;
  /** 'int' (b-bit integer zero point) or the float format of a fractional zero point. */
  zeroFormat?: 'int' | 'fp16' | 'bf16' | 'fp32';
  /** Second-level scale (NVFP4's fp32 per-tensor scale); 1 elsewhere. */
  tensorScale: number;
}

export function scaleIndex(q: QuantizedTensor, r: number, c: number): number {
  return q.perTensor ? 0 : r * q.groupsPerRow + Math.floor(c / q.groupCols);
}

/** The real values the tensor stands for (float64, exact products of element and scales). */
export function dequantize(q: QuantizedTensor): Float64Array {
  const out = new Float64Array(q.rows * q.cols);
  const { cols, values, scales, tensorScale } = q;
  for (let r = 0; r < q.rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      out[i] = values[i]! * scales[scaleIndex(q, r, c)]! * tensorScale;
    }
  }
  return out;
}
