/**
 * The results file: JSON lines streamed to `<out>.partial` while a sweep runs and renamed to
 * `<out>` when every point is done, so a finished file is never half-written. Resume reads the
 * partial file line by line, drops a truncated last line (a kill mid-write), and returns the
 * indices done.
 */
import { existsSync, truncateSync, openSync, writeSync, closeSync, mkdirSync, statSync, rmSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { AccelscopeError } from '../util/errors.ts';
import { DEFAULT_SORT_RUN_BYTES, sortResultsFile } from './sort-results.ts';
import { IndexSet } from '../util/index-set.ts';
import { LineReader } from '../util/line-file.ts';

export function partialPath(out: string): string {
  return `${out}.partial`;
}

export interface ExistingResults {
  done: IndexSet;
  truncatedBytes: number;
}

/**
 * Reads finished indices from a results file, line by line (a file of any size, in bounded
 * memory: the indices as a bitset); drops an incomplete last line.
 */
export function readExisting(file: string, specHash: string): ExistingResults {
  const done = new IndexSet();
  if (!existsSync(file)) return { done, truncatedBytes: 0 };
  const reader = new LineReader(file);
  let goodEnd = 0;
  try {
    let lineNo = 0;
    for (let line = reader.next(); line !== undefined; line = reader.next()) {
      if (!reader.complete) break; // no newline: truncated
      lineNo++;
      let rec: { index?: number; spec?: string } | undefined;
      try {
        rec = JSON.parse(line) as { index?: number; spec?: string };
      } catch {
        // A malformed line followed by a complete one is corruption, not a kill mid-write.
        if (reader.next() !== undefined && reader.complete) throw new AccelscopeError('malformed-json', `line ${lineNo} is not valid JSON`, { file });
        break;
      }
      if (rec?.spec !== specHash) throw new AccelscopeError('schema', `line ${lineNo} comes from another sweep spec (${rec?.spec} ≠ ${specHash})`, { file });
      if (!Number.isInteger(rec.index) || rec.index! < 0) throw new AccelscopeError('schema', `line ${lineNo} has no point index`, { file });
      done.add(rec.index!);
      goodEnd = reader.offset;
    }
  } finally {
    reader.close();
  }
  const truncatedBytes = statSync(file).size - goodEnd;
  if (truncatedBytes > 0) truncateSync(file, goodEnd);
  return { done, truncatedBytes };
}

/** Checked before the first point runs: a sweep must not compute for minutes and then fail to write. */
export function assertResultsPath(out: string): void {
  for (const f of [out, partialPath(out)]) {
    if (existsSync(f) && statSync(f).isDirectory()) {
      throw new AccelscopeError('write-failed', 'is a directory; name a results file (JSON lines)', { file: f });
    }
  }
}

export class ResultsWriter {
  private fd: number;
  /**
   * True while every line written is in ascending point order after the last (a grid's chunks
   * written in submission order): then the finished file needs no sort, the partial file is
   * renamed. A resumed file (lines already there) or a chunk out of order clears it.
   */
  private sorted: boolean;
  private lastIndex = -1;
  /** sortRunBytes: bytes of lines sorted in memory at once when the sweep finishes (sort-results.ts). */
  constructor(
    private readonly out: string,
    append: boolean,
    private readonly sortRunBytes = DEFAULT_SORT_RUN_BYTES,
  ) {
    assertResultsPath(out);
    this.sorted = !append || !existsSync(partialPath(out)) || statSync(partialPath(out)).size === 0;
    try {
      mkdirSync(dirname(out), { recursive: true });
      this.fd = openSync(partialPath(out), append ? 'a' : 'w');
    } catch (e) {
      throw new AccelscopeError('write-failed', `cannot write file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: partialPath(out) });
    }
  }
  /** One write call per chunk of whole lines; a failed write (a full disk) is a one-line error, the file stays resumable. */
  write(lines: string[]): void {
    if (!lines.length) return;
    this.sorted = false;
    this.writeText(lines.join('\n') + '\n');
  }

  /**
   * A chunk's lines as one text or its UTF-8 bytes (each line ended by '\n'); `order`: the
   * chunk's first and last point index when its indices ascend (else the finished file is
   * sorted on close).
   */
  writeChunk(text: string | Uint8Array, order?: { first: number; last: number }): void {
    if (!text.length) return;
    if (!order || order.first <= this.lastIndex) this.sorted = false;
    else this.lastIndex = order.last;
    this.writeText(text);
  }

  private writeText(text: string | Uint8Array): void {
    try {
      if (typeof text === 'string') writeSync(this.fd, text);
      else for (let at = 0; at < text.length; ) at += writeSync(this.fd, text, at);
    } catch (e) {
      throw new AccelscopeError(
        'write-failed',
        `cannot write results (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); free space and rerun with --resume`,
        { file: partialPath(this.out) },
      );
    }
  }
  /**
   * A finished file is sorted by point index, so the same sweep gives the same bytes whatever
   * the worker count or finishing order (the partial file stays in finishing order for --resume).
   */
  close(finished: boolean): void {
    closeSync(this.fd);
    if (!finished) return;
    const partial = partialPath(this.out);
    // Lines already in index order: the partial file becomes the results file (one rename).
    if (this.sorted) return renameSync(partial, this.out);
    // An external merge sort in bounded memory, to a temporary file + rename (removed again if
    // the write fails): a full disk leaves the partial file, resumable.
    sortResultsFile(partial, this.out, this.sortRunBytes);
    rmSync(partial);
  }
}
