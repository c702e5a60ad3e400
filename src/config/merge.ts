import { setOwn } from '../util/own.ts';
import { AccelscopeError } from '../util/errors.ts';

/** Presets plus overrides: deep merge of plain JSON objects (arrays and scalars replace). Own keys only. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (isObject(base) && isObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) setOwn(out, k, Object.hasOwn(base, k) ? deepMerge(base[k], v) : v);
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
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const set = (node: unknown, i: number): unknown => {
    const key = parts[i]!;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(node) ? [...(node as unknown[])] : isObject(node) ? { ...node } : {};
    const child = isObject(node) || Array.isArray(node) ? (Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined) : undefined;
    const v = i === parts.length - 1 ? value : set(child, i + 1);
    if (Array.isArray(copy)) {
      // An array index must exist or append (a pointer like /tiles/1000000000 would allocate a sparse array).
      if (!/^(0|[1-9]\d*)$/.test(key) || Number(key) > copy.length)
        throw new AccelscopeError('schema', `'${key}' is not an index of this ${copy.length}-element array`, {
          pointer: '/' + parts.slice(0, i + 1).join('/'),
        });
      copy[Number(key)] = v;
    } else setOwn(copy, key, v);
    return copy;
  };
  return set(doc, 0);
}

export { getPointer } from '../util/json-pointer.ts';
