/**
 * Runs a sweep: points (grid, seeded random sample, or Pareto-directed rounds) are evaluated in
 * a piscina pool of worker threads in chunks, with a bounded number of chunks in flight, and
 * each chunk's lines are appended to the results file as it finishes — results are never all
 * held in memory. Resume skips indices already in the partial file. Sharding keeps the
 * indices i (mod N). The set of lines is identical whatever the number of workers.
 */
import { existsSync, renameSync } from 'node:fs';
import { AccelscopeError } from '../util/errors.ts';
import type { ResolvedSpec } from './spec.ts';
import { PointSpace, sampleIndices } from './points.ts';
import { assertResultsPath, partialPath, readExisting, ResultsWriter } from './results-file.ts';
import { acquireLock } from '../util/file-lock.ts';
import { objectiveDef, type ObjectiveDef } from './objectives.ts';
import { orient, paretoFront } from './pareto.ts';
import type { ResultLine } from './evaluate.ts';
import { baseVerdicts } from './point-validator.ts';
import type { ChunkResult } from './worker.ts';
import { ChunkBuffers, type ChunkTask, type ChunkText } from './chunk-buffers.ts';
import { BUNDLED } from '../build/build-info.ts';
import { workerError, workerResourceLimits } from './worker-limits.ts';
import { IndexSet } from '../util/index-set.ts';
import { LineReader } from '../util/line-file.ts';
import { tuneV8ForSweep } from './v8-tuning.ts';

export interface SweepOptions {
  out: string;
  workers: number;
  resume?: boolean;
  shard?: { index: number; count: number };
  chunkSize?: number;
  /** Bytes of result lines sorted in memory at once when the sweep finishes (default 8 MiB; larger sweeps merge sorted runs). */
  sortRunBytes?: number;
  onProgress?: (p: { done: number; total: number; skipped: number }) => void;
  /** Polled between chunks: true stops submitting and closes cleanly. */
  shouldStop?: () => boolean;
  /** Old-generation limit of each worker thread, MiB (default WORKER_HEAP_MIB, worker-limits.ts). */
  workerHeapMiB?: number;
  /** Aborting stops at once: the pool's threads are terminated, the lines written so far stay resumable. */
  signal?: AbortSignal;
}

export interface SweepSummary {
  total: number;
  evaluated: number;
  skipped: number;
  infeasible: number;
  finished: boolean;
  truncatedBytes: number;
  out: string;
}

/** The worker entry: the compiled one beside the bundle (dist/sweep-worker.mjs), else the TypeScript source run through tsx. */
function workerEntry(): { filename: string; execArgv: string[] } {
  if (BUNDLED) return { filename: new URL('./sweep-worker.mjs', import.meta.url).href, execArgv: [] };
  return { filename: new URL('./worker.ts', import.meta.url).href, execArgv: ['--import', import.meta.resolve('tsx')] };
}

export function parseShard(s: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  if (!m) throw new AccelscopeError('bad-flag', `--shard must be i/N (e.g. 0/4), got '${s}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new AccelscopeError('bad-flag', `--shard ${s}: need 0 ≤ i < N`);
  return { index, count };
}

/** How many of the indices [0, n) a shard keeps (i ≡ index mod count), counted, not enumerated. */
export function shardCount(n: number, shard?: { index: number; count: number }): number {
  if (!shard) return n;
  return shard.index < n ? Math.floor((n - 1 - shard.index) / shard.count) + 1 : 0;
}

export async function runSweep(spec: ResolvedSpec, opts: SweepOptions): Promise<SweepSummary> {
  if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new AccelscopeError('bad-flag', `--workers must be a positive integer (got ${opts.workers})`);
  assertResultsPath(opts.out);
  workerResourceLimits(opts.workerHeapMiB); // a bad --worker-heap fails before anything is written
  // One writer per results file: a second sweep, --resume or merge on it fails naming this one.
  const release = acquireLock(opts.out, opts.resume ? 'sweep --resume' : 'sweep');
  try {
    return await runLocked(spec, opts);
  } finally {
    release();
  }
}

async function runLocked(spec: ResolvedSpec, opts: SweepOptions): Promise<SweepSummary> {
  const space = new PointSpace(spec);
  if (opts.shard && spec.strategy.kind === 'pareto')
    throw new AccelscopeError('bad-flag', '--shard works with the grid and random strategies (a Pareto search adapts to its own results)');
  if (!opts.resume && existsSync(partialPath(opts.out))) {
    throw new AccelscopeError('bad-flag', `${partialPath(opts.out)} exists from an unfinished run: rerun with --resume, or delete it`);
  }
  const inShard = (i: number) => !opts.shard || i % opts.shard.count === opts.shard.index;
  if (opts.resume && !existsSync(partialPath(opts.out)) && existsSync(opts.out)) {
    // A finished file: done if it holds every point this run asks for; else (another shard's file,
    // or a shard resumed as the whole sweep) it becomes the partial file and the rest is evaluated.
    const fin = readExisting(opts.out, spec.hash);
    const complete =
      spec.strategy.kind === 'grid'
        ? [...fin.done].filter(inShard).length === shardCount(space.size, opts.shard)
        : spec.strategy.kind === 'random'
          ? sampleIndices(space.size, spec.strategy.samples, spec.strategy.seed)
              .filter(inShard)
              .every((i) => fin.done.has(i))
          : true;
    if (complete) {
      const total = spec.strategy.kind === 'grid' ? shardCount(space.size, opts.shard) : fin.done.size;
      return { total, evaluated: 0, skipped: fin.done.size, infeasible: 0, finished: true, truncatedBytes: 0, out: opts.out };
    }
    renameSync(opts.out, partialPath(opts.out));
  }
  const existing = opts.resume ? readExisting(partialPath(opts.out), spec.hash) : { done: new IndexSet(), truncatedBytes: 0 };
  const writer = new ResultsWriter(opts.out, Boolean(opts.resume), opts.sortRunBytes);
  const { Piscina } = await import('piscina'); // loaded only when a sweep runs
  tuneV8ForSweep(opts.workers); // before the workers' isolates exist (sweep/v8-tuning.ts)
  const pool = new Piscina({
    ...workerEntry(),
    minThreads: opts.workers,
    maxThreads: opts.workers,
    // The base archs are checked once here (the spec loader has the validator loaded and warm), not in every worker.
    // Warm-up probes (sweep/warm-up.ts) pay for themselves only over many points.
    workerData: { spec, bases: baseVerdicts(spec), warmUp: expectedPoints(spec, space, opts.shard) >= WARM_UP_FROM_POINTS },
    idleTimeout: 60_000,
    // A bounded heap per thread keeps a long sweep's memory flat (worker-limits.ts).
    resourceLimits: workerResourceLimits(opts.workerHeapMiB),
  });
  let evaluated = 0;
  let infeasible = 0;
  let stopped = false;
  let aborted = false;
  let wake: () => void = () => undefined;
  /**
   * Settles when `p` does (rejecting with its error) or on abort (nothing waits for the
   * terminated threads' tasks). No reaction is left on a promise that never settles, so a sweep
   * of a million chunks keeps no trace of its waits (racing a never-settled abort promise would).
   */
  const untilOrAbort = (p: Promise<unknown>) =>
    new Promise<void>((res, rej) => {
      if (aborted) return res();
      wake = res;
      p.then(() => res(), rej);
    });
  const onAbort = () => {
    aborted = true;
    stopped = true;
    wake();
    void pool.destroy().catch(() => undefined);
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  /**
   * Evaluates the given indices with bounded chunks in flight; calls back with each line. Chunks
   * are written in the order they were submitted (a finished chunk waits for the ones before it;
   * at most `limit` are held), so a grid's partial file is already in index order and needs no
   * sort when it finishes (results-file.ts).
   */
  const evaluateAll = async (indices: Iterable<number>, total: number, onLine?: (l: ResultLine) => void): Promise<void> => {
    const inFlight = new Set<Promise<void>>();
    const buffers = new ChunkBuffers();
    const limit = opts.workers * 2;
    const chunk = opts.chunkSize ?? autoChunkSize(total, opts.workers);
    const ready = new Map<number, { buffer: SharedArrayBuffer; text: ChunkText; order?: { first: number; last: number } }>();
    const utf8 = new TextDecoder();
    const write = (r: { buffer: SharedArrayBuffer; text: ChunkText; order?: { first: number; last: number } }) => {
      writer.writeChunk(buffers.bytes(r.buffer, r.text), r.order);
      buffers.give(r.buffer, r.text);
    };
    let nextSeq = 0;
    let nextWrite = 0;
    const flush = () => {
      for (let r = ready.get(nextWrite); r; r = ready.get(nextWrite)) {
        ready.delete(nextWrite++);
        write(r);
      }
    };
    let batch: number[] = [];
    let ascending = true;
    const submit = (b: number[], asc: boolean) => {
      const seq = nextSeq++;
      const order = asc ? { first: b[0]!, last: b[b.length - 1]! } : undefined;
      const buffer = buffers.take();
      const task: ChunkTask = { indices: b, buffer };
      const p = (pool.run(task) as Promise<ChunkResult>).then(
        (res) => {
          if (aborted) return;
          // Parsed before the write: the buffer is reused once its bytes are in the file.
          const parsed = onLine ? utf8.decode(buffers.bytes(buffer, res.text)) : '';
          ready.set(seq, { buffer, text: res.text, ...(order ? { order } : {}) });
          flush();
          evaluated += res.lines;
          infeasible += res.infeasible;
          if (onLine) for (const l of parsed.split('\n')) if (l) onLine(JSON.parse(l) as ResultLine);
          opts.onProgress?.({ done: evaluated + existing.done.size, total, skipped: existing.done.size });
        },
        (e: unknown) => {
          if (!aborted) throw workerError(e, opts.workerHeapMiB); // an aborted pool rejects its tasks: their points are simply not done
        },
      );
      const tracked = p.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    };
    try {
      for (const i of indices) {
        if (stopped) break;
        if (existing.done.has(i)) continue;
        if (batch.length && i <= batch[batch.length - 1]!) ascending = false;
        batch.push(i);
        if (batch.length >= chunk) {
          submit(batch, ascending);
          batch = [];
          ascending = true;
          while (inFlight.size >= limit && !aborted) await untilOrAbort(Promise.race(inFlight));
          if (opts.shouldStop?.()) {
            stopped = true;
            break;
          }
        }
      }
      if (!stopped && batch.length) submit(batch, ascending);
      await untilOrAbort(Promise.all(inFlight));
    } finally {
      // Chunks that finished behind one still running (an abort, a failed chunk): written out of
      // order rather than lost (the file is then sorted when it finishes).
      for (const seq of [...ready.keys()].sort((a, b) => a - b)) write(ready.get(seq)!);
      ready.clear();
    }
    if (opts.shouldStop?.()) stopped = true;
  };

  let total = 0;
  try {
    if (spec.strategy.kind === 'grid') {
      total = shardCount(space.size, opts.shard);
      await evaluateAll(gridIndices(space.size, opts.shard), total);
    } else if (spec.strategy.kind === 'random') {
      const idx = sampleIndices(space.size, spec.strategy.samples, spec.strategy.seed).filter(inShard);
      total = idx.length;
      await evaluateAll(idx, total);
    } else {
      total = Math.min(spec.strategy.budget, space.size);
      await paretoSearch(spec, space, total, existing.done, evaluateAll, opts.out, () => stopped);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (!aborted) await pool.destroy();
  }
  const finished = !stopped && evaluated + [...existing.done].filter(inShard).length >= total;
  writer.close(finished);
  return { total, evaluated, skipped: existing.done.size, infeasible, finished, truncatedBytes: existing.truncatedBytes, out: opts.out };
}

/** Sweeps of at least this many points warm each worker up before its first chunk (sweep/warm-up.ts). */
const WARM_UP_FROM_POINTS = 1000;

/** How many points a run evaluates, before it starts: a grid's shard, the random samples, the Pareto budget. */
function expectedPoints(spec: ResolvedSpec, space: PointSpace, shard?: { index: number; count: number }): number {
  const s = spec.strategy;
  return s.kind === 'grid' ? shardCount(space.size, shard) : s.kind === 'random' ? s.samples : Math.min(s.budget, space.size);
}

/**
 * Points per task when the caller gives none: about 32 tasks per worker (so the last tasks of a
 * sweep leave little idle time), at least 32 points (a task's message and scheduling cost is then
 * small beside its points) and at most 512 (the chunks held for in-order writing stay small).
 */
export function autoChunkSize(total: number, workers: number): number {
  return Math.min(512, Math.max(32, Math.ceil(total / (workers * 32))));
}

/**
 * A grid's indices (a shard's: every count-th from index). Not a generator: a generator allocates
 * a result object per index; with it V8 doubled the main thread's young generation ~40 s into a
 * 10⁶-point sweep (+10 MiB RSS), without it the young generation shrank to its smallest size and
 * stayed there (two quiet runs, heap sampled every 250 ms). The iterator hands out one result object.
 */
function gridIndices(n: number, shard?: { index: number; count: number }): Iterable<number> {
  const step = shard?.count ?? 1;
  return {
    [Symbol.iterator]: () => {
      const r = { value: (shard?.index ?? 0) - step, done: false };
      return {
        next: () => {
          r.value += step;
          r.done = r.value >= n;
          return r;
        },
      };
    },
  };
}

/** Objectives the Pareto search steers by: the strategy's, else the spec's first two. */
export function searchObjectives(spec: ResolvedSpec): ObjectiveDef[] {
  const names =
    spec.strategy.kind === 'pareto' && spec.strategy.objectives?.length
      ? spec.strategy.objectives
      : spec.objectives.map((o) => (typeof o === 'string' ? o : o.name)).slice(0, 2);
  const custom = spec.objectives.filter((o): o is Exclude<typeof o, string> => typeof o !== 'string');
  return names.map((n) => {
    const d = objectiveDef(n, custom);
    if (!d) throw new AccelscopeError('schema', `unknown objective '${n}'`, { file: spec.file, pointer: '/strategy/objectives' });
    return d;
  });
}

/**
 * Pareto-directed search: a seeded random start, then rounds that evaluate the unevaluated
 * neighbours (one step along one dimension) of the current front, topped up with random
 * points when the front's neighbourhood is exhausted. Each round is a function of the rounds
 * before it and their results only, so a resumed search replays the rounds from the results
 * already on disk (evaluating only what is missing) and reaches the same point set as an
 * uninterrupted one.
 */
async function paretoSearch(
  spec: ResolvedSpec,
  space: PointSpace,
  budget: number,
  done: IndexSet,
  evaluateAll: (idx: Iterable<number>, total: number, onLine?: (l: ResultLine) => void) => Promise<void>,
  out: string,
  stopped: () => boolean,
): Promise<void> {
  if (spec.strategy.kind !== 'pareto') return;
  const defs = searchObjectives(spec);
  // Results on disk (a resumed run), then every result as it arrives.
  const known = new Map<number, number[] | undefined>();
  if (done.size) {
    const reader = new LineReader(partialPath(out));
    try {
      for (let line = reader.next(); line !== undefined; line = reader.next()) {
        if (!line) continue;
        const r = JSON.parse(line) as ResultLine;
        known.set(r.index, r.ok && r.objectives ? orient(r.objectives, defs) : undefined);
      }
    } finally {
      reader.close();
    }
  }
  const record = (l: ResultLine) => known.set(l.index, l.ok && l.objectives ? orient(l.objectives, defs) : undefined);
  // The points of the rounds so far: what each next round is computed from.
  const scored = new Map<number, number[] | undefined>();
  /** Evaluates a round (only the points not known yet); false when the run was stopped part-way. */
  const round = async (idx: number[]): Promise<boolean> => {
    await evaluateAll(
      idx.filter((i) => !known.has(i)),
      budget,
      record,
    );
    if (idx.some((i) => !known.has(i))) return false;
    for (const i of idx) {
      scored.set(i, known.get(i));
      done.add(i);
    }
    return !stopped();
  };
  const initial = Math.min(budget, spec.strategy.initial ?? Math.max(8, Math.ceil(budget / 4)));
  if (!(await round(sampleIndices(space.size, initial, spec.strategy.seed, new Set())))) return;
  for (let r = 1; scored.size < budget; r++) {
    const items = [...scored.entries()].filter(([, v]) => v).map(([index, values]) => ({ index, values: values! }));
    const front = paretoFront(items).sort((a, b) => a.index - b.index);
    const cand: number[] = [];
    const seen = new Set<number>();
    for (const f of front) {
      for (const n of space.neighbors(f.index)) {
        if (scored.has(n) || seen.has(n)) continue;
        seen.add(n);
        cand.push(n);
      }
    }
    const room = budget - scored.size;
    let next = cand.slice(0, room);
    if (next.length < room) {
      const exclude = new Set([...scored.keys(), ...next]);
      next = next.concat(sampleIndices(space.size, Math.min(room - next.length, Math.max(4, Math.ceil(room / 4))), spec.strategy.seed + r, exclude));
    }
    if (next.length === 0) break;
    if (!(await round(next))) return;
  }
}
