/**
 * A sweep spec: a base arch config (or several, compared in one sweep: `"arch": [a, b]`), or a
 * multi-device system (or several: `"system": [a, b]`), parameters varied by JSON pointer (lists, linear ranges,
 * log ranges), quant schemes, workloads (model × phase × batch × seq/context, or generate
 * requests) and objectives; a strategy (grid, seeded random, Pareto-directed search).
 * Paths in a spec are relative to the spec file. The spec hash covers the resolved spec and
 * the contents of every file it names, so shards of one sweep can be checked at merge time.
 */
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { readJsonFile } from '../util/json-file.ts';
import { validateOrThrow } from '../config/ajv.ts';
import { loadQuant, resolveArchDocument, validateArchSchema } from '../config/load.ts';
import { setPointer } from '../config/merge.ts';
import { parameterValues } from './parameter-values.ts';
import { AccelscopeError, isAccelscopeError } from '../util/errors.ts';
import { OBJECTIVE_NAMES, isBuiltinObjective } from './objectives.ts';
import { MAX_PARAMETER_VALUES, parameterValueCount } from './parameter-values.ts';
import { loadSystem } from '../system/load.ts';
import { checkPlanParameters, isPlanPointer } from './system-point.ts';
import { loadStack } from '../config/load-stack.ts';
import { looksLikePath, resolveShippedName } from '../catalog/resolve-name.ts';
import type { Stack } from '../stack/schema.ts';
import type { System } from '../system/types.ts';

/** The most points a random sample or a Pareto budget may ask for (they are held in memory). */
export const MAX_SAMPLES = 1_000_000;
/** Key names a JSON pointer may not step through: they reach the prototype chain, not the config. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface ParameterSpec {
  pointer: string;
  name?: string;
  values?: (number | string | boolean)[];
  range?: { start: number; stop: number; step: number };
  logRange?: { start: number; stop: number; num: number; integer?: boolean };
}

export interface WorkloadSpec {
  model: string;
  phase: 'prefill' | 'decode' | 'generate' | 'serve';
  batch: number[];
  seq?: number[];
  context?: number[];
  prompt?: number[];
  output?: number[];
  /** serve: the request source (docs/cli.md#serve) and what varies per point (sweep/serve-point.ts). */
  requests?: string;
  rate?: number[];
  scheduler?: ('static' | 'continuous')[];
  maxBatchedTokens?: number[];
  chunkedPrefill?: boolean[];
  slo?: string;
}

export type Strategy =
  | { kind: 'grid' }
  | { kind: 'random'; samples: number; seed: number }
  | { kind: 'pareto'; budget: number; seed: number; initial?: number; objectives?: string[] };

export interface CustomObjective {
  name: string;
  /** JSON pointer into the point's arch config (an area or cost proxy the config provides). */
  pointer: string;
  goal: 'min' | 'max';
}

export interface SweepSpec {
  name: string;
  /** The (first) base arch config. */
  arch: string;
  /** The (first) multi-device system file: every point runs on it; `/plan/…` parameters sweep the plan. */
  system?: string;
  /** Every system file when the spec lists several (each point names its `system`; src/sweep/systems.ts). */
  systems?: string[];
  /** Every base arch config when the spec lists several (each point names its `arch`). */
  archs?: string[];
  /** Software stack files (docs/models/software-stacks.md): every point runs under each, a dimension named stack. */
  stacks?: string[];
  parameters: ParameterSpec[];
  quant: string[];
  workloads: WorkloadSpec[];
  objectives: (string | CustomObjective)[];
  strategy: Strategy;
}

/** A spec with its files resolved and read, as sent to workers (plain JSON). */
export interface ResolvedSpec extends SweepSpec {
  file: string;
  archDocument: unknown;
  /** The validated system file, when the spec names a system (the first, when it lists several). */
  systemDocument?: unknown;
  /** System label (file name without .json) → validated system, when the spec lists several. */
  systemDocuments?: Record<string, unknown>;
  /** System label → its device's resolved arch document, when the spec lists several systems and no arch. */
  systemArchDocuments?: Record<string, unknown>;
  /** Arch label (file name without .json) → resolved document, when the spec lists several. */
  archDocuments?: Record<string, unknown>;
  /** Stack label (its name) → the validated stack, when the spec names stacks. */
  stackDocuments?: Record<string, Stack>;
  models: Record<string, unknown>;
  hash: string;
}

const intList = { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0 } } as const;

export const sweepSpecSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['workloads'],
  anyOf: [{ required: ['arch'] }, { required: ['system'] }],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    arch: {
      description:
        'base arch config, relative to the spec file (with a system: replaces its device); a list of configs sweeps every one (a dimension named arch)',
      oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } }],
    },
    system: {
      description:
        'multi-device system: a preset name or a file relative to the spec file; a list sweeps every one (a dimension named system; with arch, every arch runs on every system)',
      oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } }],
    },
    stack: {
      description:
        'software stack (a shipped name such as pytorch-cudagraph, or a file relative to the spec file); a list sweeps every one (a dimension named stack); docs/models/software-stacks.md',
      oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } }],
    },
    parameters: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['pointer'],
        properties: {
          pointer: { type: 'string', pattern: '^(/[^/]*)+$' },
          name: { type: 'string' },
          values: { type: 'array', minItems: 1, items: { type: ['number', 'string', 'boolean'] } },
          range: {
            type: 'object',
            additionalProperties: false,
            required: ['start', 'stop', 'step'],
            properties: { start: { type: 'number' }, stop: { type: 'number' }, step: { type: 'number', exclusiveMinimum: 0 } },
          },
          logRange: {
            type: 'object',
            additionalProperties: false,
            required: ['start', 'stop', 'num'],
            properties: {
              start: { type: 'number', exclusiveMinimum: 0 },
              stop: { type: 'number', exclusiveMinimum: 0 },
              num: { type: 'integer', minimum: 1 },
              integer: { type: 'boolean' },
            },
          },
        },
        oneOf: [{ required: ['values'] }, { required: ['range'] }, { required: ['logRange'] }],
      },
    },
    quant: { type: 'array', minItems: 1, items: { type: 'string' } },
    workloads: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['model', 'phase', 'batch'],
        properties: {
          model: { type: 'string' },
          phase: { enum: ['prefill', 'decode', 'generate', 'serve'] },
          batch: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1 } },
          seq: intList,
          context: intList,
          prompt: intList,
          output: intList,
          requests: { type: 'string' },
          rate: { type: 'array', minItems: 1, items: { type: 'number', exclusiveMinimum: 0 } },
          scheduler: { type: 'array', minItems: 1, items: { enum: ['static', 'continuous'] } },
          maxBatchedTokens: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1 } },
          chunkedPrefill: { type: 'array', minItems: 1, items: { type: 'boolean' } },
          slo: { type: 'string' },
        },
      },
    },
    objectives: {
      type: 'array',
      items: {
        anyOf: [
          { enum: OBJECTIVE_NAMES },
          {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'pointer', 'goal'],
            properties: { name: { type: 'string' }, pointer: { type: 'string' }, goal: { enum: ['min', 'max'] } },
          },
        ],
      },
    },
    strategy: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: ['grid', 'random', 'pareto'] } },
      allOf: [
        { if: { properties: { kind: { const: 'grid' } } }, then: { additionalProperties: false, properties: { kind: {} } } },
        {
          if: { properties: { kind: { const: 'random' } } },
          then: {
            additionalProperties: false,
            required: ['samples'],
            properties: { kind: {}, samples: { type: 'integer', minimum: 1, maximum: MAX_SAMPLES }, seed: { type: 'integer' } },
          },
        },
        {
          if: { properties: { kind: { const: 'pareto' } } },
          then: {
            additionalProperties: false,
            required: ['budget'],
            properties: {
              kind: {},
              budget: { type: 'integer', minimum: 1, maximum: MAX_SAMPLES },
              seed: { type: 'integer' },
              initial: { type: 'integer', minimum: 1, maximum: MAX_SAMPLES },
              objectives: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      ],
    },
  },
};

export function loadSweepSpec(file: string): ResolvedSpec {
  const raw = readJsonFile(file);
  assertNoRepeatedEntries(raw, file);
  validateOrThrow(sweepSpecSchema, raw, file);
  const doc = raw as Omit<Partial<SweepSpec>, 'arch' | 'system'> & {
    arch?: string | string[];
    system?: string | string[];
    stack?: string | string[];
    workloads: WorkloadSpec[];
  };
  const dir = dirname(resolve(file));
  const systemList = doc.system !== undefined ? loadSpecSystems(doc.system, dir, file) : undefined;
  const system = systemList?.[0];
  const archFiles = doc.arch !== undefined ? [doc.arch].flat().map((a) => resolve(dir, a)) : [system!.archFile];
  const archFile = archFiles[0]!;
  const labels = archFiles.map(archLabel);
  const dup = labels.findIndex((l, i) => labels.indexOf(l) !== i);
  if (dup >= 0)
    throw new AccelscopeError('schema', `two arch configs share the name '${labels[dup]}' (points name their arch by file name)`, {
      file,
      pointer: `/arch/${dup}`,
    });
  const spec: SweepSpec = {
    name: doc.name ?? file.replace(/^.*\//, '').replace(/\.json$/, ''),
    arch: archFile,
    ...(system ? { system: system.file! } : {}),
    ...(systemList && systemList.length > 1 ? { systems: systemList.map((x) => x.file!) } : {}),
    ...(archFiles.length > 1 ? { archs: archFiles } : {}),
    ...(doc.stack !== undefined
      ? {
          stacks: [doc.stack]
            .flat()
            .map((t, i) =>
              inSpec(file, Array.isArray(doc.stack) ? `/stack/${i}` : '/stack', () =>
                looksLikePath(t) ? resolve(dir, t) : resolveShippedName('stacks', t, 'stack'),
              ),
            ),
        }
      : {}),
    parameters: doc.parameters ?? [],
    quant: doc.quant ?? ['w16a16'],
    workloads: doc.workloads.map((w) => ({ ...w, model: resolve(dir, w.model) })),
    objectives: doc.objectives ?? ['latency', 'energyPerToken'],
    strategy: doc.strategy ?? { kind: 'grid' },
  };
  spec.workloads.forEach((w, i) => {
    const need = w.phase === 'prefill' ? ['seq'] : w.phase === 'decode' ? ['context'] : w.phase === 'serve' ? ['requests'] : ['prompt', 'output'];
    for (const k of need)
      if (!(w as unknown as Record<string, unknown>)[k])
        throw new AccelscopeError('schema', `a ${w.phase} workload needs '${k}'`, { file, pointer: `/workloads/${i}` });
  });
  spec.parameters.forEach((p, i) => {
    if (p.range && p.range.stop < p.range.start) throw new AccelscopeError('schema', 'range stop must be ≥ start', { file, pointer: `/parameters/${i}/range` });
    const count = parameterValueCount(p);
    if (!(count <= MAX_PARAMETER_VALUES)) {
      const key = p.range ? 'range' : p.logRange ? 'logRange' : 'values';
      throw new AccelscopeError('schema', `gives ${count} values; a parameter takes at most ${MAX_PARAMETER_VALUES} (docs/sweeps.md)`, {
        file,
        pointer: `/parameters/${i}/${key}`,
      });
    }
    const bad = p.pointer
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
      .find((k) => FORBIDDEN_KEYS.has(k));
    if (bad !== undefined)
      throw new AccelscopeError('schema', `'${bad}' is not a config key (a pointer through it would set nothing)`, {
        file,
        pointer: `/parameters/${i}/pointer`,
      });
    const first = spec.parameters.findIndex((q) => q.pointer === p.pointer);
    if (first < i)
      throw new AccelscopeError('schema', `${p.pointer} is already swept by /parameters/${first} (one axis per pointer: list every value there)`, {
        file,
        pointer: `/parameters/${i}/pointer`,
      });
  });
  checkPlanParameters(
    spec.parameters.map((p) => p.pointer),
    system !== undefined,
    file,
  );
  // A scheme name that does not parse is a mistake in the spec, not an infeasible design point.
  spec.quant.forEach((q, i) => {
    try {
      loadQuant(q);
    } catch (e) {
      if (isAccelscopeError(e) && !e.file) throw new AccelscopeError(e.code, e.message, { file, pointer: `/quant/${i}` });
      throw e;
    }
  });
  spec.objectives.forEach((o, i) => {
    if (typeof o === 'string') return;
    if (isBuiltinObjective(o.name))
      throw new AccelscopeError('schema', `custom objective '${o.name}' would shadow the built-in objective of that name: choose another name`, {
        file,
        pointer: `/objectives/${i}/name`,
      });
    const bad = o.pointer
      .split('/')
      .slice(1)
      .find((k) => FORBIDDEN_KEYS.has(k));
    if (bad !== undefined) throw new AccelscopeError('schema', `'${bad}' is not a config key`, { file, pointer: `/objectives/${i}/pointer` });
    if (spec.objectives.findIndex((q) => typeof q !== 'string' && q.name === o.name) < i)
      throw new AccelscopeError('schema', `custom objective '${o.name}' is defined twice`, { file, pointer: `/objectives/${i}/name` });
  });
  const stackDocuments = spec.stacks
    ? Object.fromEntries(
        spec.stacks.map((f, i) =>
          inSpec(file, Array.isArray(doc.stack) ? `/stack/${i}` : '/stack', () => {
            const st = loadStack(f);
            return [st.name, st] as const;
          }),
        ),
      )
    : undefined;
  if (stackDocuments && Object.keys(stackDocuments).length !== spec.stacks!.length)
    throw new AccelscopeError('schema', 'two stacks share a name (points name their stack by it)', { file, pointer: '/stack' });
  const size = spec.parameters.reduce(
    (n, p) => n * parameterValueCount(p),
    spec.quant.length *
      countWorkloads(spec.workloads) *
      Math.max(1, spec.archs?.length ?? 1) *
      Math.max(1, spec.systems?.length ?? 1) *
      (spec.stacks?.length ?? 1),
  );
  if (size > Number.MAX_SAFE_INTEGER)
    throw new AccelscopeError('schema', `the space has ${size.toExponential(3)} points; at most 2^53 − 1 can be addressed (docs/sweeps.md)`, {
      file,
      pointer: '/parameters',
    });
  if (spec.strategy.kind === 'random') spec.strategy.seed ??= 1;
  if (spec.strategy.kind === 'pareto') spec.strategy.seed ??= 1;
  const archDocument = resolveArchDocument(archFile);
  const archDocuments = spec.archs ? Object.fromEntries(spec.archs.map((f, i) => [labels[i]!, i === 0 ? archDocument : resolveArchDocument(f)])) : undefined;
  // Several systems and no arch: each system runs its own device, the base its points' parameters set.
  const several = systemList && systemList.length > 1 ? systemList : undefined;
  const systemArchDocuments =
    several && doc.arch === undefined
      ? Object.fromEntries(several.map((x, i) => [systemLabel(x.file!), i === 0 ? archDocument : resolveArchDocument(x.archFile)]))
      : undefined;
  spec.parameters.forEach((p, i) => {
    if (isPlanPointer(p.pointer)) return; // /plan/… parameters are checked by checkPlanParameters
    // With several archs (or systems' devices), a pointer must exist in at least one of them (the others' points are infeasible).
    const docs = archDocuments ? Object.values(archDocuments) : systemArchDocuments ? Object.values(systemArchDocuments) : [archDocument];
    let first: unknown;
    for (const d of docs) {
      try {
        checkParameterPointer(d, p, file, i);
        return;
      } catch (e) {
        first ??= e;
      }
    }
    throw first;
  });
  const models: Record<string, unknown> = {};
  spec.workloads.forEach((w, i) => {
    // A model that is not there is the spec's fault: name the spec and the workload's pointer.
    if (!existsSync(w.model)) throw new AccelscopeError('file-not-found', `model file not found: ${w.model}`, { file, pointer: `/workloads/${i}/model` });
    models[w.model] ??= readJsonFile(w.model);
  });
  const systemDocument = system?.config;
  const systemDocuments = several ? Object.fromEntries(several.map((x) => [systemLabel(x.file!), x.config])) : undefined;
  const hash = createHash('sha256')
    .update(
      canonicalJson({
        spec: {
          ...spec,
          arch: undefined,
          archs: undefined,
          system: undefined,
          systems: undefined,
          stacks: undefined,
          workloads: spec.workloads.map((w) => ({ ...w, model: undefined })),
        },
        archDocument: archDocuments || systemArchDocuments ? undefined : archDocument,
        archDocuments,
        ...(systemArchDocuments ? { systemArchDocuments } : {}),
        models: Object.values(models),
        ...(systemDocuments ? { systemDocuments } : systemDocument ? { systemDocument } : {}),
        ...(stackDocuments ? { stackDocuments } : {}),
      }),
    )
    .digest('hex')
    .slice(0, 16);
  return {
    ...spec,
    file,
    archDocument,
    ...(archDocuments ? { archDocuments } : {}),
    ...(systemDocument ? { systemDocument } : {}),
    ...(systemDocuments ? { systemDocuments } : {}),
    ...(systemArchDocuments ? { systemArchDocuments } : {}),
    ...(stackDocuments ? { stackDocuments } : {}),
    models,
    hash,
  };
}

/**
 * A design listed twice (`"system": ["dgx-h100", "dgx-h100"]`) names the repeat, where the schema's
 * uniqueItems inside a oneOf would only say the field is not a string.
 */
function assertNoRepeatedEntries(raw: unknown, file: string): void {
  if (!raw || typeof raw !== 'object') return;
  for (const key of ['arch', 'system', 'stack']) {
    const list = (raw as Record<string, unknown>)[key];
    if (!Array.isArray(list)) continue;
    const i = list.findIndex((v, j) => list.indexOf(v) !== j);
    if (i >= 0)
      throw new AccelscopeError('schema', `${JSON.stringify(list[i])} is listed twice (also at /${key}/${list.indexOf(list[i])})`, {
        file,
        pointer: `/${key}/${i}`,
      });
  }
}

/** A loader error without a file is re-pointed at the spec's field. */
function inSpec<T>(file: string, pointer: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isAccelscopeError(e) && !e.file) throw new AccelscopeError(e.code, e.message, { file, pointer });
    throw e;
  }
}

/** How a point names its arch in a multi-arch sweep: the config's file name without .json. */
export function archLabel(file: string): string {
  return file.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
}

/** How a point names its system in a multi-system sweep: the system file's name without .json (a preset's name). */
export function systemLabel(file: string): string {
  return archLabel(file);
}

/**
 * The systems a spec names (`"system": "dgx-h100"` or a list): presets by name, files relative to
 * the spec. Loader errors point at `/system` (`/system/i` in a list); two systems with one label
 * (points name their system by it) are an error at the second.
 */
function loadSpecSystems(value: string | string[], dir: string, file: string): System[] {
  const list = [value].flat();
  const at = (i: number) => (Array.isArray(value) ? `/system/${i}` : '/system');
  const systems = list.map((s, i) => {
    const path = looksLikePath(s) ? resolve(dir, s) : undefined;
    // A missing file is the spec's mistake: name the spec and the entry, as for a missing model.
    if (path !== undefined && !existsSync(path)) throw new AccelscopeError('file-not-found', `system file not found: ${path}`, { file, pointer: at(i) });
    return inSpec(file, at(i), () => loadSystem(path ?? resolveShippedName('systems', s, 'system')));
  });
  const labels = systems.map((s) => systemLabel(s.file!));
  const dup = labels.findIndex((l, i) => labels.indexOf(l) !== i);
  if (dup >= 0)
    throw new AccelscopeError(
      'schema',
      `two systems share the name '${labels[dup]}' (points name their system by file name): ${list[labels.indexOf(labels[dup]!)]} and ${list[dup]}`,
      { file, pointer: at(dup) },
    );
  return systems;
}

/** Concrete workloads a spec's workload list expands to, counted without making them. */
function countWorkloads(ws: WorkloadSpec[]): number {
  return ws.reduce(
    (n, w) =>
      n +
      w.batch.length *
        (w.phase === 'prefill'
          ? w.seq!.length
          : w.phase === 'decode'
            ? w.context!.length
            : w.phase === 'serve'
              ? countServe(w)
              : w.prompt!.length * w.output!.length),
    0,
  );
}

/** Serve workloads per batch value, as serveWorkloads (serve-point.ts) makes them: static scheduling never chunks prefill. */
function countServe(w: WorkloadSpec): number {
  const schedulers = w.scheduler ?? ['continuous'];
  const chunked = w.chunkedPrefill ?? [false];
  const pairs = schedulers.reduce((n, s) => n + chunked.filter((c) => !(s === 'static' && c)).length, 0);
  return (w.rate?.length ?? 1) * pairs * (w.maxBatchedTokens?.length ?? 1);
}

/** JSON with sorted keys: equal values give equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * A parameter whose pointer names nothing the arch's schema allows (a misspelt field), or whose
 * every value fails the schema on its own, would make every point infeasible: it is a spec error,
 * raised before the first point. (A value valid alone may still be infeasible in combination: that
 * stays a per-point result.)
 */
function checkParameterPointer(archDocument: unknown, p: ParameterSpec, file: string, i: number): void {
  let first: AccelscopeError | undefined;
  for (const v of parameterValues(p)) {
    try {
      validateArchSchema(setPointer(archDocument, p.pointer, v));
      return;
    } catch (e) {
      if (!isAccelscopeError(e)) throw e;
      first ??= e;
    }
  }
  if (!first) return;
  const where = first.pointer !== undefined ? `${first.pointer || '/'}: ` : '';
  const what = first.message.startsWith('unknown property') ? `the arch has no ${p.pointer}` : `no value of ${p.pointer} passes the arch schema`;
  throw new AccelscopeError('schema', `${what} (${where}${first.message})`, { file, pointer: `/parameters/${i}/pointer` });
}
