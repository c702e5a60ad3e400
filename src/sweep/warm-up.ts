/**
 * Warm-up probes of a sweep worker. V8 optimizes a hot function for the object shapes and code
 * paths it has seen so far; a grid walks its first parameter fastest, so a worker meets the
 * second quant scheme (or workload, arch, stack …), or the first power-limited kernel, only
 * after the model's functions were optimized without it, and each such meeting deoptimizes and
 * recompiles them (a 10,000-point four-scheme H100 sweep: ~50 deopts and ~210 optimizing
 * compiles per worker). Before its first chunk a worker evaluates a few probes, so every
 * function has its shapes before it is optimized:
 *   - each value of each few-valued dimension (schemes, workloads, archs, systems, stacks, short
 *     parameter lists), once with every parameter at its first value and once at its last (the
 *     corner where kernels are largest: power-limited clocks, other tiles);
 *   - the first, middle and last value of each many-valued parameter.
 * Measured on that sweep (in one thread, `--trace-deopt --trace-opt`): 50 → 6 deopts, 202 → 141
 * optimizing compiles (the probes alone, without the corners: 24 deopts). The results are discarded —
 * evaluatePoint is pure, so the lines a worker writes are the same with or without them.
 */
import type { PointSpace } from './points.ts';

/** A dimension with more values than this is probed at its first, middle and last value. */
const ALL_VALUES_UP_TO = 8;
/** Indices of the warm-up probes (distinct, index 0 first), at most `max`. */
export function warmUpIndices(space: PointSpace, max = 48): number[] {
  const dims = space.dims;
  const first = dims.map(() => 0);
  const last = dims.map((d) => d.values.length - 1);
  const out = new Set<number>([0]);
  const add = (digits: number[]) => out.size < max && out.add(space.indexOf(digits));
  // Last dimension first: schemes, workloads, archs, systems and stacks (new object shapes) before
  // the numeric parameters (new values of the same shapes).
  for (let d = dims.length - 1; d >= 0; d--) {
    const n = dims[d]!.values.length;
    const picks = n <= ALL_VALUES_UP_TO ? [...Array(n).keys()] : [0, Math.floor((n - 1) / 2), n - 1];
    for (const v of picks) {
      for (const corner of [first, last]) {
        const digits = [...corner];
        digits[d] = v;
        add(digits);
      }
    }
  }
  return [...out];
}
