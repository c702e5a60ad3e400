import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AccelscopeError } from './errors.ts';

/** Reads and parses a JSON file; missing files and malformed JSON become one-line user errors. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AccelscopeError('file-not-found', 'no such file', { file });
    if (code === 'EISDIR') throw new AccelscopeError('file-not-found', 'is a directory, not a JSON file', { file });
    throw new AccelscopeError('file-not-found', `cannot read file (${code ?? 'unknown error'})`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AccelscopeError('malformed-json', `malformed JSON: ${describeJsonError(text, e as Error)}`, { file });
  }
}

function describeJsonError(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  const first = e.message.split('\n')[0]!.replace(/^JSON\.parse: /, '');
  if (!m) return first;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `${first.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${col}`;
}

/** Writes a file atomically: to a temporary name beside it, then renamed — never half-written. */
export function writeFileAtomic(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}
