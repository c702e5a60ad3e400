/**
 * A grid's chunks are written in submission order, so the finished file needs no sort (#25: the
 * final sort no longer reads the results back); a chunk out of order, or a resumed file, still
 * gets the bounded external sort.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ResultsWriter, partialPath } from '../../src/sweep/results-file.ts';
import { autoChunkSize } from '../../src/sweep/run-sweep.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-ordered-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (i: number) => `{"id":"x${i}","index":${i},"spec":"s","ok":true}\n`;

describe('results written in index order', () => {
  it('ascending chunks: the partial file is renamed as it is (never parsed: these lines are not JSON)', () => {
    const out = join(dir, 'asc.jsonl');
    const w = new ResultsWriter(out, false);
    w.writeChunk('not json 0\nnot json 1\n', { first: 0, last: 1 });
    w.writeChunk('not json 2\n', { first: 2, last: 2 });
    w.close(true);
    expect(readFileSync(out, 'utf8')).toBe('not json 0\nnot json 1\nnot json 2\n');
    expect(existsSync(partialPath(out))).toBe(false);
  });
  it('a chunk that starts at or below the last index written, or one without order: sorted on close', () => {
    for (const [name, second] of [
      ['overlap', { first: 1, last: 1 }],
      ['unordered', undefined],
    ] as const) {
      const out = join(dir, `${name}.jsonl`);
      const w = new ResultsWriter(out, false);
      w.writeChunk(line(2) + line(3), { first: 2, last: 3 });
      w.writeChunk(line(1), second);
      w.close(true);
      expect(readFileSync(out, 'utf8')).toBe(line(1) + line(2) + line(3));
    }
  });
  it('a resumed partial file with lines already in it is sorted on close', () => {
    const out = join(dir, 'resumed.jsonl');
    writeFileSync(partialPath(out), line(5));
    const w = new ResultsWriter(out, true);
    w.writeChunk(line(0) + line(1), { first: 0, last: 1 });
    w.close(true);
    expect(readFileSync(out, 'utf8')).toBe(line(0) + line(1) + line(5));
  });
  it('an unfinished run keeps its partial file', () => {
    const out = join(dir, 'unfinished.jsonl');
    const w = new ResultsWriter(out, false);
    w.writeChunk(line(0), { first: 0, last: 0 });
    w.close(false);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(partialPath(out), 'utf8')).toBe(line(0));
  });
});

describe('points per task', () => {
  it('about 32 tasks per worker, between 32 and 512 points', () => {
    expect(autoChunkSize(10_000, 2)).toBe(157);
    expect(autoChunkSize(10_000, 1)).toBe(313);
    expect(autoChunkSize(100, 2)).toBe(32);
    expect(autoChunkSize(2048, 1)).toBe(64);
    expect(autoChunkSize(1_000_000, 2)).toBe(512);
    expect(autoChunkSize(32 * 2 * 512, 2)).toBe(512);
    expect(autoChunkSize(32 * 2 * 512 + 64, 2)).toBe(512);
  });
});
