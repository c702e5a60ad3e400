/**
 * The schemas of src/schema-catalog are composed in TypeScript by reusing objects, so a
 * sub-schema used in many places (an energy-table entry appears 74 times in the GPU arch schema)
 * is written out at every use. ajv generates validation code per occurrence: the GPU arch
 * validator was ~750 KB of code, and compiling it on its first call cost every `simulate` and
 * `sweep` 100–300 ms. `withSharedSubschemas` gives ajv an equivalent schema in which each large
 * sub-schema that occurs more than once is written once under `$defs` and referenced — one
 * validation function per shared sub-schema (with ajv's `inlineRefs: false`, AJV_OPTIONS).
 *
 * Only objects in schema positions are shared (the values of `properties`, `items`, the members
 * of `oneOf`, …), never a `properties` map or an `enum` list. Validation results and errors are
 * the same: a `$ref` adds nothing to an error's instance path, keyword, params or message.
 */

/** Keywords whose value is one schema. */
const ONE = ['additionalProperties', 'items', 'not', 'if', 'then', 'else', 'propertyNames', 'contains', 'unevaluatedProperties', 'unevaluatedItems'];
/** Keywords whose value is an array of schemas. */
const LIST = ['oneOf', 'anyOf', 'allOf', 'prefixItems'];
/** Keywords whose value maps names to schemas. */
const MAP = ['properties', 'patternProperties', 'dependentSchemas', '$defs'];

/** Sub-schemas shorter than this (as JSON) are left in place: a call costs more than the code saved. */
const MIN_SHARED_CHARS = 200;

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Calls `f` on each sub-schema directly below `s` (one level), with a setter that replaces it. */
function eachChild(s: Schema, f: (child: Schema, replace: (v: Schema) => void) => void): void {
  for (const k of ONE) {
    const v = s[k];
    if (isSchema(v)) f(v, (r) => (s[k] = r));
  }
  for (const k of LIST) {
    const v = s[k];
    if (Array.isArray(v)) v.forEach((x, i) => isSchema(x) && f(x, (r) => (v[i] = r)));
  }
  for (const k of MAP) {
    const v = s[k];
    if (isSchema(v)) for (const [name, x] of Object.entries(v)) if (isSchema(x)) f(x, (r) => (v[name] = r));
  }
}

/** A deep copy of a JSON schema with its repeated large sub-schemas moved to `$defs` (see above). */
export function withSharedSubschemas(schema: object): object {
  const root = JSON.parse(JSON.stringify(schema)) as Schema; // every occurrence its own object
  if (root['$defs'] !== undefined) return root; // a schema with its own $defs is left as written
  const text = new Map<Schema, string>();
  const count = new Map<string, number>();
  const visit = (s: Schema) => {
    eachChild(s, (c) => {
      const t = JSON.stringify(c);
      text.set(c, t);
      count.set(t, (count.get(t) ?? 0) + 1);
      visit(c);
    });
  };
  visit(root);
  const defs: Record<string, Schema> = {};
  const names = new Map<string, string>();
  // Outermost first: a shared sub-schema's own shared parts are shared inside its definition.
  const replace = (s: Schema) => {
    eachChild(s, (c, set) => {
      const t = text.get(c)!;
      if ((count.get(t) ?? 0) > 1 && t.length >= MIN_SHARED_CHARS) {
        let name = names.get(t);
        if (name === undefined) {
          name = `shared${names.size}`;
          names.set(t, name);
          defs[name] = c;
          replace(c);
        }
        set({ $ref: `#/$defs/${name}` });
      } else replace(c);
    });
  };
  replace(root);
  if (names.size > 0) root['$defs'] = defs;
  return root;
}
