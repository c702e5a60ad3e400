/**
 * The validation envelope of an arch config (issue 26): the range of a run parameter over which
 * the model was checked against measurements, and the error measured outside it. A run outside
 * the envelope still runs; `simulate` prints one warning line naming the parameter, the measured
 * error and its source. Data, not code: any kind can declare an envelope for any run option.
 */
import { getPointer } from '../util/json-pointer.ts';

export interface ValidationEnvelope {
  /** The run option the envelope bounds (a SimOptions key, e.g. 'threads'). */
  parameter: string;
  /** JSON pointer into the arch config giving the parameter's value when the run does not set it (e.g. '/lut/cores'). */
  defaultFrom?: string;
  /** Largest value the model was validated at; runs above it are outside the envelope. */
  validatedMax: number;
  /** The figure the error was measured on (e.g. 'decode tokens/s'). */
  metric: string;
  /** Error of the model outside the envelope, model / measured − 1, in percent (range over the measured points). */
  measuredErrorPct: { min: number; max: number };
  /** Measured points the range covers, and where they and the comparison come from. */
  source: string;
}

export const validationSchema = {
  type: 'array',
  description: 'Validation envelopes: the range of a run parameter the model was checked at, and the error measured outside it (simulate warns outside it).',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['parameter', 'validatedMax', 'metric', 'measuredErrorPct', 'source'],
    properties: {
      parameter: { enum: ['threads'], description: 'Run option the envelope bounds.' },
      defaultFrom: { type: 'string', pattern: '^/', description: "JSON pointer of the parameter's default in this config." },
      validatedMax: { type: 'number', description: 'Largest validated value.' },
      metric: { type: 'string', minLength: 1 },
      measuredErrorPct: {
        type: 'object',
        additionalProperties: false,
        required: ['min', 'max'],
        properties: { min: { type: 'number' }, max: { type: 'number' } },
      },
      source: { type: 'string', minLength: 1 },
    },
  },
} as const;

const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x)}%`;

/**
 * One line per envelope the run leaves: `params` holds the run's options (absent ones are read
 * from the envelope's `defaultFrom`).
 */
/** The part of an arch config envelopes read (structural: every ArchConfig is one; base.ts imports this file). */
export interface EnvelopedConfig {
  name: string;
  [section: string]: unknown;
}

export function envelopeWarnings(arch: EnvelopedConfig, params: Record<string, number | undefined>): string[] {
  const out: string[] = [];
  for (const e of (arch['validation'] as ValidationEnvelope[] | undefined) ?? []) {
    const given = params[e.parameter];
    const fromConfig = e.defaultFrom !== undefined ? getPointer(arch, e.defaultFrom) : undefined;
    const value = given ?? (typeof fromConfig === 'number' ? fromConfig : undefined);
    if (value === undefined || value <= e.validatedMax) continue;
    const how = given === undefined ? ` (default ${e.defaultFrom})` : '';
    const { min, max } = e.measuredErrorPct;
    const range = min === max ? pct(min) : `${pct(min)} to ${pct(max)}`;
    out.push(`${e.parameter} ${value}${how} is outside the validated envelope of ${arch.name} (${e.parameter} ≤ ${e.validatedMax}): there the model's ${e.metric} was off by ${range} against measurements (${e.source})`);
  }
  return out;
}
