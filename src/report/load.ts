/**
 * Reads a report input file and says what it is: `.jsonl` → a sweep results file, JSON with
 * `kind: "quant-comparison"` → a quant comparison, any other JSON → a run (validated against the
 * `simulate --json` contract). Unreadable or malformed input is a one-line AccelscopeError naming
 * the file (and the line or JSON pointer).
 */
import { readFileSync } from 'node:fs';
import { AccelscopeError } from '../util/errors.ts';
import { readJsonFile } from '../util/json-file.ts';
import { validateOrThrow } from '../config/ajv.ts';
import { runResultSchema } from '../config/schemas/run-result.ts';
import type { QuantComparison, RunInput, SweepLine } from './inputs.ts';

export type ReportInput =
  | { kind: 'run'; file: string; run: RunInput }
  | { kind: 'sweep'; file: string; lines: SweepLine[] }
  | { kind: 'quant'; file: string; data: QuantComparison };

export function loadReportInput(file: string): ReportInput {
  if (file.endsWith('.jsonl')) return { kind: 'sweep', file, lines: parseSweepJsonl(readText(file), file) };
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

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AccelscopeError('file-not-found', 'no such file', { file });
    throw new AccelscopeError('file-not-found', `cannot read file (${code ?? 'unknown error'})`, { file });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses sweep results JSONL (blank lines skipped); a bad line is an error naming its number. */
export function parseSweepJsonl(text: string, file = '<sweep>'): SweepLine[] {
  const lines: SweepLine[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!.trim();
    if (!t) continue;
    const where = `line ${i + 1}`;
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
    lines.push({
      ...(v as unknown as SweepLine),
      index: typeof v['index'] === 'number' ? v['index'] : lines.length,
      point: { ...point, params: isObject(point['params']) ? point['params'] : {} },
    });
  }
  if (lines.length === 0) throw new AccelscopeError('schema', 'the sweep results file has no results', { file });
  return lines;
}
