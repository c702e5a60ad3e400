/**
 * The finished results file, sorted by point index in bounded memory (an external merge sort):
 * the partial file (lines in finishing order) is read in runs of at most `runBytes`; a sweep
 * whose lines fit in one run is sorted in memory and written at once; a larger one writes each
 * run sorted to a temporary file beside the output, then k-way merges the runs with a heap.
 * Either way the result goes to a temporary name and is renamed into place (never half-written),
 * and the run files are removed, also on failure. Lines with equal indices keep their order.
 */
import { renameSync, rmSync } from 'node:fs';
import { AccelscopeError } from '../util/errors.ts';
import { LineReader, LineWriter } from '../util/line-file.ts';

/** Bytes of lines sorted in memory at once (the sweep's memory does not grow beyond this with its size). */
export const DEFAULT_SORT_RUN_BYTES = 8 * 2 ** 20;

const LEAD = /^\{"id":"[^"\\]*","index":(\d+)[,}]/;

/** A result line's point index (lines start with id and index: read without parsing the rest). */
export function lineIndex(line: string): number {
  const m = LEAD.exec(line);
  return m ? Number(m[1]) : (JSON.parse(line) as { index: number }).index;
}

interface Keyed {
  i: number;
  l: string;
}

function writeRun(file: string, run: Keyed[]): void {
  const w = new LineWriter(file);
  try {
    for (const k of run) w.line(k.l);
  } finally {
    w.close();
  }
}

/** Min-heap over the runs' current lines, by (index, run number). */
class RunHeap {
  private readonly h: { i: number; run: number; l: string }[] = [];
  get size(): number {
    return this.h.length;
  }
  private less(a: number, b: number): boolean {
    const x = this.h[a]!;
    const y = this.h[b]!;
    return x.i < y.i || (x.i === y.i && x.run < y.run);
  }
  private swap(a: number, b: number): void {
    const t = this.h[a]!;
    this.h[a] = this.h[b]!;
    this.h[b] = t;
  }
  push(e: { i: number; run: number; l: string }): void {
    this.h.push(e);
    let c = this.h.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!this.less(c, p)) break;
      this.swap(c, p);
      c = p;
    }
  }
  pop(): { i: number; run: number; l: string } {
    const top = this.h[0]!;
    const last = this.h.pop()!;
    if (this.h.length) {
      this.h[0] = last;
      let p = 0;
      for (;;) {
        const a = 2 * p + 1;
        const b = a + 1;
        let m = p;
        if (a < this.h.length && this.less(a, m)) m = a;
        if (b < this.h.length && this.less(b, m)) m = b;
        if (m === p) break;
        this.swap(p, m);
        p = m;
      }
    }
    return top;
  }
}

/** Sorts the JSON lines of `from` by point index into `to` (atomically); returns how many sorted runs it used. */
export function sortResultsFile(from: string, to: string, runBytes = DEFAULT_SORT_RUN_BYTES): { lines: number; runs: number } {
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = `${to}.tmp-${stamp}`;
  const runFiles: string[] = [];
  let lines = 0;
  try {
    const reader = new LineReader(from);
    let run: Keyed[] = [];
    let bytes = 0;
    const spill = () => {
      run.sort((a, b) => a.i - b.i);
      const f = `${to}.sort-${stamp}-${runFiles.length}.tmp`;
      runFiles.push(f);
      writeRun(f, run);
      run = [];
      bytes = 0;
    };
    try {
      for (let l = reader.next(); l !== undefined; l = reader.next()) {
        if (!l.trim()) continue;
        run.push({ i: lineIndex(l), l });
        lines++;
        bytes += l.length + 1;
        if (bytes >= runBytes) spill();
      }
    } finally {
      reader.close();
    }
    if (runFiles.length === 0) {
      run.sort((a, b) => a.i - b.i);
      writeRun(tmp, run);
    } else {
      if (run.length) spill();
      mergeRuns(runFiles, tmp);
    }
    renameSync(tmp, to);
    return { lines, runs: Math.max(1, runFiles.length) };
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof AccelscopeError || code === undefined) throw e;
    throw new AccelscopeError(
      'write-failed',
      `cannot write the sorted results (${code ?? (e as Error).message}); the partial file is kept: rerun with --resume`,
      { file: to },
    );
  } finally {
    for (const f of runFiles) rmSync(f, { force: true });
  }
}

function mergeRuns(files: string[], to: string): void {
  const readers = files.map((f) => new LineReader(f));
  const w = new LineWriter(to);
  try {
    const heap = new RunHeap();
    readers.forEach((r, run) => {
      const l = r.next();
      if (l !== undefined) heap.push({ i: lineIndex(l), run, l });
    });
    while (heap.size) {
      const top = heap.pop();
      w.line(top.l);
      const l = readers[top.run]!.next();
      if (l !== undefined) heap.push({ i: lineIndex(l), run: top.run, l });
    }
  } finally {
    w.close();
    for (const r of readers) r.close();
  }
}
