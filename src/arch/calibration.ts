/**
 * Calibration factors: the few global numbers per device a hardware model takes from measurement
 * rather than from structure (a sustained fraction of a peak, a fixed per-kernel cost). Each kind
 * declares the factors it reads — name, unit, allowed range, default, meaning, source — and
 * nothing else is accepted in an arch config's `calibration` section:
 *  - an unknown name is a one-line error at its JSON pointer naming the closest valid name;
 *  - a value outside the range (or not a finite number) is rejected by the kind's schema;
 *  - every run reports the resolved value of every factor the model used, marked `config` (the
 *    arch config set it) or `default` (the declaration's default applied).
 */
import { AccelscopeError } from '../util/errors.ts';
import { closestName } from './closest-name.ts';

/** The part of an arch config calibration reads (structural: every ArchConfig is one). */
export interface CalibratedConfig {
  calibration?: Record<string, { value: number; source: string; description?: string }>;
  [section: string]: unknown;
}

export interface CalibrationFactor {
  name: string;
  /** Unit of the value: 'fraction' (0..1 of a peak), 's', … */
  unit: string;
  /** Allowed range; `minExclusive` makes the lower end open (e.g. an efficiency above 0). */
  min: number;
  max: number;
  minExclusive?: boolean;
  /** Value used when the arch config does not set the factor. */
  default: number;
  /** What the factor scales, in one sentence. */
  meaning: string;
  /** Where the default comes from (measurement, datasheet, paper section). */
  source: string;
  /** When the factor applies only to some configs of the kind (e.g. one variant): absent = always. */
  usedBy?: (c: CalibratedConfig) => boolean;
  /** false: `calibrate` fits it only when `--factors` names it (its effect needs what a trace does not record, e.g. how long the board was loaded). Absent: fitted by default. */
  fitByDefault?: false;
}

/** A kind's factors by name (declared once, in the kind's folder). */
export type CalibrationDeclaration = readonly CalibrationFactor[];

/** One factor as a run used it. `source` is the config's source text, or the declaration's for a default. */
export interface ResolvedCalibration {
  name: string;
  value: number;
  unit: string;
  origin: 'config' | 'default';
  source: string;
  description: string;
}

/** The `calibration` section's schema for a kind: its declared names only, each value within its range. */
export function calibrationSchema(factors: CalibrationDeclaration): object {
  return {
    type: 'object',
    description: `Calibration factors of this kind (${factors.map((f) => f.name).join(', ') || 'none'}), each with its value and source; every run reports the value it used.`,
    additionalProperties: false,
    properties: Object.fromEntries(
      factors.map((f) => [
        f.name,
        {
          type: 'object',
          additionalProperties: false,
          required: ['value', 'source'],
          description: `${f.meaning} Unit: ${f.unit}. Default ${f.default} (${f.source}).`,
          properties: {
            value: { type: 'number', [f.minExclusive ? 'exclusiveMinimum' : 'minimum']: f.min, maximum: f.max },
            source: { type: 'string', minLength: 1 },
            description: { type: 'string' },
          },
        },
      ]),
    ),
  };
}

/**
 * Names in `calibration` that the kind does not declare: a one-line error at the name's pointer
 * with the closest declared name. Runs before the schema so the message can suggest the fix.
 */
export function checkCalibrationNames(doc: Record<string, unknown>, factors: CalibrationDeclaration, kind: string, file?: string): void {
  const cal = doc['calibration'];
  if (typeof cal !== 'object' || cal === null || Array.isArray(cal)) return;
  const names = factors.map((f) => f.name);
  for (const name of Object.keys(cal)) {
    if (names.includes(name)) continue;
    const near = closestName(name, names);
    const hint = near ? `did you mean '${near}'?` : names.length ? `known: ${names.join(', ')}` : `${kind} has no calibration factors`;
    throw new AccelscopeError('schema', `unknown calibration factor '${name}' for ${kind}; ${hint}`, { file, pointer: `/calibration/${escapePointer(name)}` });
  }
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function factorOf(factors: CalibrationDeclaration, name: string): CalibrationFactor {
  const f = factors.find((x) => x.name === name);
  if (!f) throw new Error(`calibration factor '${name}' is not declared`);
  return f;
}

/** The value a model uses: the config's, else the declared default. */
export function calibrationOf(c: CalibratedConfig, factors: CalibrationDeclaration, name: string): number {
  return c.calibration?.[name]?.value ?? factorOf(factors, name).default;
}

/** Every factor the kind's model uses for this config, resolved and marked config/default. */
export function resolveCalibration(c: CalibratedConfig, factors: CalibrationDeclaration): ResolvedCalibration[] {
  return factors
    .filter((f) => !f.usedBy || f.usedBy(c))
    .map((f) => {
      const set = c.calibration?.[f.name];
      return set
        ? { name: f.name, value: set.value, unit: f.unit, origin: 'config' as const, source: set.source, description: set.description ?? f.meaning }
        : { name: f.name, value: f.default, unit: f.unit, origin: 'default' as const, source: f.source, description: f.meaning };
    });
}
