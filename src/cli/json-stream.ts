/**
 * Large `--json` documents (e.g. `formats fp16 --codes --json`: 65,536 codes) written as they are
 * produced, never as one multi-megabyte string: the object's scalar fields first, then one array
 * field with one compact element per line, flushed in chunks of about 64 KB.
 *
 *     {"format":"fp16","element":"fp16","codes":[
 *     {"code":0,"hex":"0x0000",…},
 *     …
 *     ]}
 *
 * The output is one valid JSON document with the same content as JSON.stringify of the whole
 * object (field order: the head's fields, then the array), and stays line-oriented for grep/head.
 */
import type { Io } from './io.ts';

const CHUNK_CHARS = 1 << 16;

/**
 * Writes `{...head, [arrayKey]: items}` to `io`, one element per line. `toJson` turns one element
 * into its compact JSON text (JSON.stringify by default; a caller with millions of fixed-shape
 * elements may pass a faster writer that gives the same text).
 */
export function writeJsonWithArray<T>(
  io: Io,
  head: Record<string, unknown>,
  arrayKey: string,
  items: Iterable<T>,
  toJson: (item: T) => string = (x) => JSON.stringify(x),
): void {
  const open = JSON.stringify({ ...head, [arrayKey]: [] });
  // `{...,"key":[]}` → `{...,"key":[` : the array is the last field.
  io.out(`${open.slice(0, -2)}\n`);
  // Lines gathered per chunk and joined once: no long chain of concatenated strings to flatten.
  let lines: string[] = [];
  let chars = 0;
  let first = true;
  for (const item of items) {
    const text = toJson(item);
    if (text === undefined) throw new TypeError(`${arrayKey}: an element has no JSON form`);
    lines.push(text);
    chars += text.length;
    if (chars >= CHUNK_CHARS) {
      io.out(`${first ? '' : ',\n'}${lines.join(',\n')}`);
      first = false;
      lines = [];
      chars = 0;
    }
  }
  if (lines.length) {
    io.out(`${first ? '' : ',\n'}${lines.join(',\n')}`);
    first = false;
  }
  io.out(`${first ? '' : '\n'}]}\n`);
}
