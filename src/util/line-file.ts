/**
 * Reading and writing files of lines in bounded memory, synchronously: a reader that yields one
 * line at a time from fixed-size blocks, and a writer that gathers lines into blocks.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

const NL = 0x0a;

/** Lines of a file ('\n'-separated; a last line without newline included), read in blocks of `blockBytes`. */
export class LineReader {
  private readonly fd: number;
  private buf: Buffer;
  private start = 0;
  private end = 0;
  private eof = false;
  /** Bytes of the file read up to the end of the last line returned (its newline included). */
  offset = 0;
  /** Whether the last line returned ended with a newline (false: the file's last bytes, e.g. a line cut by a kill). */
  complete = true;
  constructor(
    file: string,
    private readonly blockBytes = 1 << 16,
  ) {
    this.fd = openSync(file, 'r');
    this.buf = Buffer.allocUnsafe(blockBytes);
  }
  /** The next line without its newline, or undefined at the end of the file. */
  next(): string | undefined {
    for (;;) {
      const nl = this.buf.indexOf(NL, this.start);
      if (nl >= 0 && nl < this.end) {
        const line = this.buf.toString('utf8', this.start, nl);
        this.offset += nl + 1 - this.start;
        this.complete = true;
        this.start = nl + 1;
        return line;
      }
      if (this.eof) {
        if (this.start >= this.end) return undefined;
        const line = this.buf.toString('utf8', this.start, this.end);
        this.offset += this.end - this.start;
        this.complete = false;
        this.start = this.end;
        return line;
      }
      this.fill();
    }
  }
  private fill(): void {
    // Keep the unfinished line at the front; grow only when one line is longer than the block.
    const rest = this.end - this.start;
    if (this.start > 0) this.buf.copy(this.buf, 0, this.start, this.end);
    if (rest === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, rest);
      this.buf = bigger;
    }
    this.start = 0;
    this.end = rest;
    const n = readSync(this.fd, this.buf, this.end, Math.min(this.blockBytes, this.buf.length - this.end), null);
    if (n === 0) this.eof = true;
    this.end += n;
  }
  close(): void {
    closeSync(this.fd);
  }
}

/**
 * The lines of `file` (LineReader), closed when the iteration ends, breaks or throws; a failure to
 * open or read the file is thrown as `readError(e)` (each reader names its own kind of file).
 */
export function* fileLines(file: string, readError: (e: unknown) => Error): Generator<string, void, undefined> {
  let reader: LineReader;
  try {
    reader = new LineReader(file);
  } catch (e) {
    throw readError(e);
  }
  try {
    for (;;) {
      let line: string | undefined;
      try {
        line = reader.next();
      } catch (e) {
        throw readError(e);
      }
      if (line === undefined) return;
      yield line;
    }
  } finally {
    reader.close();
  }
}

/** Appends lines to a file through a block buffer of about `blockBytes`. */
export class LineWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  constructor(
    file: string,
    private readonly blockBytes = 1 << 20,
  ) {
    this.fd = openSync(file, 'w');
  }
  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= this.blockBytes) this.flush();
  }
  flush(): void {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}
