/**
 * `merge` in bounded memory: lines stream into one temporary file per spec, each sorted by the
 * external merge sort; the result equals the in-memory rule (first copy of a (spec, id) wins,
 * grouped by spec in order of first appearance, sorted by index) byte for byte, also when the
 * sort spills many runs; nothing is left beside the output.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeResultFiles } from '../../src/sweep/merge.ts';
import type { ResultLine } from '../../src/sweep/evaluate.ts';
import { cli } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-merge-stream-'));

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function line(spec: string, index: number, copy = 0): ResultLine {
  return {
    id: `p${index}`,
    index,
    spec,
    point: { params: { '/memory/bandwidthBps': 1e12 + index }, quant: 'w16a16', workload: { batch: 1 + (index % 4) } },
    ok: true,
    objectives: { latencySeconds: 1 / (1 + index), energyPerTokenJ: index, copy },
  } as unknown as ResultLine;
}

/** The merge rule held in memory (as merge did before it streamed). */
function reference(files: ResultLine[][]): { text: string; duplicates: number } {
  const specs: string[] = [];
  const byId = new Map<string, ResultLine>();
  let duplicates = 0;
  for (const f of files)
    for (const l of f) {
      if (!specs.includes(l.spec)) specs.push(l.spec);
      const key = `${l.spec}\u0000${l.id}`;
      if (byId.has(key)) duplicates++;
      else byId.set(key, l);
    }
  const lines = [...byId.values()].sort((a, b) => specs.indexOf(a.spec) - specs.indexOf(b.spec) || a.index - b.index);
  return { text: lines.map((l) => JSON.stringify(l) + '\n').join(''), duplicates };
}

describe('merge streams', () => {
  it('shuffled shards of two specs with duplicates: the same bytes as the in-memory rule, through many sorted runs', () => {
    const rnd = lcg(7);
    const shuffle = <T>(a: T[]) => {
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [a[i], a[j]] = [a[j]!, a[i]!];
      }
      return a;
    };
    // shard 0 of spec A, then a file mixing spec B with copies of A's points (which must lose to the first copies)
    const a = shuffle(Array.from({ length: 3000 }, (_, i) => line('A', 2 * i)));
    const b = shuffle([...Array.from({ length: 2000 }, (_, i) => line('B', i)), ...Array.from({ length: 500 }, (_, i) => line('A', 4 * i, 1))]);
    const c = shuffle(Array.from({ length: 3000 }, (_, i) => line('A', 2 * i + 1)));
    const files = [a, b, c].map((ls, k) => {
      const f = join(dir, `in-${k}.jsonl`);
      writeFileSync(f, ls.map((l) => JSON.stringify(l)).join('\n') + '\n');
      return f;
    });
    const out = join(dir, 'out', 'merged.jsonl');
    const seen: string[] = [];
    const s = mergeResultFiles(files, out, (l) => seen.push(l.spec), 4096);
    const ref = reference([a, b, c]);
    expect(readFileSync(out, 'utf8')).toBe(ref.text);
    expect(s.duplicates).toBe(500);
    expect(ref.duplicates).toBe(500);
    expect(s.lines).toBe(8000);
    expect(s.specs.map((x) => x.spec)).toEqual(['A', 'B']);
    expect(seen.length).toBe(8000);
    expect(readdirSync(join(dir, 'out'))).toEqual(['merged.jsonl']); // no temporary file left
  });

  it('a bad line in the second file is a one-line error; no output and no temporary file', async () => {
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, JSON.stringify(line('A', 0)) + '\n');
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify(line('A', 1))}\n{oops\n${JSON.stringify(line('A', 2))}\n`);
    const outDir = join(dir, 'bad-out');
    const r = await cli('merge', good, bad, '-o', join(outDir, 'm.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${bad}: line 2 is not valid JSON\n`);
    expect(readdirSync(outDir)).toEqual([]);
  });
});
