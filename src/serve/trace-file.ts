/**
 * Request traces on disk: CSV (with a header row) or JSONL, one request per row with its arrival
 * time, prompt tokens and output tokens. Column names are matched case-insensitively:
 *   arrival: TIMESTAMP | arrival | arrival_s | arrival_time | time | timestamp
 *   prompt:  ContextTokens | prompt | prompt_tokens | input_tokens | input
 *   output:  GeneratedTokens | output | output_tokens | generated_tokens | completion_tokens
 * The first set of names is the public Azure LLM inference trace layout (AzurePublicDataset,
 * AzureLLMInferenceTrace_{code,conv}.csv: `TIMESTAMP,ContextTokens,GeneratedTokens`, timestamps
 * like `2023-11-16 18:15:46.6805900`). Times are numbers (seconds) or such date-times (UTC);
 * arrivals are rebased so the first request arrives at 0 and sorted (stable) by time.
 */
import { readFileSync } from 'node:fs';
import { AccelscopeError } from '../util/errors.ts';

export interface TraceRow {
  arrivalS: number;
  promptTokens: number;
  outputTokens: number;
}

const ARRIVAL = ['timestamp', 'arrival', 'arrival_s', 'arrival_time', 'time'];
const PROMPT = ['contexttokens', 'prompt', 'prompt_tokens', 'input_tokens', 'input'];
const OUTPUT = ['generatedtokens', 'output', 'output_tokens', 'generated_tokens', 'completion_tokens'];

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AccelscopeError('file-not-found', code === 'ENOENT' ? 'no such file' : `cannot read file (${code ?? 'unknown error'})`, { file });
  }
}

/** A date-time `YYYY-MM-DD[ T]HH:MM:SS[.fraction]` (UTC) or a number of seconds → seconds. */
export function parseTime(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?Z?$/.exec(s);
  if (!m) return undefined;
  const whole = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
  return whole + (m[7] ? Number(`0${m[7]}`) : 0);
}

function tokens(v: unknown, file: string, where: string, name: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new AccelscopeError('schema', `${where}: ${name} must be a non-negative integer (got ${JSON.stringify(v)})`, { file });
  return n;
}

function pick(names: string[], header: string[]): number {
  for (const n of names) {
    const i = header.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

/** Reads a CSV or JSONL trace; every row needs the three fields. */
export function readTrace(file: string): TraceRow[] {
  const text = readText(file);
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new AccelscopeError('schema', 'empty trace: no requests', { file });
  const rows: TraceRow[] = [];
  if (lines[first]!.trim().startsWith('{')) {
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch {
        throw new AccelscopeError('malformed-json', `line ${i + 1}: malformed JSON`, { file });
      }
      if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new AccelscopeError('schema', `line ${i + 1}: must be an object`, { file });
      const lower = Object.fromEntries(Object.entries(o as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
      const keys = Object.keys(lower);
      const get = (names: string[], what: string) => {
        const k = names.find((n) => keys.includes(n));
        if (!k) throw new AccelscopeError('schema', `line ${i + 1}: no ${what} field (one of ${names.join(', ')})`, { file });
        return lower[k];
      };
      const t = get(ARRIVAL, 'arrival');
      const arrivalS = typeof t === 'number' ? t : typeof t === 'string' ? parseTime(t) : undefined;
      if (arrivalS === undefined || !Number.isFinite(arrivalS))
        throw new AccelscopeError('schema', `line ${i + 1}: arrival time ${JSON.stringify(t)} is neither seconds nor a date-time`, { file });
      rows.push({
        arrivalS,
        promptTokens: tokens(get(PROMPT, 'prompt'), file, `line ${i + 1}`, 'prompt tokens'),
        outputTokens: tokens(get(OUTPUT, 'output'), file, `line ${i + 1}`, 'output tokens'),
      });
    });
  } else {
    const header = lines[first]!.split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
    const ia = pick(ARRIVAL, header);
    const ip = pick(PROMPT, header);
    const io = pick(OUTPUT, header);
    const missing = [
      [ia, 'arrival', ARRIVAL],
      [ip, 'prompt', PROMPT],
      [io, 'output', OUTPUT],
    ].filter(([i]) => i === -1);
    if (missing.length)
      throw new AccelscopeError(
        'schema',
        `line ${first + 1}: header has no ${missing.map(([, w, n]) => `${w as string} column (${(n as string[]).join(' | ')})`).join(', no ')}`,
        { file },
      );
    for (let i = first + 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
      const where = `line ${i + 1}`;
      const arrivalS = parseTime(cells[ia] ?? '');
      if (arrivalS === undefined)
        throw new AccelscopeError('schema', `${where}: arrival time ${JSON.stringify(cells[ia] ?? '')} is neither seconds nor a date-time`, { file });
      rows.push({
        arrivalS,
        promptTokens: tokens(cells[ip] ?? '', file, where, 'prompt tokens'),
        outputTokens: tokens(cells[io] ?? '', file, where, 'output tokens'),
      });
    }
  }
  if (rows.length === 0) throw new AccelscopeError('schema', 'empty trace: no requests', { file });
  const t0 = rows.reduce((m, r) => Math.min(m, r.arrivalS), Infinity);
  const order = rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.arrivalS - b.r.arrivalS || a.i - b.i);
  return order.map(({ r }) => ({ ...r, arrivalS: r.arrivalS - t0 }));
}

/** A list of lengths: one integer per line, or a trace's prompt/output column. */
export function readLengths(file: string, column: 'prompt' | 'output'): number[] {
  const text = readText(file);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length && lines.every((l) => /^\s*\d+\s*$/.test(l))) return lines.map(Number);
  const rows = readTrace(file);
  return rows.map((r) => (column === 'prompt' ? r.promptTokens : r.outputTokens));
}
