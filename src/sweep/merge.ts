/**
 * Merges shard result files of one sweep: every line must carry the same spec hash; lines are
 * de-duplicated by point id and written sorted by index.
 */
import { readFileSync } from 'node:fs';
import { AccelscopeError } from '../util/errors.ts';
import type { ResultLine } from './evaluate.ts';

export function readResultLines(file: string): ResultLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AccelscopeError('file-not-found', 'no such file', { file });
  }
  const out: ResultLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as ResultLine);
    } catch {
      throw new AccelscopeError('malformed-json', `line ${i + 1} is not valid JSON (a truncated file? finish it with sweep --resume)`, { file });
    }
  });
  return out;
}

export function mergeResults(files: string[]): { lines: ResultLine[]; spec: string; duplicates: number } {
  if (files.length === 0) throw new AccelscopeError('bad-flag', 'merge needs at least one results file');
  let spec: string | undefined;
  let specFile = '';
  const byId = new Map<string, ResultLine>();
  let duplicates = 0;
  for (const f of files) {
    for (const l of readResultLines(f)) {
      if (spec === undefined) {
        spec = l.spec;
        specFile = f;
      } else if (l.spec !== spec) {
        throw new AccelscopeError('schema', `comes from another sweep spec (${l.spec}) than ${specFile} (${spec})`, { file: f, pointer: '/spec' });
      }
      if (byId.has(l.id)) duplicates++;
      else byId.set(l.id, l);
    }
  }
  const lines = [...byId.values()].sort((a, b) => a.index - b.index);
  return { lines, spec: spec ?? '', duplicates };
}
