/**
 * `calibrate`: fits the named calibration factors of an arch — and, under a software stack, the
 * stack's launch factors — to the kernel times of profiler traces: one number per device and per
 * stack, never per shape, bounded to each factor's declared range (fit-factors.ts).
 *
 * Residuals: ln(simulated / measured) of every measured op group (op-groups.ts), each weighted
 * 1/√(ops); under a stack also ln(simulated step / measured wall time) of every pass (the stack's
 * launch gaps and host time live only in the step), weighted 1/√(passes). The objective is their
 * sum of squares: a factor of 2 too fast costs what a factor of 2 too slow does, and the ops and
 * the steps weigh the same in total. The search is fit-search.ts (deterministic, bounded).
 *
 * Refusal: a factor the traces cannot constrain is refused with one line. Its sensitivity is the
 * change of the residuals that moving it by PROBE_STEP of its searched interval causes and that no
 * other fitted factor can absorb (the part of its finite-difference Jacobian column orthogonal to
 * the other columns), as an RMS over the residual weights. Below MIN_SENSITIVITY the measured
 * kernels do not depend on it (no memory-bound kernel ⇒ dramBandwidthEfficiency), or only the
 * way another factor does (hostStepSeconds against graphKernelGapSeconds on steps of one
 * kernel count), and any value written would be noise.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { RunOptions } from '../engine/run.ts';
import type { Stack } from '../stack/schema.ts';
import { AccelscopeError } from '../util/errors.ts';
import type { MeasuredPass } from './measured-ops.ts';
import { simulatePass } from './simulate-pass.ts';
import { relError, summarizeErrors, type ErrorSummary } from './error-stats.ts';
import { coordinateSearch } from './fit-search.ts';
import { fittableFactors, fromUnit, toUnit, withFactors, type FitFactor } from './fit-factors.ts';

/** Smallest unabsorbable residual change (≈ a relative time error, RMS) that counts as "the traces see this factor". */
export const MIN_SENSITIVITY = 0.005;
/** The probe: a tenth of the searched interval. */
export const PROBE_STEP = 0.1;
/** Significant digits of a written factor (the reported errors are those of the rounded values). */
export const FACTOR_DIGITS = 4;

export interface FitQuality {
  /** Measured op groups. */
  ops: number;
  /** sqrt(mean (ln sim/meas)²) over the ops: about the typical relative error. */
  rmsLogError: number;
  errors: ErrorSummary;
  measuredSeconds: number;
  simulatedSeconds: number;
  /** Of the op totals. */
  totalError: number | null;
  /** Under a stack: simulated step against measured wall time, per pass. */
  steps?: { measuredSeconds: number; simulatedSeconds: number; error: number | null }[];
}

export interface FittedFactor {
  name: string;
  owner: 'arch' | 'stack';
  unit: string;
  min: number;
  max: number;
  before: number;
  value: number;
  /** 'min' / 'max' when the fit stopped at an end of the searched interval. */
  atBound: 'min' | 'max' | null;
  /** RMS residual change a PROBE_STEP move causes that the other factors cannot absorb. */
  sensitivity: number;
}

export interface CalibrationResult {
  factors: FittedFactor[];
  fit: { before: FitQuality; after: FitQuality };
  heldOut?: { before: FitQuality; after: FitQuality };
  evaluations: number;
  arch: ArchConfig;
  stack?: Stack;
}

interface Evaluated {
  /** (simulated, measured) per measured op group. */
  ops: [number, number][];
  /** (simulated step, measured wall) per pass with a wall time, under a stack. */
  steps: [number, number][];
}

function evaluate(set: MeasuredPass[], arch: ArchConfig, stack: Stack | undefined, quant: QuantScheme, options: RunOptions): Evaluated {
  const out: Evaluated = { ops: [], steps: [] };
  for (const p of set) {
    const { run, groups } = simulatePass(p, arch, quant, { ...options, ...(stack ? { stack } : {}) });
    for (const g of groups) if (g.measuredSeconds > 0) out.ops.push([g.simulatedSeconds, g.measuredSeconds]);
    if (stack && p.wallSeconds) out.steps.push([run.totals.seconds, p.wallSeconds]);
  }
  return out;
}

function residuals(e: Evaluated): number[] {
  const wo = 1 / Math.sqrt(Math.max(1, e.ops.length));
  const ws = 1 / Math.sqrt(Math.max(1, e.steps.length));
  return [...e.ops.map(([t, m]) => wo * Math.log(t / m)), ...e.steps.map(([t, m]) => ws * Math.log(t / m))];
}

function quality(e: Evaluated): FitQuality {
  const sq = e.ops.reduce((a, [t, m]) => a + Math.log(t / m) ** 2, 0);
  const meas = e.ops.reduce((a, [, m]) => a + m, 0);
  const sim = e.ops.reduce((a, [t]) => a + t, 0);
  return {
    ops: e.ops.length,
    rmsLogError: Math.sqrt(sq / Math.max(1, e.ops.length)),
    errors: summarizeErrors(e.ops.map(([t, m]) => relError(t, m))),
    measuredSeconds: meas,
    simulatedSeconds: sim,
    totalError: relError(sim, meas),
    ...(e.steps.length ? { steps: e.steps.map(([t, m]) => ({ measuredSeconds: m, simulatedSeconds: t, error: relError(t, m) })) } : {}),
  };
}

/** |component of column f orthogonal to the span of the other columns| (Gram–Schmidt on the others). */
export function orthogonalNorm(cols: number[][], f: number): number {
  const basis: number[][] = [];
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
  const minus = (a: number[], b: number[], k: number) => a.map((x, i) => x - k * b[i]!);
  cols.forEach((c, i) => {
    if (i === f) return;
    let v = c;
    for (const b of basis) v = minus(v, b, dot(v, b));
    const n = Math.sqrt(dot(v, v));
    if (n > 1e-12) basis.push(v.map((x) => x / n));
  });
  let v = cols[f]!;
  for (const b of basis) v = minus(v, b, dot(v, b));
  return Math.sqrt(dot(v, v));
}

const round = (v: number) => Number(v.toPrecision(FACTOR_DIGITS));

export interface CalibrateOptions extends RunOptions {
  /** Fit only these factors (default: every factor the model and the stack's launch mode use). */
  factors?: string[];
  /** Source text recorded with each fitted value. */
  source?: string;
  /** File named in a refusal. */
  file?: string;
}

export function calibrate(
  fitPasses: MeasuredPass[],
  heldOutPasses: MeasuredPass[],
  arch: ArchConfig,
  quant: QuantScheme,
  o: CalibrateOptions = {},
): CalibrationResult {
  const { factors: only, source = 'accelscope calibrate', file, stack, ...runOptions } = o;
  const factors = fittableFactors(arch, only, stack);
  if (!factors.length) throw new AccelscopeError('unsupported', `${arch.name} [${arch.kind}] has no calibration factor to fit`, { file });
  const fitSet = fitPasses.filter((p) => p.measuredSeconds.some((m) => m > 0));
  if (!fitSet.length) throw new AccelscopeError('unsupported', 'no op of the fitted passes has a measured kernel: nothing to fit', { file });
  const heldSet = heldOutPasses.filter((p) => p.measuredSeconds.some((m) => m > 0));
  const configsAt = (values: number[]) => withFactors(factors, values, arch, stack, source);
  const evalAt = (u: number[]) => {
    const c = configsAt(factors.map((f, i) => fromUnit(f, u[i]!)));
    return evaluate(fitSet, c.arch, c.stack, quant, runOptions);
  };
  const J = (u: number[]) => residuals(evalAt(u)).reduce((a, r) => a + r * r, 0);

  const found = coordinateSearch(
    J,
    factors.map((f) => toUnit(f, f.start)),
  );
  const values = factors.map((f, i) => round(fromUnit(f, found.u[i]!)));
  const uStar = factors.map((f, i) => toUnit(f, values[i]!));

  // Finite-difference Jacobian columns over a PROBE_STEP (one-sided at a bound).
  const cols = factors.map((_, i) => {
    const up = [...uStar];
    const down = [...uStar];
    up[i] = Math.min(1, uStar[i]! + PROBE_STEP / 2);
    down[i] = Math.max(0, uStar[i]! - PROBE_STEP / 2);
    const a = residuals(evalAt(up));
    const b = residuals(evalAt(down));
    const scale = PROBE_STEP / Math.max(1e-12, up[i] - down[i]);
    return a.map((x, k) => (x - b[k]!) * scale);
  });
  const fitted: FittedFactor[] = factors.map((f, i) => {
    const u = found.u[i]!;
    return {
      name: f.name,
      owner: f.owner,
      unit: f.unit,
      min: f.min,
      max: f.max,
      before: f.start,
      value: values[i]!,
      atBound: u <= 1e-6 ? 'min' : u >= 1 - 1e-6 ? 'max' : null,
      sensitivity: orthogonalNorm(cols, i),
    };
  });
  const free = fitted.filter((f) => !(f.sensitivity >= MIN_SENSITIVITY));
  if (free.length) {
    const f = free[0]!;
    const rest = fitted.filter((x) => !free.includes(x)).map((x) => x.name);
    const hint = rest.length ? `; fit the others alone with --factors ${rest.join(',')}` : '';
    throw new AccelscopeError(
      'unsupported',
      `the traces cannot constrain ${free.map((x) => x.name).join(', ')}: moving ${f.name} by a tenth of its range changes the fit's log errors by ${f.sensitivity.toFixed(4)} RMS beyond what the other factors absorb (needs ≥ ${MIN_SENSITIVITY}) — no measured kernel${stack ? ' or step' : ''} depends on it${hint}`,
      { file },
    );
  }
  const after = configsAt(values);
  const q = (set: MeasuredPass[], a: ArchConfig, s: Stack | undefined) => quality(evaluate(set, a, s, quant, runOptions));
  return {
    factors: fitted,
    fit: { before: q(fitSet, arch, stack), after: q(fitSet, after.arch, after.stack) },
    ...(heldSet.length ? { heldOut: { before: q(heldSet, arch, stack), after: q(heldSet, after.arch, after.stack) } } : {}),
    evaluations: found.evaluations + 2 * factors.length,
    arch: after.arch,
    ...(after.stack ? { stack: after.stack } : {}),
  };
}

export type { FitFactor };
