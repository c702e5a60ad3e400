/**
 * Error figures of a computed matrix against its reference.
 *   maxAbsErr  max |c − ref|
 *   maxRelErr  max |c − ref| / Σ_k|a·w| — relative to the magnitude of the dot product's terms,
 *              the quantity floating-point summation bounds are stated in (an elementwise
 *              |c − ref|/|ref| is unbounded under cancellation)
 *   sqnrDb     10·log10(Σ ref² / Σ (c − ref)²); +Infinity when exact
 */
export interface ErrorStats {
  maxAbsErr: number;
  maxRelErr: number;
  sqnrDb: number;
  /** Outputs where one side is NaN/±Inf and the other is not, or the infinities differ. */
  nonFinite: number;
}

export function errorStats(c: ArrayLike<number>, ref: ArrayLike<number>, absRef?: ArrayLike<number>): ErrorStats {
  let maxAbs = 0;
  let maxRel = 0;
  let sig = 0;
  let noise = 0;
  let nonFinite = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    const v = c[i]!;
    if (!Number.isFinite(r) || !Number.isFinite(v)) {
      if (!Object.is(r, v) && !(Number.isNaN(r) && Number.isNaN(v))) nonFinite++;
      continue;
    }
    const e = Math.abs(v - r);
    if (e > maxAbs) maxAbs = e;
    const m = absRef ? absRef[i]! : Math.abs(r);
    if (e > 0) maxRel = Math.max(maxRel, m > 0 ? e / m : Infinity);
    sig += r * r;
    noise += e * e;
  }
  return { maxAbsErr: maxAbs, maxRelErr: maxRel, sqnrDb: noise === 0 ? Infinity : 10 * Math.log10(sig / noise), nonFinite };
}

/** ‖c − ref‖_F / ‖ref‖_F. */
export function relFrobenius(c: ArrayLike<number>, ref: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    const e = c[i]! - ref[i]!;
    num += e * e;
    den += ref[i]! * ref[i]!;
  }
  return den === 0 ? (num === 0 ? 0 : Infinity) : Math.sqrt(num / den);
}
