import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lineIndex, sortResultsFile } from '../../src/sweep/sort-results.ts';
import { LineReader } from '../../src/util/line-file.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';
import { runSweep } from '../../src/sweep/run-sweep.ts';
import { archPath, modelPath } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-sort-'));

/** n result-like lines in a seeded shuffled order (multi-byte text included). */
function shuffledLines(n: number): string[] {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: i.toString(16).padStart(16, '0'), index: i, spec: 'abc', point: { note: `π·${'x'.repeat(i % 37)}` }, ok: i % 7 !== 0 }),
  );
  let s = 12345;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines;
}

describe('results sorted in bounded memory (external merge sort)', () => {
  it('reads a line index without parsing, and falls back to JSON for other layouts', () => {
    expect(lineIndex('{"id":"ab12","index":42,"spec":"x"}')).toBe(42);
    expect(lineIndex('{"index":7,"id":"z"}')).toBe(7);
  });

  it('a file that fits one run is sorted in memory; more lines than a run merge sorted runs — same bytes', () => {
    const lines = shuffledLines(1000);
    const from = join(dir, 'a.partial');
    writeFileSync(from, lines.join('\n') + '\n');
    const at = (l: string) => (JSON.parse(l) as { index: number }).index;
    const expected = [...lines].sort((a, b) => at(a) - at(b)).join('\n') + '\n';
    const one = sortResultsFile(from, join(dir, 'one.jsonl'));
    expect(one).toEqual({ lines: 1000, runs: 1 });
    expect(readFileSync(join(dir, 'one.jsonl'), 'utf8')).toBe(expected);
    const bytes = Buffer.byteLength(lines.join('\n'));
    const many = sortResultsFile(from, join(dir, 'many.jsonl'), 2000);
    expect(many.lines).toBe(1000);
    expect(many.runs).toBeGreaterThanOrEqual(Math.floor(bytes / 2100));
    expect(readFileSync(join(dir, 'many.jsonl'), 'utf8')).toBe(expected);
    // one line per run (the smallest run): still the same bytes
    sortResultsFile(from, join(dir, 'tiny.jsonl'), 1);
    expect(readFileSync(join(dir, 'tiny.jsonl'), 'utf8')).toBe(expected);
    // no run or temporary files are left beside the output
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('an empty partial file gives an empty results file; blank lines are dropped', () => {
    const from = join(dir, 'empty.partial');
    writeFileSync(from, '\n\n');
    sortResultsFile(from, join(dir, 'empty.jsonl'), 10);
    expect(readFileSync(join(dir, 'empty.jsonl'), 'utf8')).toBe('');
  });

  it('a failed write leaves no output and no run files, and says so in one line', () => {
    const from = join(dir, 'b.partial');
    writeFileSync(from, shuffledLines(50).join('\n') + '\n');
    const sub = join(dir, 'blocked');
    mkdirSync(join(sub, 'out.jsonl'), { recursive: true }); // the output name is a directory: rename fails
    expect(() => sortResultsFile(from, join(sub, 'out.jsonl'), 500)).toThrow(/cannot write the sorted results \(E[A-Z]+\); the partial file is kept/);
    expect(readdirSync(sub)).toEqual(['out.jsonl']);
  });

  it('the line reader returns lines longer than its block, and a last line without newline', () => {
    const f = join(dir, 'long.txt');
    writeFileSync(f, `${'a'.repeat(100)}\nb\n${'ü'.repeat(40)}`);
    const r = new LineReader(f, 16);
    const got: string[] = [];
    for (let l = r.next(); l !== undefined; l = r.next()) got.push(l);
    r.close();
    expect(got).toEqual(['a'.repeat(100), 'b', 'ü'.repeat(40)]);
  });

  it('a sweep finished through many sorted runs writes the same bytes as one sorted in memory', { timeout: 120_000 }, async () => {
    const spec = join(dir, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({
        arch: archPath('gpu/h100-sxm'),
        parameters: [
          { pointer: '/memory/bandwidthBps', logRange: { start: 1e12, stop: 8e12, num: 6 } },
          { pointer: '/gpu/sms', values: [0, 66, 132] },
        ],
        quant: ['w16a16', 'w4a16-g128'],
        workloads: [{ model: modelPath('qwen2-0.5b'), phase: 'decode', batch: [1, 16], context: [128] }],
        strategy: { kind: 'grid' },
      }),
    );
    const s = loadSweepSpec(spec);
    await runSweep(s, { out: join(dir, 'mem.jsonl'), workers: 1, chunkSize: 5 });
    await runSweep(s, { out: join(dir, 'ext.jsonl'), workers: 2, chunkSize: 5, sortRunBytes: 1500 });
    const mem = readFileSync(join(dir, 'mem.jsonl'), 'utf8');
    expect(mem.split('\n').filter(Boolean)).toHaveLength(72);
    expect(readFileSync(join(dir, 'ext.jsonl'), 'utf8')).toBe(mem);
    expect(existsSync(join(dir, 'ext.jsonl.partial'))).toBe(false);
  });
});
