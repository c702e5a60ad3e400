/**
 * `calibrate`: fits the named calibration factors of an arch (one number per device, never per
 * shape; bounded to each factor's declared range) to the kernel times of profiler traces.
 *
 * Objective: the mean over measured ops of (ln(simulated / measured))² — every op weighs the same
 * whatever its length, and a factor of 2 too fast costs what a factor of 2 too slow does. The
 * search is fit-search.ts (deterministic, bounded). The fit is refused when the traces cannot
 * constrain a factor: if moving that factor by a tenth of its searched interval (either way, the
 * others at their fitted values) raises the RMS log error by less than MIN_RMS_RISE, the measured
 * ops do not depend on it (e.g. no memory-bound kernel ⇒ dramBandwidthEfficiency is free) and
 * any value written would be noise.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { RunOptions } from '../engine/run.ts';
import { AccelscopeError } from '../util/errors.ts';
import type { MeasuredPass } from './measured-ops.ts';
import { simulatePass } from './simulate-pass.ts';
import { relError, summarizeErrors, type ErrorSummary } from './error-stats.ts';
import { coordinateSearch } from './fit-search.ts';
import { fittableFactors, fromUnit, toUnit, withFactors, type FitFactor } from './fit-factors.ts';

/** Smallest rise of the RMS log error (≈ a relative error) that counts as "the traces see this factor". */
export const MIN_RMS_RISE = 0.005;
/** The sensitivity probe: a tenth of the searched interval, each way. */
export const PROBE_STEP = 0.1;
/** Significant digits of a written factor (the reported errors are those of the rounded values). */
export const FACTOR_DIGITS = 4;

export interface FitQuality {
  ops: number;
  /** sqrt(mean (ln sim/meas)²): about the typical relative error. */
  rmsLogError: number;
  errors: ErrorSummary;
  measuredSeconds: number;
  simulatedSeconds: number;
  /** Of the totals. */
  totalError: number | null;
}

export interface FittedFactor {
  name: string;
  unit: string;
  min: number;
  max: number;
  before: number;
  value: number;
  /** 'min' / 'max' when the fit stopped at an end of the searched interval. */
  atBound: 'min' | 'max' | null;
  /** Rise of the RMS log error when the factor moves by PROBE_STEP of its interval. */
  sensitivity: number;
}

export interface CalibrationResult {
  factors: FittedFactor[];
  fit: { before: FitQuality; after: FitQuality };
  heldOut?: { before: FitQuality; after: FitQuality };
  evaluations: number;
  arch: ArchConfig;
}

type Sample = MeasuredPass;

/** The passes with at least one measured op. */
function samples(passes: MeasuredPass[]): Sample[] {
  return passes.filter((p) => p.measuredSeconds.some((m) => m > 0));
}

/** (simulated, measured) of every measured op group of the set. */
function pairs(set: Sample[], arch: ArchConfig, quant: QuantScheme, options: RunOptions): [number, number][] {
  const out: [number, number][] = [];
  for (const s of set) for (const g of simulatePass(s, arch, quant, options).groups) if (g.measuredSeconds > 0) out.push([g.simulatedSeconds, g.measuredSeconds]);
  return out;
}

function quality(set: Sample[], arch: ArchConfig, quant: QuantScheme, options: RunOptions): FitQuality {
  const p = pairs(set, arch, quant, options);
  const sq = p.reduce((a, [t, m]) => a + Math.log(t / m) ** 2, 0);
  const meas = p.reduce((a, [, m]) => a + m, 0);
  const sim = p.reduce((a, [t]) => a + t, 0);
  return { ops: p.length, rmsLogError: Math.sqrt(sq / Math.max(1, p.length)), errors: summarizeErrors(p.map(([t, m]) => relError(t, m))), measuredSeconds: meas, simulatedSeconds: sim, totalError: relError(sim, meas) };
}

function objective(set: Sample[], arch: ArchConfig, quant: QuantScheme, options: RunOptions): number {
  const p = pairs(set, arch, quant, options);
  return p.reduce((a, [t, m]) => a + Math.log(t / m) ** 2, 0) / Math.max(1, p.length);
}

const round = (v: number) => Number(v.toPrecision(FACTOR_DIGITS));

export interface CalibrateOptions extends RunOptions {
  /** Fit only these factors (default: every factor the model uses for this arch). */
  factors?: string[];
  /** Source text recorded with each fitted value. */
  source?: string;
  /** File named in a refusal. */
  file?: string;
}

export function calibrate(fitPasses: MeasuredPass[], heldOutPasses: MeasuredPass[], arch: ArchConfig, quant: QuantScheme, o: CalibrateOptions = {}): CalibrationResult {
  const { factors: only, source = 'accelscope calibrate', file, ...runOptions } = o;
  const factors = fittableFactors(arch, only);
  if (!factors.length) throw new AccelscopeError('unsupported', `${arch.name} [${arch.kind}] has no calibration factor to fit`, { file });
  const fitSet = samples(fitPasses);
  if (!fitSet.length) throw new AccelscopeError('unsupported', 'no op of the fitted passes has a measured kernel: nothing to fit', { file });
  const heldSet = samples(heldOutPasses);
  const at = (u: number[]) => withFactors(arch, Object.fromEntries(factors.map((f, i) => [f.name, fromUnit(f, u[i]!)])), source);
  const J = (u: number[]) => objective(fitSet, at(u), quant, runOptions);

  const start = factors.map((f) => toUnit(f, f.start));
  const found = coordinateSearch(J, start);
  const rounded = factors.map((f, i) => round(fromUnit(f, found.u[i]!)));
  const uRounded = factors.map((f, i) => toUnit(f, rounded[i]!));
  const jStar = J(uRounded);

  // Sensitivity of the fit to each factor, the others held at their fitted values.
  const fitted: FittedFactor[] = factors.map((f, i) => {
    const probe = (du: number) => {
      const u = [...uRounded];
      u[i] = Math.min(1, Math.max(0, u[i]! + du));
      return J(u);
    };
    const rise = Math.sqrt(Math.max(probe(PROBE_STEP), probe(-PROBE_STEP))) - Math.sqrt(jStar);
    const u = found.u[i]!;
    return {
      name: f.name, unit: f.unit, min: f.min, max: f.max, before: f.start, value: rounded[i]!,
      atBound: u <= 1e-6 ? 'min' : u >= 1 - 1e-6 ? 'max' : null, sensitivity: rise,
    };
  });
  const free = fitted.filter((f) => !(f.sensitivity >= MIN_RMS_RISE));
  if (free.length) {
    const f = free[0]!;
    const rest = fitted.filter((x) => !free.includes(x)).map((x) => x.name);
    const hint = rest.length ? `; fit the others alone with --factors ${rest.join(',')}` : '';
    throw new AccelscopeError('unsupported',
      `the traces cannot constrain ${free.map((x) => x.name).join(', ')}: moving ${f.name} by a tenth of its range changes the RMS log error of the fit by ${f.sensitivity.toFixed(4)} (needs ≥ ${MIN_RMS_RISE}) — no measured op's simulated time depends on it${hint}`,
      { file });
  }
  const calibrated = withFactors(arch, Object.fromEntries(fitted.map((f) => [f.name, f.value])), source);
  return {
    factors: fitted,
    fit: { before: quality(fitSet, arch, quant, runOptions), after: quality(fitSet, calibrated, quant, runOptions) },
    ...(heldSet.length ? { heldOut: { before: quality(heldSet, arch, quant, runOptions), after: quality(heldSet, calibrated, quant, runOptions) } } : {}),
    evaluations: found.evaluations + 2 * factors.length + 1,
    arch: calibrated,
  };
}

export type { FitFactor };
