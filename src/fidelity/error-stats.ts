/**
 * Error statistics of simulated against measured times, shared by `trace compare` and
 * `calibrate`. The error of one op is `simulated / measured − 1` (signed: negative = the model is
 * fast); the summary statistics are over its magnitude |error|. Percentiles interpolate linearly
 * between closest ranks (numpy's default), as every percentile the tool prints.
 */
import { percentile } from '../serve/metrics.ts';

/** simulated / measured − 1; null where nothing was measured. */
export function relError(simulatedSeconds: number, measuredSeconds: number): number | null {
  return measuredSeconds > 0 ? simulatedSeconds / measuredSeconds - 1 : null;
}

export interface ErrorSummary {
  /** Ops with a measured time (the statistics are over these). */
  n: number;
  /** Median and 90th percentile of |error| (fractions). */
  medianAbs: number;
  p90Abs: number;
  /** Largest |error|. */
  maxAbs: number;
  /** Median of the signed error: negative = the model is fast on the typical op. */
  medianSigned: number;
}

/** Summary of a list of signed errors (nulls skipped); NaN fields when there is none. */
export function summarizeErrors(errors: (number | null)[]): ErrorSummary {
  const e = errors.filter((x): x is number => x !== null && Number.isFinite(x));
  const abs = Array.from(Float64Array.from(e.map(Math.abs)).sort());
  const signed = Array.from(Float64Array.from(e).sort());
  return {
    n: e.length,
    medianAbs: percentile(abs, 50),
    p90Abs: percentile(abs, 90),
    maxAbs: abs.length ? abs[abs.length - 1]! : NaN,
    medianSigned: percentile(signed, 50),
  };
}
