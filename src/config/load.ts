/**
 * Loaders: a file → a validated, typed object, or an AccelscopeError naming the file and the
 * JSON pointer of the first problem. Arch configs may `extends` another file (path relative to
 * the extending file) with `overrides` deep-merged on top (keys starting with '/' are JSON
 * pointers, set one value each).
 */
import { dirname, resolve } from 'node:path';
import { readJsonFile } from '../util/json-file.ts';
import { AccelscopeError } from '../util/errors.ts';
import type { ArchConfig } from '../arch/base.ts';
import { checkCalibrationNames } from '../arch/calibration.ts';
import { deepMerge, isObject, setPointer } from './merge.ts';
import { validateOrThrow } from './ajv.ts';
import { getModel } from '../hw/registry.ts';
import { normalizeModelConfig, type ModelSpec } from '../workload/model-config.ts';
import { graphSchema } from './schemas/graph.ts';
import type { OpGraph } from '../workload/graph.ts';
import { parseQuantScheme } from '../quant/scheme.ts';
import type { QuantScheme } from '../quant/types.ts';
import { quantSchemeFileSchema, quantSchemeFromJson } from './schemas/quant.ts';
import { existsSync, statSync } from 'node:fs';

/** Resolves `extends` chains into one plain document (no validation yet). */
export function resolveArchDocument(file: string, seen: string[] = []): unknown {
  const abs = resolve(file);
  if (seen.includes(abs)) throw new AccelscopeError('schema', `'extends' cycle through ${file}`, { file, pointer: '/extends' });
  const doc = readJsonFile(file);
  if (!isObject(doc)) throw new AccelscopeError('schema', 'must be object', { file, pointer: '' });
  if (doc['extends'] === undefined) {
    if (doc['overrides'] !== undefined) throw new AccelscopeError('schema', "'overrides' needs 'extends'", { file, pointer: '/overrides' });
    return doc;
  }
  if (typeof doc['extends'] !== 'string') throw new AccelscopeError('schema', 'must be string', { file, pointer: '/extends' });
  const basePath = resolve(dirname(abs), doc['extends']);
  // A missing base is this file's fault: name it and /extends (found by the CLI arch property test, #21).
  if (!existsSync(basePath) || !statSync(basePath).isFile())
    throw new AccelscopeError('file-not-found', `the config it extends is not a file: ${basePath}`, { file, pointer: '/extends' });
  const base = resolveArchDocument(basePath, [...seen, abs]);
  const { extends: _e, overrides, ...rest } = doc;
  if (overrides !== undefined && !isObject(overrides)) throw new AccelscopeError('schema', 'must be object', { file, pointer: '/overrides' });
  // Keys that start with '/' are JSON pointers (as in sweep specs' parameters); the rest deep-merge.
  const entries = Object.entries(overrides ?? {});
  const merged = deepMerge(deepMerge(base, rest), Object.fromEntries(entries.filter(([k]) => !k.startsWith('/'))));
  return entries.filter(([k]) => k.startsWith('/')).reduce((d, [k, v]) => setPointer(d, k, v), merged);
}

/** Validates an in-memory arch document with its kind's schema only (calibration names, ranges, required fields). */
export function validateArchSchema(doc: unknown, file?: string): ArchConfig {
  if (!isObject(doc)) throw new AccelscopeError('schema', 'must be object', { file, pointer: '' });
  const kind = doc['kind'];
  if (typeof kind !== 'string')
    throw new AccelscopeError('schema', kind === undefined ? "must have required property 'kind'" : 'must be string', {
      file,
      pointer: kind === undefined ? '' : '/kind',
    });
  const model = getModel(kind, { file, pointer: '/kind' });
  checkCalibrationNames(doc, model.calibration, kind, file);
  validateOrThrow(model.schema, doc, file);
  return doc as ArchConfig;
}

/** Validates an in-memory arch document (e.g. a sweep point) with its kind's schema, then the model's resource checks. */
export function validateArch(doc: unknown, file?: string): ArchConfig {
  const arch = validateArchSchema(doc, file);
  assertCalibrationPositive(arch, file);
  assertMagnitudes(arch, file);
  getModel(arch.kind, { file, pointer: '/kind' }).validate?.(arch, file);
  return arch;
}

/**
 * Every non-zero number in an arch config lies in [1e-15, 1e18] in magnitude (docs/reliability.md):
 * far outside what any device has (1e-300 B/s, 1e300 Hz), and a ratio or product of two such
 * numbers overflows float64 to Infinity or underflows to 0 before it reaches a result.
 */
export const MIN_ARCH_MAGNITUDE = 1e-15;
export const MAX_ARCH_MAGNITUDE = 1e18;
export function assertMagnitudes(doc: unknown, file: string | undefined, at = ''): void {
  if (typeof doc === 'number') {
    const m = Math.abs(doc);
    if (!Number.isFinite(doc) || (m !== 0 && (m < MIN_ARCH_MAGNITUDE || m > MAX_ARCH_MAGNITUDE))) {
      throw new AccelscopeError('schema', `${doc} is outside the range accelscope accepts (magnitude 0 or 1e-15 … 1e18)`, { file, pointer: at });
    }
  } else if (Array.isArray(doc)) doc.forEach((v, i) => assertMagnitudes(v, file, `${at}/${i}`));
  else if (isObject(doc)) for (const [k, v] of Object.entries(doc)) assertMagnitudes(v, file, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
}

/** A calibration factor scales a rate or a time: zero, negative or infinite gives nonsense (Infinity, negative seconds). */
export function assertCalibrationPositive(c: ArchConfig, file?: string): void {
  for (const [name, cal] of Object.entries(c.calibration ?? {})) {
    if (!(Number.isFinite(cal.value) && cal.value > 0))
      throw new AccelscopeError('schema', `must be a finite number > 0 (got ${cal.value})`, { file, pointer: `/calibration/${name}/value` });
  }
}

export function loadArch(file: string): ArchConfig {
  return validateArch(resolveArchDocument(file), file);
}

/** A Hugging Face config.json → ModelSpec. */
export function loadModel(file: string): ModelSpec {
  const spec = normalizeModelConfig(readJsonFile(file), file);
  if (spec.name === spec.modelType) spec.name = file.replace(/^.*\//, '').replace(/\.json$/, '');
  return spec;
}

export function loadGraph(file: string): OpGraph {
  const doc = readJsonFile(file);
  validateOrThrow(graphSchema, doc, file);
  const g = doc as OpGraph;
  const ids = new Set<string>();
  g.ops.forEach((op, i) => {
    if (ids.has(op.id)) throw new AccelscopeError('schema', `duplicate op id '${op.id}'`, { file, pointer: `/ops/${i}/id` });
    ids.add(op.id);
  });
  g.ops.forEach((op, i) =>
    op.deps.forEach((d, j) => {
      if (!ids.has(d)) throw new AccelscopeError('schema', `unknown dependency '${d}'`, { file, pointer: `/ops/${i}/deps/${j}` });
    }),
  );
  return g;
}

/** A scheme name (w4a16-g128, fp8 …) or a path to a quant-scheme JSON file. */
export function loadQuant(text: string): QuantScheme {
  if (text.endsWith('.json') || existsSync(text)) {
    const doc = readJsonFile(text);
    validateOrThrow(quantSchemeFileSchema, doc, text);
    return quantSchemeFromJson(doc as Parameters<typeof quantSchemeFromJson>[0], text);
  }
  return parseQuantScheme(text);
}
