/**
 * The check of one swept value against its sub-schema without compiling it (point-validator.ts):
 * a sweep's pointers nearly always name a number, integer, boolean or string leaf whose schema is
 * a type plus bounds or an enum. Compiling such a schema with ajv costs every process and every
 * worker thread the load of ajv and the compilation of its meta-schema (~0.3 s) for a check of a
 * few comparisons. A schema using only the keywords below is checked here, with ajv's semantics
 * (a `number` is finite, an `integer` a finite whole number, `enum`/`const` of primitives compare
 * with ===); any other keyword (or an enum holding objects) returns undefined and the caller
 * compiles the schema with ajv as before.
 */

/** Keywords that only annotate. */
const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly']);
const CHECKED = new Set(['type', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum', 'const']);

type Primitive = string | number | boolean | null;
const isPrimitive = (v: unknown): v is Primitive => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** A predicate equal to ajv's validation of `schema`, or undefined when the schema uses more than a leaf's keywords. */
export function leafCheck(schema: object): ((v: unknown) => boolean) | undefined {
  const s = schema as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!CHECKED.has(k) && !ANNOTATIONS.has(k)) return undefined;
  const type = s['type'];
  if (type !== undefined && type !== 'number' && type !== 'integer' && type !== 'boolean' && type !== 'string') return undefined;
  const bounds: [string, (v: number, b: number) => boolean][] = [
    ['minimum', (v, b) => v >= b],
    ['maximum', (v, b) => v <= b],
    ['exclusiveMinimum', (v, b) => v > b],
    ['exclusiveMaximum', (v, b) => v < b],
  ];
  const numeric: [number, (v: number, b: number) => boolean][] = [];
  for (const [k, ok] of bounds) {
    if (s[k] === undefined) continue;
    if (typeof s[k] !== 'number') return undefined;
    numeric.push([s[k], ok]);
  }
  const en = s['enum'];
  if (en !== undefined && (!Array.isArray(en) || !en.every(isPrimitive))) return undefined;
  const hasConst = Object.hasOwn(s, 'const');
  if (hasConst && !isPrimitive(s['const'])) return undefined;
  const allowed = en;
  return (v) => {
    if (type === 'number' && !(typeof v === 'number' && Number.isFinite(v))) return false;
    if (type === 'integer' && !Number.isInteger(v)) return false;
    if (type === 'boolean' && typeof v !== 'boolean') return false;
    if (type === 'string' && typeof v !== 'string') return false;
    // Bounds apply to numbers only (JSON Schema ignores them for other types).
    if (typeof v === 'number') for (const [b, ok] of numeric) if (!ok(v, b)) return false;
    if (allowed && !allowed.includes(v as Primitive)) return false;
    if (hasConst && v !== s['const']) return false;
    return true;
  };
}
