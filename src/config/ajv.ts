/** One strict ajv instance (draft 2020-12) and the translation of its errors into user errors. */
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { AccelscopeError } from '../util/errors.ts';

type AjvCtor = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvCtor }).default ?? Ajv2020Module) as AjvCtor;

const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
const cache = new WeakMap<object, ValidateFunction>();

export function compile(schema: object): ValidateFunction {
  let v = cache.get(schema);
  if (!v) {
    v = ajv.compile(schema);
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
