import { readFileSync, writeFileSync, renameSync, mkdirSync, existsSync, statSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { AccelscopeError } from './errors.ts';
import { locateJsonError } from './json-locate.ts';

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
  const pos = locateJsonError(text);
  if (pos < 0) return e.message.split('\n')[0]!;
  if (pos >= text.length) return 'unexpected end of input';
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `unexpected ${JSON.stringify(text[pos])} at line ${line}, column ${col}`;
}

/** Writes a file atomically: to a temporary name beside it, then renamed — never half-written. */
export function writeFileAtomic(file: string, content: string): void {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new AccelscopeError('write-failed', 'is a directory; name an output file', { file });
  }
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was written there
    }
    const code = (e as NodeJS.ErrnoException).code;
    throw new AccelscopeError('write-failed', `cannot write file (${code ?? (e as Error).message})`, { file });
  }
}
