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

/** Sets the value at a JSON pointer (RFC 6901) in a copy of `doc`; creates missing objects. */
export function setPointer(doc: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const root = structuredClone(doc) as Record<string, unknown>;
  let cur: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i]!;
    const next = (cur as Record<string, unknown>)[key];
    if (typeof next !== 'object' || next === null) (cur as Record<string, unknown>)[key] = {};
    cur = (cur as Record<string, unknown>)[key] as Record<string, unknown>;
  }
  (cur as Record<string, unknown>)[parts[parts.length - 1]!] = value;
  return root;
}

export function getPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
