import { describe, expect, it } from 'vitest';

// Sweeps start worker pools (a TypeScript loader per worker): generous timeouts for loaded CI machines.
import { mkdtempSync, writeFileSync, readFileSync, existsSync, appendFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { archPath, cli, modelPath, ROOT } from '../helpers.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';
import { PointSpace, parameterValues, sampleIndices } from '../../src/sweep/points.ts';
import { paretoFront, dominates } from '../../src/sweep/pareto.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-sweep-'));
function specFile(name: string, extra: object = {}): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(
    p,
    JSON.stringify({
      name,
      arch: archPath('gpu/h100-sxm'),
      parameters: [
        { pointer: '/memory/bandwidthBps', logRange: { start: 1e12, stop: 8e12, num: 4 } },
        { pointer: '/gpu/sms', values: [33, 66, 132] },
      ],
      quant: ['w16a16', 'w4a16-g128'],
      workloads: [{ model: modelPath('qwen2-0.5b'), phase: 'decode', batch: [1, 16], context: [128, 1024] }],
      objectives: ['latency', 'energyPerToken'],
      strategy: { kind: 'grid' },
      ...extra,
    }),
  );
  return p;
}
const sortedLines = (f: string) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .sort((a, b) => JSON.parse(a).id.localeCompare(JSON.parse(b).id));
const indices = (f: string) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).index as number);

describe('sweep points', () => {
  it('expands lists, linear ranges and log ranges', () => {
    expect(parameterValues({ pointer: '/a', range: { start: 1, stop: 2, step: 0.25 } })).toEqual([1, 1.25, 1.5, 1.75, 2]);
    expect(parameterValues({ pointer: '/a', logRange: { start: 1, stop: 1000, num: 4 } })).toEqual([1, 10, 100, 1000]);
    expect(parameterValues({ pointer: '/a', logRange: { start: 1, stop: 8, num: 4, integer: true } })).toEqual([1, 2, 4, 8]);
  });
  it('the grid is the cartesian product, decoded by index', () => {
    const s = new PointSpace(loadSweepSpec(specFile('space')));
    expect(s.size).toBe(4 * 3 * 2 * 4);
    const seen = new Set<string>();
    for (let i = 0; i < s.size; i++) seen.add(JSON.stringify(s.point(i)));
    expect(seen.size).toBe(s.size);
    expect(s.neighbors(0).sort((a, b) => a - b)).toEqual([1, 4, 12, 24]);
  });
  it('seeded random sampling is deterministic and distinct', () => {
    const a = sampleIndices(1000, 50, 7);
    expect(sampleIndices(1000, 50, 7)).toEqual(a);
    expect(new Set(a).size).toBe(50);
    expect(sampleIndices(1000, 50, 8)).not.toEqual(a);
    expect(sampleIndices(10, 50, 1).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it('pareto front keeps exactly the non-dominated points', () => {
    const pts = [
      [1, 5],
      [2, 2],
      [3, 1],
      [3, 3],
      [1, 6],
      [2, 2],
    ].map((values, index) => ({ index, values }));
    expect(paretoFront(pts).map((p) => p.index)).toEqual([0, 1, 2, 5]);
    expect(dominates([1, 1], [1, 2])).toBe(true);
    expect(dominates([1, 2], [1, 2])).toBe(false);
    const three = [
      [1, 2, 3],
      [2, 1, 3],
      [2, 2, 4],
    ].map((values, index) => ({ index, values }));
    expect(paretoFront(three).map((p) => p.index)).toEqual([0, 1]);
  });
});

describe('accelscope sweep', () => {
  it('results are byte-identical (sorted by id) with 1 and 2 workers, and across runs', async () => {
    const spec = specFile('det');
    const a = join(dir, 'det1.jsonl');
    const b = join(dir, 'det2.jsonl');
    expect((await cli('sweep', spec, '--out', a, '--workers', '1')).code).toBe(0);
    expect((await cli('sweep', spec, '--out', b, '--workers', '2')).code).toBe(0);
    const la = sortedLines(a);
    expect(la).toHaveLength(96);
    expect(sortedLines(b)).toEqual(la);
    expect(existsSync(`${a}.partial`)).toBe(false);
  }, 180_000);

  it('4 shards merged equal the single run', async () => {
    const spec = specFile('shard');
    const whole = join(dir, 'whole.jsonl');
    await cli('sweep', spec, '--out', whole, '--workers', '2');
    const parts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const f = join(dir, `shard${i}.jsonl`);
      const r = await cli('sweep', spec, '--out', f, '--workers', '1', '--shard', `${i}/4`);
      expect(r.code).toBe(0);
      expect(indices(f).every((x) => x % 4 === i)).toBe(true);
      parts.push(f);
    }
    const merged = join(dir, 'merged.jsonl');
    expect((await cli('merge', ...parts, '-o', merged)).code).toBe(0);
    expect(readFileSync(merged, 'utf8').split('\n').filter(Boolean)).toEqual(
      readFileSync(whole, 'utf8')
        .split('\n')
        .filter(Boolean)
        .sort((x, y) => JSON.parse(x).index - JSON.parse(y).index),
    );
    // results of another spec merge too, and merge says so and what differs
    const other = join(dir, 'other.jsonl');
    await cli('sweep', specFile('other', { quant: ['w8a8'] }), '--out', other, '--workers', '1');
    const two = await cli('merge', parts[0]!, other, '-o', join(dir, 'x.jsonl'));
    expect(two.code).toBe(0);
    expect(two.stderr).toMatch(/note: 2 sweep specs merged \(.*other\.jsonl\); they differ in: .*quant/);
    const mixed = readFileSync(join(dir, 'x.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { spec: string });
    expect(new Set(mixed.map((l) => l.spec)).size).toBe(2);
  }, 180_000);

  it('resume after SIGKILL finishes with every point exactly once; a truncated last line is redone', async () => {
    const spec = specFile('kill', {
      parameters: [
        { pointer: '/memory/bandwidthBps', logRange: { start: 1e12, stop: 8e12, num: 20 } },
        { pointer: '/gpu/sms', range: { start: 12, stop: 132, step: 12 } },
      ],
    });
    const out = join(dir, 'kill.jsonl');
    const child = spawn(process.execPath, [resolve(ROOT, 'bin/accelscope.js'), 'sweep', spec, '--out', out, '--workers', '1'], { stdio: 'ignore' });
    const partial = `${out}.partial`;
    await new Promise<void>((res, rej) => {
      const t0 = Date.now();
      const iv = setInterval(() => {
        if (existsSync(partial) && statSync(partial).size > 4000) {
          child.kill('SIGKILL');
          clearInterval(iv);
          res();
        } else if (Date.now() - t0 > 60_000) {
          clearInterval(iv);
          rej(new Error('sweep never wrote'));
        }
      }, 5);
    });
    await new Promise((r) => child.once('exit', r));
    // SIGKILL can land mid-write (results are written in chunks): count complete lines only.
    const killed = readFileSync(partial, 'utf8');
    const before = killed
      .slice(0, killed.lastIndexOf('\n') + 1)
      .split('\n')
      .filter(Boolean).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(20 * 11 * 2 * 4);
    appendFileSync(partial, '{"id":"deadbeef","index":'); // a kill mid-write
    const r = await cli('sweep', spec, '--out', out, '--workers', '2', '--resume');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/resumed, a truncated last line \(\d+ B\) redone/);
    const idx = indices(out).sort((a, b) => a - b);
    expect(idx).toEqual([...Array(20 * 11 * 2 * 4).keys()]);
  }, 120_000);

  it('infeasible points are recorded with the reason, not dropped', async () => {
    const spec = specFile('infeasible', {
      parameters: [
        { pointer: '/memory/capacityBytes', values: [1e9, 8e10] },
        { pointer: '/gpu/sms', values: [0, 132] },
      ],
      quant: ['w16a16'],
      workloads: [{ model: modelPath('llama-2-7b'), phase: 'decode', batch: [1], context: [128] }],
    });
    const out = join(dir, 'inf.jsonl');
    const r = await cli('sweep', spec, '--out', out, '--workers', '1');
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    const byKey = (cap: number, sms: number) => lines.find((l) => l.point.params['/memory/capacityBytes'] === cap && l.point.params['/gpu/sms'] === sms);
    expect(byKey(8e10, 132).ok).toBe(true);
    expect(byKey(1e9, 132)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not fit/) });
    expect(byKey(8e10, 0)).toMatchObject({ ok: false, reason: expect.stringMatching(/^\/gpu\/sms: must be >= 1/) });
  }, 180_000);

  it('pareto prints the front; a Pareto-directed search spends its budget', async () => {
    const spec = specFile('pareto', { strategy: { kind: 'pareto', budget: 30, seed: 3 } });
    const out = join(dir, 'pareto.jsonl');
    expect((await cli('sweep', spec, '--out', out, '--workers', '2')).code).toBe(0);
    expect(indices(out)).toHaveLength(30);
    expect(new Set(indices(out)).size).toBe(30);
    const out2 = join(dir, 'pareto2.jsonl');
    await cli('sweep', spec, '--out', out2, '--workers', '1');
    expect(sortedLines(out2)).toEqual(sortedLines(out));
    const p = await cli('pareto', out, '--objectives', 'latency,energy');
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/Pareto front over latencySeconds \(min\), energyPerTokenJ \(min\): \d+ of 30 feasible points/);
    const front = (await cli('pareto', out, '--objectives', 'latency,energy', '--json')).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const all = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((l) => l.ok);
    for (const f of front) {
      for (const o of all) {
        expect(dominates([o.objectives.latencySeconds, o.objectives.energyPerTokenJ], [f.objectives.latencySeconds, f.objectives.energyPerTokenJ])).toBe(false);
      }
    }
  }, 180_000);

  it('bad specs and flags are one-line errors', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ arch: archPath('gpu/h100-sxm'), workloads: [{ model: modelPath('gpt2'), phase: 'decode', batch: [1] }] }));
    const r = await cli('sweep', bad, '--out', join(dir, 'bad.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: \/workloads\/0: a decode workload needs 'context'/);
    const r2 = await cli('sweep', specFile('flags'), '--out', join(dir, 'f.jsonl'), '--shard', '4/4');
    expect(r2.stderr).toMatch(/^error: --shard 4\/4: need 0 ≤ i < N/);
    const bad3 = join(dir, 'bad3.json');
    writeFileSync(bad3, JSON.stringify({ arch: archPath('gpu/h100-sxm'), workloads: [], strategy: { kind: 'grid' } }));
    expect((await cli('sweep', bad3, '--out', join(dir, 'b3.jsonl'))).stderr).toMatch(/bad3\.json: \/workloads: must NOT have fewer than 1 items/);
  }, 180_000);

  it('generate workloads sweep with TTFT and TPOT objectives', async () => {
    const spec = specFile('gen', {
      parameters: [{ pointer: '/memory/bandwidthBps', values: [2e12, 4e12] }],
      quant: ['w16a16'],
      workloads: [{ model: modelPath('qwen2-0.5b'), phase: 'generate', batch: [1], prompt: [128], output: [64, 256] }],
      objectives: ['ttft', 'tpot', 'latency'],
    });
    const out = join(dir, 'gen.jsonl');
    expect((await cli('sweep', spec, '--out', out, '--workers', '1')).code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      expect(l.ok).toBe(true);
      expect(l.objectives.ttftSeconds).toBeGreaterThan(0);
      expect(l.objectives.latencySeconds).toBeCloseTo(l.objectives.ttftSeconds + l.point.workload.output * l.objectives.tpotSeconds, 9);
    }
    const p = await cli('pareto', out, '--objectives', 'ttft,tpot');
    expect(p.stdout).toMatch(/ttftSeconds \(min\), tpotSeconds \(min\)/);
  }, 180_000);
});
