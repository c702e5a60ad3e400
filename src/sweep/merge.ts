/**
 * Merges result files: shards of one sweep, or sweeps of several specs (compared in one report).
 * Lines are de-duplicated by (spec hash, point id) and written grouped by spec (in the order the
 * specs first appear), sorted by index within a spec. The caller says which specs were merged and
 * what differs between them (report/sweep-specs.ts), so mixing specs is never silent.
 */
import { readFileSync } from 'node:fs';
import { AccelscopeError } from '../util/errors.ts';
import type { ResultLine } from './evaluate.ts';

export function readResultLines(file: string): ResultLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AccelscopeError(
      'file-not-found',
      code === 'EISDIR' ? 'is a directory, not a results file' : code === 'ENOENT' ? 'no such file' : `cannot read file (${code})`,
      { file },
    );
  }
  const lines = text.split('\n');
  const last = lines.reduce((a, l, i) => (l.trim() ? i : a), -1);
  const out: ResultLine[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      if (isJsonDocument(text)) {
        throw new AccelscopeError(
          'schema',
          'not a sweep results file (JSON lines, one point per line) but one JSON document — simulate/quant --json output goes to `report`',
          { file },
        );
      }
      const hint = i === last ? ' (a truncated file? finish it with sweep --resume)' : '';
      throw new AccelscopeError('malformed-json', `line ${i + 1} is not valid JSON${hint}`, { file });
    }
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
      throw new AccelscopeError('schema', `line ${i + 1} is not a sweep result (an object with id, index, spec, ok, point{params, quant, workload})`, { file });
    }
    out.push(r as ResultLine);
  });
  return out;
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

function isJsonDocument(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function mergeResults(files: string[]): { lines: ResultLine[]; spec: string; specs: { spec: string; file: string }[]; duplicates: number } {
  if (files.length === 0) throw new AccelscopeError('bad-flag', 'merge needs at least one results file');
  const specs: { spec: string; file: string }[] = [];
  const byId = new Map<string, ResultLine>();
  let duplicates = 0;
  for (const f of files) {
    for (const l of readResultLines(f)) {
      if (!specs.some((s) => s.spec === l.spec)) specs.push({ spec: l.spec, file: f });
      const key = `${l.spec}\u0000${l.id}`;
      if (byId.has(key)) duplicates++;
      else byId.set(key, l);
    }
  }
  const order = new Map(specs.map((s, i) => [s.spec, i]));
  const lines = [...byId.values()].sort((a, b) => order.get(a.spec)! - order.get(b.spec)! || a.index - b.index);
  return { lines, spec: specs[0]?.spec ?? '', specs, duplicates };
}
