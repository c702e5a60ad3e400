/**
 * Reads a report input file and says what it is: `.jsonl` → a sweep results file, JSON with
 * `kind: "quant-comparison"` → a quant comparison, any other JSON → a run (validated against the
 * `simulate --json` contract). Unreadable or malformed input is a one-line AccelscopeError naming
 * the file (and the line or JSON pointer).
 */
import { closeSync, openSync } from 'node:fs';
import { AccelscopeError } from '../util/errors.ts';
import { readJsonFile } from '../util/json-file.ts';
import { validateOrThrow } from '../config/ajv.ts';
import { runResultSchema } from '../config/schemas/run-result.ts';
import type { QuantComparison, RunInput, SweepLine } from './inputs.ts';
import { fileLines } from '../util/line-file.ts';

export type ReportInput =
  | { kind: 'run'; file: string; run: RunInput }
  /** A sweep results file, read line by line on each call of `lines` (never held whole: sweep-report.ts reads it twice). */
  | { kind: 'sweep'; file: string; lines: () => Iterable<SweepLine> }
  | { kind: 'quant'; file: string; data: QuantComparison };

export function loadReportInput(file: string): ReportInput {
  if (file.endsWith('.jsonl')) {
    closeSync(openOrThrow(file)); // a missing file is an error now, not when the report reads it
    return { kind: 'sweep', file, lines: () => readSweepJsonl(file) };
  }
  const data = readJsonFile(file);
  if (isObject(data) && data['kind'] === 'quant-comparison') {
    if (!Array.isArray(data['rows'])) throw new AccelscopeError('schema', "a quant comparison needs a 'rows' array", { file, pointer: '/rows' });
    return { kind: 'quant', file, data: data as unknown as QuantComparison };
  }
  if (!isObject(data) || !('totals' in data) || !('ops' in data)) {
    throw new AccelscopeError(
      'schema',
      'not a report input: expected a run (simulate --json), a sweep results file (.jsonl) or a quant comparison (quant --json)',
      { file },
    );
  }
  validateOrThrow(runResultSchema, data, file);
  return { kind: 'run', file, run: data as unknown as RunInput };
}

function openOrThrow(file: string): number {
  try {
    return openSync(file, 'r');
  } catch (e) {
    throw readError(e, file);
  }
}

function readError(e: unknown, file: string): AccelscopeError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new AccelscopeError('file-not-found', 'no such file', { file });
  return new AccelscopeError('file-not-found', `cannot read file (${code ?? 'unknown error'})`, { file });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses sweep results JSONL (blank lines skipped); a bad line is an error naming its number. */
export function parseSweepJsonl(text: string, file = '<sweep>'): SweepLine[] {
  const lines: SweepLine[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const line = parseSweepLine(raw[i]!, i + 1, lines.length, file);
    if (line) lines.push(line);
  }
  if (lines.length === 0) throw noResults(file);
  return lines;
}

/**
 * The lines of a sweep results file, read in blocks one line at a time (util/line-file.ts), so a
 * file of any size passes through in bounded memory; the same checks and messages as
 * parseSweepJsonl (a bad line names its number; a file without results is an error at its end).
 */
export function* readSweepJsonl(file: string): Generator<SweepLine> {
  let n = 0;
  let lineNo = 0;
  for (const text of fileLines(file, (e) => readError(e, file))) {
    const line = parseSweepLine(text, ++lineNo, n, file);
    if (!line) continue;
    n++;
    yield line;
  }
  if (n === 0) throw noResults(file);
}

function noResults(file: string): AccelscopeError {
  return new AccelscopeError('schema', 'the sweep results file has no results', { file });
}

/** One line of a results file (number `lineNo`, 1-based): undefined when blank; `count`: results before it (the index of a line without one). */
function parseSweepLine(text: string, lineNo: number, count: number, file: string): SweepLine | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const where = `line ${lineNo}`;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch (e) {
    throw new AccelscopeError('malformed-json', `${where}: malformed JSON (${(e as Error).message.split('\n')[0]})`, { file });
  }
  if (!isObject(v)) throw new AccelscopeError('schema', `${where}: a sweep result must be a JSON object`, { file });
  if (typeof v['id'] !== 'string') throw new AccelscopeError('schema', `${where}: missing string 'id'`, { file, pointer: '/id' });
  if (typeof v['ok'] !== 'boolean') throw new AccelscopeError('schema', `${where}: missing boolean 'ok'`, { file, pointer: '/ok' });
  if (!isObject(v['point'])) throw new AccelscopeError('schema', `${where}: missing object 'point'`, { file, pointer: '/point' });
  if (v['ok'] && !isObject(v['objectives']))
    throw new AccelscopeError('schema', `${where}: a feasible point needs an 'objectives' object`, { file, pointer: '/objectives' });
  if (!v['ok'] && typeof v['reason'] !== 'string')
    throw new AccelscopeError('schema', `${where}: an infeasible point needs a string 'reason'`, { file, pointer: '/reason' });
  const point = v['point'];
  return {
    ...(v as unknown as SweepLine),
    index: typeof v['index'] === 'number' ? v['index'] : count,
    point: { ...point, params: isObject(point['params']) ? point['params'] : {} },
  };
}
