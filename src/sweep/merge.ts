/**
 * Merges result files: shards of one sweep, or sweeps of several specs (compared in one report).
 * Lines are de-duplicated by (spec hash, point id) and written grouped by spec (in the order the
 * specs first appear), sorted by index within a spec. The caller says which specs were merged and
 * what differs between them (report/sweep-specs.ts), so mixing specs is never silent.
 *
 * In bounded memory whatever the files' size: the lines stream (result-lines.ts) into one
 * temporary file per spec, each is sorted by index with the sweep's external merge sort
 * (sort-results.ts; equal indices keep their file order, so the first copy of a point wins), and
 * the sorted files are appended to a temporary output renamed into place (never half-written).
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { AccelscopeError } from '../util/errors.ts';
import { LineReader, LineWriter } from '../util/line-file.ts';
import type { ResultLine } from './evaluate.ts';
import { readResults } from './result-lines.ts';
import { lineIndex, sortResultsFile, DEFAULT_SORT_RUN_BYTES } from './sort-results.ts';

/** Every result line of a file, held in memory (small files and tests; merge and pareto stream). */
export function readResultLines(file: string): ResultLine[] {
  return [...readResults(file)];
}

export interface MergeSummary {
  /** Lines written. */
  lines: number;
  spec: string;
  specs: { spec: string; file: string }[];
  duplicates: number;
}

/**
 * Merges `files` into `out` (written atomically); `onLine` sees every line kept, in output order.
 * `sortRunBytes`: bytes of lines sorted in memory at once (sort-results.ts).
 */
export function mergeResultFiles(files: string[], out: string, onLine?: (l: ResultLine) => void, sortRunBytes = DEFAULT_SORT_RUN_BYTES): MergeSummary {
  if (files.length === 0) throw new AccelscopeError('bad-flag', 'merge needs at least one results file');
  if (existsSync(out) && statSync(out).isDirectory()) throw new AccelscopeError('write-failed', 'is a directory; name an output file', { file: out });
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = `${out}.tmp-${stamp}`;
  const specs: { spec: string; file: string }[] = [];
  const bySpec = new Map<string, { file: string; writer: LineWriter | undefined }>();
  let lines = 0;
  let duplicates = 0;
  try {
    try {
      mkdirSync(dirname(out), { recursive: true });
      for (const f of files) {
        for (const l of readResults(f)) {
          let s = bySpec.get(l.spec);
          if (!s) {
            specs.push({ spec: l.spec, file: f });
            const file = `${out}.merge-${stamp}-${bySpec.size}.tmp`;
            bySpec.set(l.spec, (s = { file, writer: new LineWriter(file) }));
          }
          s.writer!.line(JSON.stringify(l));
        }
      }
      for (const s of bySpec.values()) {
        s.writer!.close();
        s.writer = undefined;
      }
      const w = new LineWriter(tmp);
      try {
        for (const { spec } of specs) {
          const s = bySpec.get(spec)!;
          sortResultsFile(s.file, s.file, sortRunBytes);
          const r = new LineReader(s.file);
          try {
            // Equal indices are adjacent after the sort: a point's id seen at its index is a duplicate.
            let at = -1;
            const ids = new Set<string>();
            for (let text = r.next(); text !== undefined; text = r.next()) {
              if (!text) continue;
              const i = lineIndex(text);
              if (i !== at) {
                at = i;
                ids.clear();
              }
              const l = JSON.parse(text) as ResultLine;
              if (ids.has(l.id)) {
                duplicates++;
                continue;
              }
              ids.add(l.id);
              w.line(text);
              lines++;
              onLine?.(l);
            }
          } finally {
            r.close();
          }
        }
      } finally {
        w.close();
      }
      renameSync(tmp, out);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (e instanceof AccelscopeError || code === undefined) throw e;
      throw new AccelscopeError('write-failed', `cannot write file (${code})`, { file: out });
    }
  } finally {
    for (const s of bySpec.values()) {
      try {
        s.writer?.close();
      } catch {
        // closed on the error path: its file is removed below
      }
      rmSync(s.file, { force: true });
    }
    rmSync(tmp, { force: true });
  }
  return { lines, spec: specs[0]?.spec ?? '', specs, duplicates };
}
