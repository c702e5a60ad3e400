/**
 * The `default` keywords of an object schema's properties, as one typed object: a kind declares a
 * field once (type, range, description, default) and reads the default from here, so the value
 * the model uses and the one the schema (and `accelscope config`) shows cannot disagree.
 */
import type { Static, TObject } from '@sinclair/typebox';

/** The declared defaults of `keys`; a key whose schema has no `default` is a bug and throws. */
export function defaultsOf<T extends TObject, K extends keyof Static<T> & string>(
  schema: T,
  keys: readonly K[],
): { [P in K]-?: Exclude<Static<T>[P], undefined> } {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const d = (schema.properties[k] as { default?: unknown } | undefined)?.default;
    if (d === undefined) throw new Error(`schema property '${k}' declares no default`);
    out[k] = d;
  }
  return out as { [P in K]-?: Exclude<Static<T>[P], undefined> };
}
