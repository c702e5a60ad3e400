/**
 * The lines of a sweep results file as `merge` and `pareto` read them: one at a time, from
 * fixed-size blocks (util/line-file.ts), so a file of any size passes through in bounded memory.
 * Each line is checked (an object with id, index, spec, ok, point{params, quant, workload}); a bad
 * line is a one-line error naming its number — the last line of a file hints at a truncated
 * sweep (--resume), and a file that is one pretty-printed JSON document is named as such.
 */
import { readFileSync, statSync } from 'node:fs';
import { AccelscopeError } from '../util/errors.ts';
import { fileLines } from '../util/line-file.ts';
import type { ResultLine } from './evaluate.ts';

/** Files up to this size are re-read whole to tell a JSON document from broken JSON lines. */
const DOCUMENT_CHECK_BYTES = 64 * 2 ** 20;

function readError(e: unknown, file: string): AccelscopeError {
  const code = (e as NodeJS.ErrnoException).code;
  return new AccelscopeError(
    'file-not-found',
    code === 'EISDIR' ? 'is a directory, not a results file' : code === 'ENOENT' ? 'no such file' : `cannot read file (${code})`,
    { file },
  );
}

/** The result lines of `file` in file order (blank lines skipped). */
export function* readResults(file: string): Generator<ResultLine> {
  const lines = fileLines(file, (e) => readError(e, file));
  let lineNo = 0;
  let first = true;
  for (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      if (first && isJsonDocument(file)) {
        throw new AccelscopeError(
          'schema',
          'not a sweep results file (JSON lines, one point per line) but one JSON document — simulate/quant --json output goes to `report`',
          { file },
        );
      }
      let last = true;
      for (let rest = lines.next(); !rest.done && last; rest = lines.next()) if (rest.value.trim()) last = false;
      const hint = last ? ' (a truncated file? finish it with sweep --resume)' : '';
      throw new AccelscopeError('malformed-json', `line ${lineNo} is not valid JSON${hint}`, { file });
    }
    first = false;
    const r = rec as Partial<ResultLine> | null;
    if (
      !r ||
      typeof r !== 'object' ||
      Array.isArray(r) ||
      typeof r.id !== 'string' ||
      typeof r.spec !== 'string' ||
      typeof r.index !== 'number' ||
      typeof r.ok !== 'boolean' ||
      !isPoint(r.point)
    ) {
      throw new AccelscopeError('schema', `line ${lineNo} is not a sweep result (an object with id, index, spec, ok, point{params, quant, workload})`, {
        file,
      });
    }
    yield r as ResultLine;
  }
}

function isPoint(p: unknown): boolean {
  const o = p as { params?: unknown; quant?: unknown; workload?: unknown } | null;
  return (
    !!o &&
    typeof o === 'object' &&
    typeof o.params === 'object' &&
    o.params !== null &&
    typeof o.quant === 'string' &&
    typeof o.workload === 'object' &&
    o.workload !== null
  );
}

/** The whole file parses as one JSON document (checked only for files of at most DOCUMENT_CHECK_BYTES). */
function isJsonDocument(file: string): boolean {
  try {
    if (statSync(file).size > DOCUMENT_CHECK_BYTES) return false;
    JSON.parse(readFileSync(file, 'utf8'));
    return true;
  } catch {
    return false;
  }
}
