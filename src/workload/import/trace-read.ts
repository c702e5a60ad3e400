/**
 * Reads a PyTorch profiler Chrome trace (`export_chrome_trace` of a profile recorded with
 * `record_shapes=True`): the CPU ops of the model's thread with their input shapes, the GPU
 * kernel time each op launched (kernels carry the launching op's "External id"), and the
 * user annotations (`record_function`) that may name phases.
 */
import { readFileSync } from 'node:fs';
import { readJsonFile } from '../../util/json-file.ts';
import { AccelscopeError } from '../../util/errors.ts';

/** One input's dims: a tensor's shape, a tensor list's shapes (cat), or [] for a scalar. */
export type TraceDims = number[] | number[][];

export interface CpuEvent {
  /** Index in traceEvents (a stable reference for `source`). */
  index: number;
  name: string;
  ts: number;
  dur: number;
  dims: TraceDims[];
  types: string[];
  /** `Concrete Inputs`: scalar arguments as text ('' for tensors). */
  concrete: string[];
  externalId?: number;
}

export interface Annotation {
  name: string;
  ts: number;
  dur: number;
}

export interface TraceData {
  cpuOps: CpuEvent[];
  /** CPU ops on threads other than the model's (not imported; counted in the report). */
  otherThreadOps: number;
  /** GPU kernel (and memset/memcpy) microseconds per launching op's External id. */
  gpuUsByExternalId: Map<number, number>;
  /** First kernel start and last kernel end (µs, GPU clock) per launching op's External id. */
  gpuSpanByExternalId: Map<number, [number, number]>;
  hasKernels: boolean;
  annotations: Annotation[];
  recordShapes: boolean;
}

type Json = Record<string, unknown>;

/** The most a `.json.gz` trace may inflate to: a small file must not allocate gigabytes before its error. */
export const MAX_TRACE_INFLATED_BYTES = 256 * 2 ** 20;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readTrace(file: string): TraceData {
  if (!/\.gz$/i.test(file)) return parseTrace(readJsonFile(file), file);
  // export_chrome_trace writes gzip when the path ends in .gz.
  let text: string;
  try {
    text = process.getBuiltinModule('node:zlib').gunzipSync(readFileSync(file), { maxOutputLength: MAX_TRACE_INFLATED_BYTES }).toString('utf8'); // zlib loaded only for .gz
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AccelscopeError(
        'unsupported',
        `inflates to more than ${MAX_TRACE_INFLATED_BYTES / 2 ** 20} MiB (the bound on a gzip trace; docs/trace-import.md)`,
        { file },
      );
    }
    throw new AccelscopeError('file-not-found', code === 'ENOENT' ? 'no such file' : `cannot read gzip trace (${code ?? (e as Error).message})`, { file });
  }
  try {
    return parseTrace(JSON.parse(text), file);
  } catch (e) {
    if (e instanceof AccelscopeError) throw e;
    throw new AccelscopeError('malformed-json', `malformed JSON: ${(e as Error).message.split('\n')[0]}`, { file });
  }
}

export function parseTrace(doc: unknown, file?: string): TraceData {
  const events = Array.isArray(doc) ? doc : isObj(doc) ? doc['traceEvents'] : undefined;
  if (!Array.isArray(events)) {
    throw new AccelscopeError('schema', "not a Chrome trace: must have a 'traceEvents' array", { file, pointer: '' });
  }
  const byThread = new Map<string, CpuEvent[]>();
  const gpu = new Map<number, number>();
  const span = new Map<number, [number, number]>();
  const annotations: Annotation[] = [];
  let hasKernels = false;
  let anyShapes = false;
  events.forEach((e: unknown, index: number) => {
    if (!isObj(e) || e['ph'] !== 'X') return;
    const cat = e['cat'];
    const args = isObj(e['args']) ? e['args'] : {};
    const ts = Number(e['ts']);
    const dur = Number(e['dur'] ?? 0);
    if (!Number.isFinite(ts) || !Number.isFinite(dur)) {
      throw new AccelscopeError('schema', "an 'X' event needs numeric 'ts' and 'dur'", { file, pointer: `/traceEvents/${index}` });
    }
    if (dur < 0) throw new AccelscopeError('schema', `'dur' must be ≥ 0 (got ${dur})`, { file, pointer: `/traceEvents/${index}/dur` });
    if (cat === 'kernel' || cat === 'gpu_memcpy' || cat === 'gpu_memset') {
      hasKernels = true;
      const ext = Number(args['External id']);
      if (Number.isFinite(ext)) {
        gpu.set(ext, (gpu.get(ext) ?? 0) + dur);
        const sp = span.get(ext);
        span.set(ext, sp ? [Math.min(sp[0], ts), Math.max(sp[1], ts + dur)] : [ts, ts + dur]);
      }
      return;
    }
    if (cat === 'user_annotation' || cat === 'gpu_user_annotation') {
      if (cat === 'user_annotation') annotations.push({ name: String(e['name']), ts, dur });
      return;
    }
    if (cat !== 'cpu_op' && cat !== 'operator') return;
    const dims = Array.isArray(args['Input Dims']) ? (args['Input Dims'] as TraceDims[]) : [];
    if (Array.isArray(args['Input Dims'])) anyShapes = true;
    const ext = Number(args['External id']);
    const ev: CpuEvent = {
      index,
      name: String(e['name']),
      ts,
      dur,
      dims,
      types: Array.isArray(args['Input type']) ? (args['Input type'] as unknown[]).map(String) : [],
      concrete: Array.isArray(args['Concrete Inputs']) ? (args['Concrete Inputs'] as unknown[]).map(String) : [],
      ...(Number.isFinite(ext) ? { externalId: ext } : {}),
    };
    const key = `${String(e['pid'])}/${String(e['tid'])}`;
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    list.push(ev);
  });
  // The model runs on the thread with the most CPU ops; others (data loaders, autograd
  // engine threads) are counted, not imported.
  let main: CpuEvent[] = [];
  let total = 0;
  for (const list of byThread.values()) {
    total += list.length;
    if (list.length > main.length) main = list;
  }
  if (main.length === 0) {
    throw new AccelscopeError('schema', 'no CPU ops in the trace (events with "cat": "cpu_op"); record it with torch.profiler', {
      file,
      pointer: '/traceEvents',
    });
  }
  if (!anyShapes) {
    throw new AccelscopeError('schema', "the trace has no input shapes ('Input Dims'): record it with record_shapes=True", { file, pointer: '/traceEvents' });
  }
  main.sort((a, b) => a.ts - b.ts || b.dur - a.dur || a.index - b.index);
  annotations.sort((a, b) => a.ts - b.ts);
  const recordShapes = isObj(doc) ? doc['record_shapes'] !== 0 : true;
  return { cpuOps: main, otherThreadOps: total - main.length, gpuUsByExternalId: gpu, gpuSpanByExternalId: span, hasKernels, annotations, recordShapes };
}
