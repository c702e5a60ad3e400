/**
 * Small TypeBox helpers for kind declarations: the emitted JSON Schema keeps the keywords the
 * hand-written schemas used (`enum`, `propertyNames`), so ajv's messages stay the same.
 */
import { Type, type TUnsafe, type SchemaOptions } from '@sinclair/typebox';

/** A string enum as `{enum: [...]}` (not anyOf of consts), typed as the union of its values. */
export function Enum<const T extends string>(values: readonly T[], options: SchemaOptions = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ enum: [...values], ...options });
}

/** An object keyed by some of `keys`, each value matching `value`: `Partial<Record<K, number>>`. */
export function KeyedNumbers<const K extends string>(keys: readonly K[], value: object, options: SchemaOptions = {}): TUnsafe<Partial<Record<K, number>>> {
  return Type.Unsafe<Partial<Record<K, number>>>({ type: 'object', propertyNames: { enum: [...keys] }, additionalProperties: value, ...options });
}
