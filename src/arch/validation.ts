/**
 * The validation envelope of an arch config or a software stack (issues 26, 19): which workloads
 * the model was checked on against measurements — model types, phases, batch, prompt length,
 * context, quant scheme, threads, stack — the error seen there and its source, and the known gaps
 * (where the model is known to be off, and by how much). Data, not code: any kind and any stack
 * can declare one. tools/validation-errors.ts recomputes the quoted errors from data/.
 *
 * A run outside the envelope still runs; `simulate` prints exactly one warning line naming the
 * dimension(s) outside, with the known gap that covers the run (its measured error and source) or,
 * failing that, what the config was checked on and the error seen there.
 */
import { getPointer } from '../util/json-pointer.ts';

export interface Range {
  min?: number;
  max?: number;
}

/** The box of validated workloads; an absent dimension is not constrained. */
export interface EnvelopeBox {
  /** Model types (`model_type` of the Hugging Face config: llama, mistral, bitnet …). */
  modelTypes?: string[];
  phases?: ('prefill' | 'decode')[];
  batch?: Range;
  /** prefill: prompt tokens per sequence. */
  seq?: Range;
  /** decode: tokens already in the KV cache. */
  context?: Range;
  /** Quant schemes by name (w16a16, w8a8, w4a16-g128 …). */
  quant?: string[];
  /** CPU threads (CPU models). */
  threads?: Range;
  /** Software stacks by name; 'none' is a run without --stack. */
  stacks?: string[];
}

export interface ErrorRange {
  /** model / measured − 1, in percent. */
  min: number;
  max: number;
  /** Median and 90th percentile of |error|, in percent, when the check has enough points. */
  medianAbs?: number;
  p90Abs?: number;
}

export interface ValidationCheck {
  /** What was measured (e.g. 'cuBLAS GEMMs of Llama-2-7B projection shapes, M 1–16384'). */
  workload: string;
  /** The figure compared (e.g. 'GEMM kernel time', 'decode tokens/s'). */
  metric: string;
  points: number;
  errorPct: ErrorRange;
  source: string;
}

export interface KnownGap {
  /** The runs the gap covers (absent dimensions: any). */
  when: EnvelopeBox;
  metric: string;
  errorPct: ErrorRange;
  /** Measured points behind the figure, where they and the comparison come from, and why. */
  source: string;
}

export interface Validation {
  envelope: EnvelopeBox;
  /** JSON pointers giving a dimension's value when the run does not set it (e.g. threads: '/lut/cores'). */
  defaultsFrom?: { threads?: string };
  /** Measurement sets the model was compared with on this config; none: every run is outside the envelope. */
  checks: ValidationCheck[];
  gaps?: KnownGap[];
  /** What else was checked (e.g. against another simulator or on a sibling device), for the warning. */
  note?: string;
}

/** The run a warning is about: the workload's value in every dimension (absent: not applicable). */
export interface RunPoint {
  modelType?: string;
  phase?: string;
  batch?: number;
  seq?: number;
  context?: number;
  quant?: string;
  threads?: number;
  stack?: string;
}

const range = {
  type: 'object',
  additionalProperties: false,
  properties: { min: { type: 'number' }, max: { type: 'number' } },
} as const;
const names = { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } } as const;
const box = {
  type: 'object',
  additionalProperties: false,
  properties: {
    modelTypes: names,
    phases: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['prefill', 'decode'] } },
    batch: range,
    seq: range,
    context: range,
    quant: names,
    threads: range,
    stacks: names,
  },
} as const;
const errorPct = {
  type: 'object',
  additionalProperties: false,
  required: ['min', 'max'],
  properties: { min: { type: 'number' }, max: { type: 'number' }, medianAbs: { type: 'number', minimum: 0 }, p90Abs: { type: 'number', minimum: 0 } },
} as const;

export const validationSchema = {
  type: 'object',
  description:
    'Validation envelope: the workloads the model was checked on against measurements, the error seen, and the known gaps (simulate warns outside it).',
  additionalProperties: false,
  required: ['envelope', 'checks'],
  properties: {
    envelope: { ...box, description: 'The validated workloads: a run outside any dimension gets one warning line.' },
    defaultsFrom: {
      type: 'object',
      additionalProperties: false,
      properties: { threads: { type: 'string', pattern: '^/', description: 'JSON pointer of the threads default in this config.' } },
    },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['workload', 'metric', 'points', 'errorPct', 'source'],
        properties: {
          workload: { type: 'string', minLength: 1 },
          metric: { type: 'string', minLength: 1 },
          points: { type: 'integer', minimum: 1 },
          errorPct,
          source: { type: 'string', minLength: 1 },
        },
      },
    },
    note: { type: 'string', minLength: 1 },
    gaps: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['when', 'metric', 'errorPct', 'source'],
        properties: { when: box, metric: { type: 'string', minLength: 1 }, errorPct, source: { type: 'string', minLength: 1 } },
      },
    },
  },
} as const;

/** The part of a config envelopes read (structural: every ArchConfig and Stack is one). */
export interface EnvelopedConfig {
  name: string;
  [section: string]: unknown;
}

const DIMENSIONS = ['modelTypes', 'phases', 'batch', 'seq', 'context', 'quant', 'threads', 'stacks'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
const POINT_KEY: Record<Dimension, keyof RunPoint> = {
  modelTypes: 'modelType',
  phases: 'phase',
  batch: 'batch',
  seq: 'seq',
  context: 'context',
  quant: 'quant',
  threads: 'threads',
  stacks: 'stack',
};
const LABEL: Record<Dimension, string> = {
  modelTypes: 'model type',
  phases: 'phase',
  batch: 'batch',
  seq: 'seq',
  context: 'context',
  quant: 'quant',
  threads: 'threads',
  stacks: 'stack',
};

/** The dimensions of `b` the point lies outside (a dimension the point does not have is never outside). */
export function outsideDimensions(b: EnvelopeBox, p: RunPoint): Dimension[] {
  return DIMENSIONS.filter((d) => {
    const limit = b[d];
    const v = p[POINT_KEY[d]];
    if (limit === undefined || v === undefined) return false;
    if (Array.isArray(limit)) return !(limit as readonly string[]).includes(String(v));
    const r = limit;
    return (r.min !== undefined && (v as number) < r.min) || (r.max !== undefined && (v as number) > r.max);
  });
}

function describeLimit(b: EnvelopeBox, d: Dimension): string {
  const limit = b[d]!;
  if (Array.isArray(limit)) return `${LABEL[d]} ${limit.join(' | ')}`;
  const r = limit;
  if (r.min !== undefined && r.max !== undefined) return r.min === r.max ? `${LABEL[d]} = ${r.min}` : `${LABEL[d]} ${r.min}–${r.max}`;
  return r.max !== undefined ? `${LABEL[d]} ≤ ${r.max}` : `${LABEL[d]} ≥ ${r.min}`;
}

const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x)}%`;
export function errorText(e: ErrorRange): string {
  const span = e.min === e.max ? pct(e.min) : `${pct(e.min)} to ${pct(e.max)}`;
  const stats = [e.medianAbs !== undefined ? `median |error| ${e.medianAbs}%` : '', e.p90Abs !== undefined ? `p90 ${e.p90Abs}%` : '']
    .filter(Boolean)
    .join(', ');
  return stats ? `${span} (${stats})` : span;
}

/** A known gap covers the run when the run lies inside its box and the box constrains one of the run's dimensions. */
function coveringGap(v: Validation, p: RunPoint): KnownGap | undefined {
  return (v.gaps ?? []).find(
    (g) => outsideDimensions(g.when, p).length === 0 && DIMENSIONS.some((d) => g.when[d] !== undefined && p[POINT_KEY[d]] !== undefined),
  );
}

/**
 * The one warning line of a run outside the config's envelope, or null inside (or without an
 * envelope). `point` holds the run's values; a missing `threads` is read from `defaultsFrom`.
 */
export function envelopeWarning(config: EnvelopedConfig, point: RunPoint): string | null {
  const v = config['validation'] as Validation | undefined;
  if (!v) return null;
  const p: RunPoint = { ...point };
  let fromDefault = false;
  if (p.threads === undefined && v.defaultsFrom?.threads !== undefined) {
    const t = getPointer(config, v.defaultsFrom.threads);
    if (typeof t === 'number') {
      p.threads = t;
      fromDefault = true;
    }
  }
  const out = outsideDimensions(v.envelope, p);
  if (!v.checks.length) {
    // Nothing measured on this config: every run is outside; a known gap that covers it still says by how much.
    const gap = coveringGap(v, p);
    const why = gap ? `; there the model's ${gap.metric} was off by ${errorText(gap.errorPct)} against measurements (${gap.source})` : '';
    return `${config.name} was not checked against measurements of this ${config['kind'] !== undefined ? 'device' : 'stack'}${v.note ? ` (${v.note})` : ''}${why}`;
  }
  if (!out.length) return null;
  const values = out.map((d) => `${LABEL[d]} ${String(p[POINT_KEY[d]])}${d === 'threads' && fromDefault ? ` (default ${v.defaultsFrom!.threads})` : ''}`);
  const head = `${values.join(', ')} ${out.length > 1 ? 'are' : 'is'} outside the validated envelope of ${config.name} (${out.map((d) => describeLimit(v.envelope, d)).join(', ')})`;
  const gap = coveringGap(v, p);
  if (gap) return `${head}: there the model's ${gap.metric} was off by ${errorText(gap.errorPct)} against measurements (${gap.source})`;
  const checks = v.checks.map((c) => `${c.workload} (${c.metric} ${errorText(c.errorPct)})`);
  return `${head}; checked on: ${checks.join('; ')} — sources in its validation section`;
}

/** The warning of a run on an arch (and a stack): at most one line for the two together. */
export function envelopeWarnings(arch: EnvelopedConfig, point: RunPoint, stack?: EnvelopedConfig): string[] {
  const lines = [envelopeWarning(arch, point), stack ? envelopeWarning(stack, point) : null].filter((x): x is string => x !== null);
  return lines.length ? [lines.join(' — and ')] : [];
}
