/**
 * The results file: JSON lines streamed to `<out>.partial` while a sweep runs and renamed to
 * `<out>` when every point is done, so a finished file is never half-written. Resume reads the
 * partial file, drops a truncated last line (a kill mid-write), and returns the indices done.
 */
import { existsSync, readFileSync, truncateSync, openSync, writeSync, closeSync, mkdirSync, statSync, rmSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { AccelscopeError } from '../util/errors.ts';
import { DEFAULT_SORT_RUN_BYTES, sortResultsFile } from './sort-results.ts';

export function partialPath(out: string): string {
  return `${out}.partial`;
}

export interface ExistingResults {
  done: Set<number>;
  truncatedBytes: number;
}

/** Reads finished indices from a results file; drops an incomplete last line. */
export function readExisting(file: string, specHash: string): ExistingResults {
  const done = new Set<number>();
  if (!existsSync(file)) return { done, truncatedBytes: 0 };
  const text = readFileSync(file, 'utf8');
  let goodEnd = 0;
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break; // no newline: truncated
    const line = text.slice(pos, nl);
    lineNo++;
    let rec: { index?: number; spec?: string } | undefined;
    try {
      rec = JSON.parse(line) as { index?: number; spec?: string };
    } catch {
      // A malformed line in the middle is corruption, not a kill mid-write.
      if (text.indexOf('\n', nl + 1) >= 0) throw new AccelscopeError('malformed-json', `line ${lineNo} is not valid JSON`, { file });
      break;
    }
    if (rec?.spec !== specHash) throw new AccelscopeError('schema', `line ${lineNo} comes from another sweep spec (${rec?.spec} ≠ ${specHash})`, { file });
    done.add(rec.index!);
    pos = nl + 1;
    goodEnd = pos;
  }
  const truncatedBytes = Buffer.byteLength(text, 'utf8') - Buffer.byteLength(text.slice(0, goodEnd), 'utf8');
  if (truncatedBytes > 0) truncateSync(file, Buffer.byteLength(text.slice(0, goodEnd), 'utf8'));
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
   * A chunk's lines as one text (each line ended by '\n'); `order`: the chunk's first and last
   * point index when its indices ascend (else the finished file is sorted on close).
   */
  writeChunk(text: string, order?: { first: number; last: number }): void {
    if (!text) return;
    if (!order || order.first <= this.lastIndex) this.sorted = false;
    else this.lastIndex = order.last;
    this.writeText(text);
  }

  private writeText(text: string): void {
    try {
      writeSync(this.fd, text);
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
