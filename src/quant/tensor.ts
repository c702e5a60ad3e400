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

/** How a [rows × cols] tensor is cut into scale groups (int.ts `groupLayout`). */
export interface GroupLayout {
  perTensor: boolean;
  groupCols: number;
  groupsPerRow: number;
  /** Scale groups: 1 per tensor, else rows × groupsPerRow. */
  count: number;
}

/** The arrays a codec fills: a code and a value per element, a scale and its code per group. */
export interface TensorBuffers {
  codes: Int32Array;
  values: Float64Array;
  scales: Float64Array;
  scaleCodes: Int32Array;
}

export function tensorBuffers(rows: number, cols: number, layout: GroupLayout): TensorBuffers {
  return {
    codes: new Int32Array(rows * cols),
    values: new Float64Array(rows * cols),
    scales: new Float64Array(layout.count),
    scaleCodes: new Int32Array(layout.count),
  };
}

/** The QuantizedTensor of filled buffers (fields in one order for every codec; zeros only for asymmetric integers). */
export function groupedTensor(
  format: string,
  rows: number,
  cols: number,
  layout: GroupLayout,
  b: TensorBuffers,
  scaleFormat: QuantizedTensor['scaleFormat'],
  rest: { zeros?: Int32Array; zeroFormat?: NonNullable<QuantizedTensor['zeroFormat']>; tensorScale?: number } = {},
): QuantizedTensor {
  return {
    format,
    rows,
    cols,
    codes: b.codes,
    values: b.values,
    perTensor: layout.perTensor,
    groupCols: layout.groupCols,
    groupsPerRow: layout.groupsPerRow,
    scales: b.scales,
    scaleCodes: b.scaleCodes,
    scaleFormat,
    ...(rest.zeros ? { zeros: rest.zeros, zeroFormat: rest.zeroFormat! } : {}),
    tensorScale: rest.tensorScale ?? 1,
  };
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
