/**
 * One strict ajv instance (draft 2020-12) and the translation of its errors into user errors.
 * The compiled CLI carries standalone validators generated at build time from the same schemas
 * and options (src/build/precompiled-validators.ts); ajv itself is only constructed for a schema
 * that has none.
 */
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { ajvClass, type AjvClass } from '../build/ajv-class.ts';
import { AccelscopeError } from '../util/errors.ts';
import { HAS_PRECOMPILED, precompiledValidator } from '../build/precompiled-validators.ts';
import { schemaKey } from './schema-key.ts';
import { withSharedSubschemas } from './shared-subschemas.ts';

/** The options every validator is built with, at run time and by the build's code generation (`inlineRefs: false`: config/shared-subschemas.ts). */
export const AJV_OPTIONS: Options = { strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true, inlineRefs: false };

let ajv: InstanceType<AjvClass> | undefined;
const cache = new WeakMap<object, ValidateFunction>();

/** A fresh ajv instance with the product's options (plus `extra`, e.g. code generation). */
export function newAjv(extra: Options = {}): InstanceType<AjvClass> {
  const Ajv2020 = ajvClass();
  return new Ajv2020({ ...AJV_OPTIONS, ...extra });
}

export function compile(schema: object): ValidateFunction {
  let v = cache.get(schema);
  if (!v) {
    v = (HAS_PRECOMPILED ? precompiledValidator(schemaKey(schema)) : undefined) ?? (ajv ??= newAjv()).compile(withSharedSubschemas(schema));
    cache.set(schema, v);
  }
  return v;
}

/** Validates `data` against `schema`; throws the first error as `file: /pointer: message`. */
export function validateOrThrow(schema: object, data: unknown, file?: string): void {
  const v = compile(schema);
  if (v(data)) return;
  const err = pickError(v.errors ?? []);
  throw new AccelscopeError('schema', describe(err), { file, pointer: err.instancePath });
}

/** Prefer the most specific error (deepest pointer), skipping oneOf/anyOf summaries. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const concrete = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const pool = concrete.length ? concrete : errors;
  return pool.reduce((best, e) => (e.instancePath.length > best.instancePath.length ? e : best), pool[0]!);
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown property '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'propertyNames':
      return `has an unknown key '${(e.params as { propertyName: string }).propertyName}'`;
    default:
      return e.message ?? 'is invalid';
  }
}
