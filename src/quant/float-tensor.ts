/**
 * Floating-point tensor formats without blocks.
 *   fp32 / fp16 / bf16: each element cast (RNE, IEEE overflow to ±Inf), no scale.
 *   fp8 / fp6 / fp4 as deployed for LLM GEMMs: one fp32 scale per tensor (or per row with -pc),
 *   s = fp32(amax / max_elem), elements = RN_sat(x / s) — the "delayed/current scaling" recipe of
 *   NVIDIA Transformer Engine and vLLM's per-tensor / per-channel FP8. Saturating, as those
 *   recipes cast (the element format's own non-saturating rule applies to unscaled `encode`).
 */
import { mustMinifloat } from './minifloat.ts';
import { groupedTensor, tensorBuffers, type QuantizedTensor } from './tensor.ts';
import type { FormatSpec } from './spec.ts';
import { forEachGroup, groupLayout } from './int.ts';

type FloatSpec = Extract<FormatSpec, { kind: 'float' }>;

export function quantizeFloat(x: ArrayLike<number>, rows: number, cols: number, s: FloatSpec): QuantizedTensor {
  const mf = mustMinifloat(s.element);
  const layout = groupLayout(rows, cols, s.scale === 'channel' ? 'channel' : 'tensor');
  const buf = tensorBuffers(rows, cols, layout);
  const { codes, values, scales, scaleCodes } = buf;
  const fp32 = mustMinifloat('fp32');
  forEachGroup(rows, cols, layout, (g, ranges) => {
    let scale = 1;
    if (s.scale !== 'none') {
      let amax = 0;
      for (const [a, b] of ranges) for (let i = a; i < b; i++) amax = Math.max(amax, Math.abs(x[i]!));
      scale = amax > 0 && Number.isFinite(amax) ? Math.fround(amax / mf.max) : 1;
      if (scale === 0) scale = fp32.minSubnormal;
    }
    scales[g] = scale;
    scaleCodes[g] = fp32.encode(scale);
    const rule = s.scale === 'none' ? mf.spec.overflow : 'saturate';
    for (const [a, b] of ranges) {
      for (let i = a; i < b; i++) {
        const c = mf.encode(scale === 1 ? x[i]! : x[i]! / scale, rule);
        codes[i] = c;
        values[i] = mf.decode(c);
      }
    }
  });
  return groupedTensor(s.name, rows, cols, layout, buf, s.scale === 'none' ? 'none' : 'fp32');
}
