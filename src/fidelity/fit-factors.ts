/**
 * The factors `calibrate` may fit: the calibration factors the arch's kind declares (name, unit,
 * range, default, source: src/hw/<kind>/calibration.ts) that its model uses for this config, and,
 * under a software stack, the stack factors (src/stack/factors.ts) its launch mode uses
 * (src/stack/step-time.ts: cuda-graph — graphKernelGapSeconds, hostStepSeconds; eager and
 * runtime — hostLaunchSeconds, hostStepSeconds). Each
 * is searched on a bounded interval inside its declared range, mapped to [0, 1]:
 *  - a fraction (unit 'fraction') linearly over [max(min, 0.01·max), max]: below 1% of a peak no
 *    device runs, and the end must be finite for the search;
 *  - anything else (a time, 's') logarithmically over [max(min, 1e-4·max), max]: four decades
 *    (for kernelLaunchSeconds 0.1 µs … 1 ms; below 0.1 µs a cost cannot be told from none by
 *    kernel times recorded to the microsecond).
 * A factor declared `fitByDefault: false` (the GPU's power-limiter factors) is fitted only when
 * `--factors` names it.
 */
import type { ArchConfig } from '../arch/base.ts';
import { resolveCalibration } from '../arch/calibration.ts';
import { getModel } from '../hw/registry.ts';
import { AccelscopeError } from '../util/errors.ts';
import type { Stack } from '../stack/schema.ts';
import { STACK_FACTORS } from '../stack/factors.ts';
import type { CalibrationFactor } from '../arch/calibration.ts';

/** Stack factors each launch mode's step time reads (src/stack/step-time.ts). */
export const STACK_FACTORS_USED: Record<Stack['launch'], readonly string[]> = {
  'cuda-graph': ['graphKernelGapSeconds', 'hostStepSeconds'],
  eager: ['hostLaunchSeconds', 'hostStepSeconds'],
  runtime: ['hostLaunchSeconds', 'hostStepSeconds'],
};

export interface FitFactor {
  name: string;
  /** Which input the factor belongs to: the arch config or the software stack. */
  owner: 'arch' | 'stack';
  unit: string;
  /** Declared range. */
  min: number;
  max: number;
  /** Searched interval and its scale. */
  lo: number;
  hi: number;
  scale: 'linear' | 'log';
  /** The value the config gives today (set or default). */
  start: number;
}

function fitFactor(d: CalibrationFactor, owner: 'arch' | 'stack', start: number): FitFactor {
  const fraction = d.unit === 'fraction';
  const lo = Math.max(d.min, (fraction ? 1e-2 : 1e-4) * d.max);
  return { name: d.name, owner, unit: d.unit, min: d.min, max: d.max, lo, hi: d.max, scale: fraction ? 'linear' : 'log', start };
}

export function fittableFactors(arch: ArchConfig, only?: string[], stack?: Stack): FitFactor[] {
  const decl = getModel(arch.kind).calibration;
  const all = resolveCalibration(arch, decl).map((u) => fitFactor(decl.find((x) => x.name === u.name)!, 'arch', u.value));
  const byDefault = (f: FitFactor) => f.owner === 'stack' || decl.find((x) => x.name === f.name)?.fitByDefault !== false;
  if (stack) {
    const used = STACK_FACTORS_USED[stack.launch];
    for (const u of resolveCalibration(stack, STACK_FACTORS))
      if (used.includes(u.name)) all.push(fitFactor(STACK_FACTORS.find((x) => x.name === u.name)!, 'stack', u.value));
  }
  if (!only) return all.filter(byDefault);
  for (const n of only) {
    if (!all.some((f) => f.name === n)) {
      throw new AccelscopeError(
        'bad-flag',
        `--factors: '${n}' is not a calibration factor of ${arch.name} [${arch.kind}]${stack ? ` or of stack ${stack.name} (${stack.launch})` : ''} (it has ${all.map((f) => f.name).join(', ') || 'none'})`,
      );
    }
  }
  return all.filter((f) => only.includes(f.name));
}

/** Factor value → search coordinate in [0, 1] (clamped). */
export function toUnit(f: FitFactor, v: number): number {
  const x = f.scale === 'log' ? Math.log(Math.max(v, f.lo) / f.lo) / Math.log(f.hi / f.lo) : (v - f.lo) / (f.hi - f.lo);
  return Math.min(1, Math.max(0, x));
}

export function fromUnit(f: FitFactor, u: number): number {
  return f.scale === 'log' ? f.lo * (f.hi / f.lo) ** u : f.lo + u * (f.hi - f.lo);
}

type Calibrated = { calibration?: Record<string, { value: number; source: string; description?: string }> };

function setValues<T extends Calibrated>(doc: T, values: [string, number][], source: string): T {
  if (!values.length) return doc;
  const calibration = { ...(doc.calibration ?? {}) };
  for (const [name, value] of values) calibration[name] = { value, source };
  return { ...doc, calibration };
}

/** The arch (and stack) with these factor values set, each recorded with `source`. */
export function withFactors<S extends Stack | undefined>(
  factors: FitFactor[],
  values: number[],
  arch: ArchConfig,
  stack: S,
  source: string,
): { arch: ArchConfig; stack: S } {
  const pick = (owner: 'arch' | 'stack') => factors.flatMap((f, i): [string, number][] => (f.owner === owner ? [[f.name, values[i]!]] : []));
  return {
    arch: setValues(arch as ArchConfig & Calibrated, pick('arch'), source),
    stack: (stack ? setValues(stack as Stack & Calibrated, pick('stack'), source) : stack) as S,
  };
}

/** The arch with these arch factor values set (tests and callers without a stack). */
export function withArchFactors(arch: ArchConfig, values: Record<string, number>, source: string): ArchConfig {
  return setValues(arch as ArchConfig & Calibrated, Object.entries(values), source);
}
