/**
 * The factors `calibrate` may fit: the calibration factors the arch's kind declares (name, unit,
 * range, default, source: src/hw/<kind>/calibration.ts) that its model uses for this config. Each
 * is searched on a bounded interval inside its declared range, mapped to [0, 1]:
 *  - a fraction (unit 'fraction') linearly over [max(min, 0.01·max), max]: below 1% of a peak no
 *    device runs, and the end must be finite for the search;
 *  - anything else (a time, 's') logarithmically over [max(min, 1e-4·max), max]: four decades
 *    (for kernelLaunchSeconds 0.1 µs … 1 ms; below 0.1 µs a cost cannot be told from none by
 *    kernel times recorded to the microsecond).
 */
import type { ArchConfig } from '../arch/base.ts';
import { resolveCalibration } from '../arch/calibration.ts';
import { getModel } from '../hw/registry.ts';
import { AccelscopeError } from '../util/errors.ts';

export interface FitFactor {
  name: string;
  /** Which input the factor belongs to: the arch config (later: the software stack). */
  owner: 'arch';
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

export function fittableFactors(arch: ArchConfig, only?: string[]): FitFactor[] {
  const decl = getModel(arch.kind).calibration;
  const used = resolveCalibration(arch, decl);
  const all = used.map((u): FitFactor => {
    const d = decl.find((x) => x.name === u.name)!;
    const fraction = d.unit === 'fraction';
    const lo = Math.max(d.min, (fraction ? 1e-2 : 1e-4) * d.max);
    return { name: d.name, owner: 'arch', unit: d.unit, min: d.min, max: d.max, lo, hi: d.max, scale: fraction ? 'linear' : 'log', start: u.value };
  });
  if (!only) return all;
  for (const n of only) {
    if (!all.some((f) => f.name === n)) {
      throw new AccelscopeError('bad-flag', `--factors: '${n}' is not a calibration factor of ${arch.name} [${arch.kind}] (it has ${all.map((f) => f.name).join(', ') || 'none'})`);
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

/** The arch with these factor values set (source text recorded with each). */
export function withFactors(arch: ArchConfig, values: Record<string, number>, source: string): ArchConfig {
  const calibration = { ...(arch.calibration ?? {}) } as NonNullable<ArchConfig['calibration']>;
  for (const [name, value] of Object.entries(values)) calibration[name] = { value, source };
  return { ...arch, calibration };
}
