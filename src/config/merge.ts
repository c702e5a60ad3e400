/** Presets plus overrides: deep merge of plain JSON objects (arrays and scalars replace). */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (isObject(base) && isObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
    return out;
  }
  return over;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Sets the value at a JSON pointer (RFC 6901) and returns a new document; `doc` is not modified.
 * Only the objects along the path are copied (the rest is shared), so treat documents as
 * immutable. Missing objects along the path are created.
 */
export function setPointer(doc: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const set = (node: unknown, i: number): unknown => {
    const key = parts[i]!;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(node) ? [...node] : isObject(node) ? { ...node } : {};
    (copy as Record<string, unknown>)[key] = i === parts.length - 1 ? value : set((node as Record<string, unknown> | undefined)?.[key], i + 1);
    return copy;
  };
  return set(doc, 0);
}

export { getPointer } from '../util/json-pointer.ts';
