/**
 * An arch config fully resolved, with where every value comes from: the file itself (`config`),
 * a file it extends (`extends`, naming that file), its `overrides` (`override`), or a default of
 * the kind (`default`: a schema `default` keyword or a declared calibration default). What
 * `accelscope config --arch A` prints. The resolved document is the one loadArch validates.
 */
import { dirname, relative, resolve } from 'node:path';
import { readJsonFile } from '../util/json-file.ts';
import { isObject } from './merge.ts';
import { loadArch, resolveArchDocument } from './load.ts';
import { getModel } from '../hw/registry.ts';
import { resolveCalibration } from '../arch/calibration.ts';
import type { ArchConfig } from '../arch/base.ts';

export type ValueOrigin = 'config' | 'extends' | 'override' | 'default';

export interface ValueSource {
  origin: ValueOrigin;
  /** The file that set the value (absent for defaults). */
  file?: string;
  /** Defaults: where the default is declared. */
  declared?: string;
}

export interface ResolvedArch {
  file: string;
  kind: string;
  /** The config with extends/overrides applied and every default filled in. */
  config: ArchConfig;
  /** JSON pointer of every leaf value (arrays count as one value) → its source. */
  sources: Record<string, ValueSource>;
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function leaves(v: unknown, prefix: string, out: string[] = []): string[] {
  if (isObject(v) && Object.keys(v).length > 0) for (const [k, x] of Object.entries(v)) leaves(x, `${prefix}/${esc(k)}`, out);
  else out.push(prefix);
  return out;
}

function setSource(sources: Map<string, ValueSource>, pointer: string, s: ValueSource): void {
  for (const k of [...sources.keys()]) if (k === pointer || k.startsWith(`${pointer}/`)) sources.delete(k);
  sources.set(pointer, s);
}

/** Sources along the extends chain: the parent's values become `extends`, then this file's, then its overrides. */
function chainSources(file: string): Map<string, ValueSource> {
  const doc = readJsonFile(file) as Record<string, unknown>;
  const { extends: ext, overrides, ...rest } = doc;
  const sources = new Map<string, ValueSource>();
  if (typeof ext === 'string') {
    const parent = relative(process.cwd(), resolve(dirname(resolve(file)), ext));
    for (const [p, s] of chainSources(parent)) sources.set(p, s.origin === 'config' ? { origin: 'extends', file: s.file } : s);
  }
  for (const p of leaves(rest, '')) if (p !== '') setSource(sources, p, { origin: 'config', file });
  if (isObject(overrides)) {
    for (const [k, v] of Object.entries(overrides)) {
      const ptr = k.startsWith('/') ? k : `/${esc(k)}`;
      for (const p of k.startsWith('/') ? [ptr] : leaves(v, ptr)) setSource(sources, p, { origin: 'override', file });
    }
  }
  return sources;
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  default?: unknown;
  const?: unknown;
  /** Variants discriminated by a `const` (the lut section): `{if: {properties: {variant: {const}}}, then}`. */
  allOf?: { if?: SchemaNode; then?: SchemaNode }[];
}

/** The `then` branches whose `if` (consts on properties) the document matches. */
function matchingBranches(schema: SchemaNode, doc: Record<string, unknown>): SchemaNode[] {
  return (schema.allOf ?? [])
    .filter((b) => b.then && b.if?.properties && Object.entries(b.if.properties).every(([k, c]) => c.const !== undefined && doc[k] === c.const))
    .map((b) => b.then!);
}

/** Fills the schema's `default` keywords into `doc` (an absent optional object is created when nothing in it is required). */
function fillDefaults(schema: SchemaNode, doc: Record<string, unknown>, prefix: string, filled: string[]): void {
  for (const [k, sub] of Object.entries(schema.properties ?? {})) {
    const ptr = `${prefix}/${esc(k)}`;
    if (doc[k] === undefined && sub.default !== undefined) {
      doc[k] = sub.default;
      filled.push(ptr);
    } else if (sub.properties || sub.allOf) {
      const had = isObject(doc[k]);
      if (!had && (sub.required?.length ?? 0) > 0) continue;
      const child: Record<string, unknown> = had ? { ...(doc[k] as Record<string, unknown>) } : {};
      const before = filled.length;
      fillDefaults(sub, child, ptr, filled);
      if (had || filled.length > before) doc[k] = child;
    }
  }
  for (const branch of matchingBranches(schema, doc)) fillDefaults(branch, doc, prefix, filled);
}

/** A copy of an arch document with its kind's schema `default` keywords filled in, and the pointers filled. */
export function withSchemaDefaults<T extends object>(schema: object, doc: T): { config: T; filled: string[] } {
  const config = structuredClone(doc);
  const filled: string[] = [];
  fillDefaults(schema, config as unknown as Record<string, unknown>, '', filled);
  return { config, filled };
}

export function resolveArchWithSources(file: string): ResolvedArch {
  loadArch(file); // validates (one-line errors as for simulate)
  const config = structuredClone(resolveArchDocument(file)) as ArchConfig;
  const model = getModel(config.kind);
  const sources = chainSources(file);
  const filled: string[] = [];
  fillDefaults(model.schema, config, '', filled);
  for (const p of filled) sources.set(p, { origin: 'default', declared: `schema of ${config.kind}` });
  for (const c of resolveCalibration(config, model.calibration)) {
    if (c.origin !== 'default') continue;
    config.calibration = { ...config.calibration, [c.name]: { value: c.value, source: c.source, description: c.description } };
    for (const leaf of ['value', 'source', 'description'])
      sources.set(`/calibration/${esc(c.name)}/${leaf}`, { origin: 'default', declared: `calibration declaration of ${config.kind}` });
  }
  const sorted = Object.fromEntries(
    leaves(config, '')
      .filter((p) => sources.has(p))
      .map((p) => [p, sources.get(p)!]),
  );
  return { file, kind: config.kind, config, sources: sorted };
}
