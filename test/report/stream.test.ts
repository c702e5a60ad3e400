/**
 * `accelscope report` on a sweep results file reads it line by line (twice), never whole: the
 * running Pareto front equals the batch one, a file far past the point limit builds a bounded
 * report with the exact front and the sampling rule, a process whose heap is too small to hold
 * the file still writes the report (and runs pareto and merge on it), and a bad line deep in the file is a one-line error.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunningFront } from '../../src/sweep/running-front.ts';
import { paretoFront } from '../../src/sweep/pareto.ts';
import { paretoFront2d } from '../../src/report/pareto.ts';
import { loadReportInput } from '../../src/report/load.ts';
import { renderSweepReport } from '../../src/report/sweep-report.ts';
import { REPORT_POINT_LIMIT } from '../../src/report/sweep-sample.ts';
import { cli, ROOT } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-report-stream-'));

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const BW = [1.2e12, 1.6e12, 2e12, 2.4e12, 2.8e12, 3.35e12, 4e12, 4.8e12];
const SMS = [66, 100, 132, 144];

/** Objectives of line i: a smooth trade-off of bandwidth, SMs and batch, with a small per-line spread (so ties are rare). */
function objectivesOf(i: number): { bw: number; sms: number; batch: number; latency: number; energy: number; infeasible: boolean } {
  const bw = BW[i % 8]!;
  const sms = SMS[(i >> 3) % 4]!;
  const batch = 2 ** ((i >> 5) % 8);
  const spread = 1 + ((i * 7919) % 10007) / 1e5;
  const latency = ((batch * 1e-4) / sms + 2e10 / bw) * spread;
  const energy = (0.2 + bw / 1e13 + sms / 500) / batch / (1 + ((i * 104729) % 10007) / 1e5);
  return { bw, sms, batch, latency, energy, infeasible: i % 97 === 13 };
}

/** One results line from a template (about `pad` bytes of padding make lines of realistic size). */
function lineOf(i: number, pad = ''): string {
  const o = objectivesOf(i);
  const point = `"point":{"params":{"/memory/bandwidthBps":${o.bw},"/compute/sms":${o.sms}},"quant":"w4a16","workload":{"model":"llama-2-7b","phase":"decode","batch":${o.batch},"context":2048}}`;
  if (o.infeasible) return `{"id":"p${i}","index":${i},"spec":"s1",${point},"ok":false,"reason":"needs more memory than the arch has${pad}"}`;
  return `{"id":"p${i}","index":${i},"spec":"s1",${point},"ok":true,"objectives":{"latencySeconds":${o.latency},"energyPerTokenJ":${o.energy},"tokensPerSecond":${o.batch / o.latency},"fits":true}${pad ? `,"note":"${pad}"` : ''}}`;
}

/** Writes `n` lines (line `bad`, 1-based, replaced by broken JSON) in 1 MiB blocks; returns the file. */
function writeResults(name: string, n: number, opts: { pad?: string; bad?: number } = {}): string {
  const file = join(dir, name);
  const fd = openSync(file, 'w');
  let block = '';
  for (let i = 0; i < n; i++) {
    block += (i + 1 === opts.bad ? '{"id":"p-broken","index":' : lineOf(i, opts.pad)) + '\n';
    if (block.length >= 1 << 20) {
      writeSync(fd, block);
      block = '';
    }
  }
  writeSync(fd, block);
  closeSync(fd);
  return file;
}

/** The ids on the front of lines [0, n), computed from the numbers alone (the batch algorithm). */
function expectedFront(n: number): string[] {
  const pts: { x: number; y: number; id: string }[] = [];
  for (let i = 0; i < n; i++) {
    const o = objectivesOf(i);
    if (!o.infeasible) pts.push({ x: o.latency, y: o.energy, id: `p${i}` });
  }
  return paretoFront2d(pts, 'min', 'min')
    .map((k) => pts[k]!.id)
    .sort();
}

function frontTableIds(html: string): string[] {
  const table = /<table id="front-table">(.*?)<\/table>/s.exec(html)![1]!;
  return [...table.matchAll(/href="#result-([^"]+)"/g)].map((m) => m[1]!).sort();
}

describe('RunningFront', () => {
  it('keeps the same points as the batch front, in arrival order, for 2 and 3 objectives with ties and duplicates', () => {
    for (const dims of [2, 3]) {
      for (let seed = 1; seed <= 20; seed++) {
        const rnd = lcg(seed);
        // small integer grids: many equal coordinates and exact duplicates
        const items = Array.from({ length: 400 }, (_, index) => ({ index, values: Array.from({ length: dims }, () => Math.floor(rnd() * 12)) }));
        const f = new RunningFront<number>();
        for (const it of items) f.add(it.values, it.index);
        expect(f.items()).toEqual(paretoFront(items).map((it) => it.index));
        expect(f.size).toBe(paretoFront(items).length);
      }
    }
  });

  it('a duplicate of a front point stays; a point equal in one objective and worse in the other goes; a new best drops what it dominates', () => {
    const f = new RunningFront<string>();
    expect(f.add([1, 5], 'a')).toBe(true);
    expect(f.add([3, 2], 'b')).toBe(true);
    expect(f.add([1, 5], 'a2')).toBe(true);
    expect(f.add([2, 5], 'worse-x')).toBe(false);
    expect(f.add([3, 3], 'worse-y')).toBe(false);
    expect(f.items()).toEqual(['a', 'b', 'a2']);
    expect(f.add([1, 2], 'best')).toBe(true);
    expect(f.items()).toEqual(['best']);
  });
});

describe('sweep report streamed from its results file', () => {
  it('at the point limit every point is drawn; one more and the rule is stated', async () => {
    const at = writeResults('at-limit.jsonl', 100);
    const over = writeResults('over-limit.jsonl', 101);
    expect((await cli('report', at, '-o', join(dir, 'at.html'))).code).toBe(0);
    const read = (f: string) => {
      const i = loadReportInput(f);
      return renderSweepReport(i.kind === 'sweep' ? i.lines : [], { pointLimit: 100 });
    };
    expect(read(at)).not.toContain('id="sample-rule"');
    expect(read(over)).toContain('101 points are more than this report draws (100)');
  });

  it('a 200,000-line file builds a bounded report with the exact front of every line and the sampling rule', () => {
    const n = 200_000;
    const file = writeResults('big.jsonl', n);
    const input = loadReportInput(file);
    expect(input.kind).toBe('sweep');
    const html = renderSweepReport(input.kind === 'sweep' ? input.lines : [], { file });
    const front = expectedFront(n);
    expect(front.length).toBeGreaterThan(3);
    expect(front.length).toBeLessThan(REPORT_POINT_LIMIT);
    expect(frontTableIds(html)).toEqual(front);
    expect(html).toContain(`Pareto front as a table (${front.length} points)`);
    const infeasible = Array.from({ length: n }, (_, i) => i).filter((i) => objectivesOf(i).infeasible).length;
    const others = n - front.length;
    const stride = Math.ceil(others / (REPORT_POINT_LIMIT - front.length));
    const drawn = front.length + Math.ceil(others / stride);
    expect([front.length, stride, drawn]).toEqual([129, 42, 4888]); // this file's front, stride and sample size
    expect(/<p class="note" id="sample-rule">([^<]*)<\/p>/.exec(html)?.[1]).toBe(
      `${n} points are more than this report draws (${REPORT_POINT_LIMIT}): it shows the ${front.length} points of the Pareto front and every ${stride}${['th', 'st', 'nd', 'rd'][stride % 10 < 4 && Math.floor(stride / 10) % 10 !== 1 ? stride % 10 : 0]} other point in index order (${drawn - front.length} of ${others}), ${drawn} in all. The summary and the infeasible reasons count every point; the results file holds every line.`,
    );
    expect(html).toMatch(new RegExp(`<td[^>]*>points</td><td[^>]*>${n}<`));
    expect(html).toMatch(new RegExp(`<td[^>]*>infeasible</td><td[^>]*>${infeasible}<`));
    expect(html).toContain(`Infeasible points (${infeasible})`);
    expect(html).toContain(`… and ${infeasible - 200} more infeasible points`);
    expect(statSync(file).size).toBeGreaterThan(50 * 2 ** 20);
    expect(html.length).toBeLessThan(4 * 2 ** 20);
  }, 120_000);

  it('streams: a 64 MiB heap that cannot hold the ~150 MiB file parsed whole still writes the report', () => {
    const file = writeResults('huge.jsonl', 480_000, { pad: 'x'.repeat(60) });
    expect(statSync(file).size).toBeGreaterThan(140 * 2 ** 20);
    const heap = '--max-old-space-size=64';
    // The control: reading the file whole and parsing every line (as the report did) runs out of heap.
    const whole = spawnSync(
      process.execPath,
      [
        heap,
        '-e',
        `const l = require('fs').readFileSync(${JSON.stringify(file)}, 'utf8').split('\\n').filter(Boolean).map((t) => JSON.parse(t)); console.log(l.length)`,
      ],
      { encoding: 'utf8' },
    );
    expect(whole.status).not.toBe(0);
    expect(whole.stderr).toMatch(/heap out of memory|Invalid string length/);
    const out = join(dir, 'huge.html');
    const r = spawnSync(process.execPath, [heap, join(ROOT, 'dist/accelscope.mjs'), 'report', file, '-o', out], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('480000 points are more than this report draws (5000)');
    const front = expectedFront(480_000);
    expect(frontTableIds(html)).toEqual(front);
    expect(html.length).toBeLessThan(4 * 2 ** 20);
    // pareto and merge stream too: the front with a running front, the merge through sorted runs on disk
    const bin = join(ROOT, 'dist/accelscope.mjs');
    const p = spawnSync(process.execPath, [heap, bin, 'pareto', file, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
    expect(
      p.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id)
        .sort(),
    ).toEqual(front);
    const merged = join(dir, 'huge-merged.jsonl');
    const m = spawnSync(process.execPath, [heap, bin, 'merge', file, '-o', merged], { encoding: 'utf8' });
    expect(m.status).toBe(0);
    expect(m.stderr).toBe(`merged 480000 points from 1 file(s) → ${merged}\n`);
    expect(statSync(merged).size).toBe(statSync(file).size);
    rmSync(merged);
  }, 300_000);

  it('a bad line deep in the file is a one-line error naming the file and the line; no report is written', async () => {
    const file = writeResults('bad-middle.jsonl', 150_000, { bad: 100_001 });
    const out = join(dir, 'bad.html');
    const r = await cli('report', file, '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: ${file}: line 100001: malformed JSON \\([^\\n]*\\)\\n$`));
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
