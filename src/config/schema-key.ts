/** The identity of a JSON Schema by content: sha256 of its JSON text (symbols and functions are not part of it). */
import { createHash } from 'node:crypto';

export function schemaKey(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 24);
}
