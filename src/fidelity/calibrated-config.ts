/**
 * The config `calibrate` writes: a file that `extends` the original arch config (path relative to
 * the written file) and sets only the fitted factors in `calibration`, each with its provenance
 * in `source` (traces, date, fit and held-out error) and the same text under `sources` at the
 * value's JSON pointer. `simulate --arch mine.json` loads it like any arch config.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import type { CalibrationResult, FitQuality } from './calibrate.ts';

export interface Provenance {
  traces: string[];
  heldOut: string[];
  fitPhase?: string;
  /** ISO date (YYYY-MM-DD) of the fit. */
  date: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
export const qualityText = (q: FitQuality) => `median |error| ${pct(q.errors.medianAbs)}, p90 ${pct(q.errors.p90Abs)} over ${q.ops} kernels`;

/** One line of provenance for every fitted value. */
export function provenanceText(r: CalibrationResult, p: Provenance): string {
  const fit = `fitted by accelscope calibrate on ${p.date} to ${p.traces.join(', ')}${p.fitPhase ? ` (${p.fitPhase} passes)` : ''}: ${qualityText(r.fit.after)}`;
  const held = r.heldOut
    ? `; held out (${p.heldOut.length ? p.heldOut.join(', ') : 'the other passes'}): ${qualityText(r.heldOut.after)}`
    : '; no held-out passes';
  return `${fit}${held}`;
}

/** The file a stack's fitted factors go to, beside the arch's: <stem>.stack.json. */
export function stackOutputPath(outFile: string): string {
  return outFile.replace(/(\.json)?$/i, '.stack.json');
}

/**
 * The document that extends `originalFile` with the fitted factors of `owner` (the arch config, or
 * the stack); null when none of that owner's factors was fitted.
 */
export function calibratedConfigDocument(
  originalFile: string,
  outFile: string,
  originalName: string,
  owner: 'arch' | 'stack',
  r: CalibrationResult,
  p: Provenance,
): Record<string, unknown> | null {
  const mine = r.factors.filter((f) => f.owner === owner);
  if (!mine.length) return null;
  let ext = relative(dirname(resolve(outFile)), resolve(originalFile))
    .split(sep)
    .join('/');
  if (!ext.startsWith('.') && !ext.startsWith('/')) ext = `./${ext}`;
  const source = provenanceText(r, p);
  return {
    extends: ext,
    name: owner === 'arch' ? `${originalName} (calibrated)` : `${originalName}-calibrated`,
    description: `${originalName} with ${mine.map((f) => `${f.name} ${f.value} (was ${f.before})`).join(', ')}, fitted together with ${r.factors.map((f) => f.name).join(', ')}`,
    calibration: Object.fromEntries(
      mine.map((f) => [
        f.name,
        {
          value: f.value,
          source,
          description: `was ${f.before}${f.atBound ? `; the fit stopped at the ${f.atBound === 'min' ? 'lower' : 'upper'} end of its range` : ''}`,
        },
      ]),
    ),
    sources: Object.fromEntries(mine.map((f) => [`/calibration/${f.name}/value`, source])),
  };
}
