/**
 * Lookups by names that come from users (quant schemes, dtypes, kinds, objectives, JSON keys)
 * must never reach the prototype chain: `table['constructor']` is Object's constructor and
 * `obj['__proto__'] = v` replaces a prototype. These helpers keep such lookups to own keys.
 */

/** A table whose lookups see only its own keys (a null-prototype copy of `entries`). */
export function ownTable<T extends object>(entries: T): T {
  return Object.freeze(Object.assign(Object.create(null) as T, entries));
}

/** The value of an own property, or undefined (never an inherited one). */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Sets an own data property, even one named `__proto__` (plain assignment would set the prototype). */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
