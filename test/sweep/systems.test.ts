/**
 * Sweep specs that list several multi-device systems (`"system": ["dgx-h100", "hgx-h200"]`): a
 * dimension named system, each point's result the same bytes as the single-system sweep's, arch ×
 * system, one-line errors at /system/i, the hash over every system document, and merge / report /
 * pareto naming the system.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, archPath, cli, modelPath } from '../helpers.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';
import { PointSpace } from '../../src/sweep/points.ts';
import { sweepTable } from '../../src/report/sweep-table.ts';
import { colourParam, frontSubtitle, paretoData } from '../../src/report/charts/pareto.ts';
import type { SweepLine } from '../../src/report/inputs.ts';

// Sweeps start worker pools (a TypeScript loader per worker): generous timeouts for loaded CI machines.
const dir = mkdtempSync(join(tmpdir(), 'accelscope-systems-'));

interface Line {
  id: string;
  index: number;
  spec: string;
  point: { arch?: string; system?: string; params: Record<string, number>; quant: string; workload: { batch: number } };
  ok: boolean;
  objectives?: Record<string, number | boolean>;
  reason?: string;
}

function specFile(name: string, extra: object): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(
    p,
    JSON.stringify({
      name,
      parameters: [{ pointer: '/plan/tp', values: [2, 4, 16] }],
      quant: ['w16a16'],
      workloads: [{ model: modelPath('llama-3-8b'), phase: 'decode', batch: [1, 8], context: [1024] }],
      objectives: ['latency', 'energyPerToken'],
      ...extra,
    }),
  );
  return p;
}

const read = (f: string): Line[] =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
/** What a point computed: its status, objectives and reason, as the results line spells them. */
const outcome = (l: Line) => JSON.stringify({ ok: l.ok, objectives: l.objectives, reason: l.reason });
const key = (l: Line) => `${l.point.params['/plan/tp']}|${l.point.workload.batch}`;

async function sweep(spec: string, out: string, workers = 1): Promise<Line[]> {
  const r = await cli('sweep', spec, '--out', out, '--workers', String(workers));
  expect(r.stderr).not.toMatch(/^error/m);
  expect(r.code).toBe(0);
  return read(out);
}

describe('a sweep spec listing several systems', () => {
  const two = specFile('two', { system: ['dgx-h100', 'hgx-h200'] });

  it('systemIsADimension: the point count is the product, each point names its system', () => {
    const spec = loadSweepSpec(two);
    expect(spec.systems?.map((f) => f.replace(/^.*\//, ''))).toEqual(['dgx-h100.json', 'hgx-h200.json']);
    const space = new PointSpace(spec);
    expect(space.dims.map((d) => d.name)).toEqual(['/plan/tp', 'quant', 'workload', 'system']);
    expect(space.size).toBe(3 * 1 * 2 * 2);
    expect(space.point(0).system).toBe('dgx-h100');
    expect(space.point(6).system).toBe('hgx-h200');
    // A single system (a string or a one-entry list) adds no dimension: ids stay as they were.
    const one = new PointSpace(loadSweepSpec(specFile('one-list', { system: ['hgx-h200'] })));
    expect(one.dims.map((d) => d.name)).toEqual(['/plan/tp', 'quant', 'workload']);
    expect(one.point(0).system).toBeUndefined();
  });

  it('theShippedExampleListsTwoPresets: 2 systems × 4 TP × 2 PP', () => {
    const spec = loadSweepSpec(join(ROOT, 'workloads/sweeps/systems-compare-plans.json'));
    const space = new PointSpace(spec);
    expect(space.dims.map((d) => [d.name, d.values.length])).toEqual([
      ['/plan/tp', 4],
      ['/plan/pp', 2],
      ['quant', 1],
      ['workload', 1],
      ['system', 2],
    ]);
    expect(space.size).toBe(16);
  });

  it('eachPointEqualsTheSingleSystemSweepByteForByte, with 1 and 2 workers alike', async () => {
    const lines = await sweep(two, join(dir, 'two.jsonl'));
    expect(lines).toHaveLength(12);
    expect(lines.map((l) => l.point.system)).toEqual([...Array<string>(6).fill('dgx-h100'), ...Array<string>(6).fill('hgx-h200')]);
    for (const system of ['dgx-h100', 'hgx-h200']) {
      const single = await sweep(specFile(`only-${system}`, { system }), join(dir, `only-${system}.jsonl`));
      expect(single).toHaveLength(6);
      const mine = lines.filter((l) => l.point.system === system);
      expect(mine.map(key)).toEqual(single.map(key));
      expect(mine.map(outcome)).toEqual(single.map(outcome));
      // The plan a system cannot take (tp 16 on 8 GPUs) is infeasible with the reason, as with one system.
      expect(mine.find((l) => l.point.params['/plan/tp'] === 16)!.reason).toMatch(/16 devices but .* has 8/);
    }
    // The two systems give different figures (H100 vs H200 devices), so the dimension is not decorative.
    const at = (s: string) => lines.find((l) => l.point.system === s && key(l) === '4|8')!.objectives!['latencySeconds'];
    expect(at('hgx-h200')).toBeLessThan(at('dgx-h100') as number);
    const w2 = join(dir, 'two-w2.jsonl');
    await sweep(two, w2, 2);
    expect(readFileSync(w2, 'utf8')).toBe(readFileSync(join(dir, 'two.jsonl'), 'utf8'));
  }, 240_000);

  it('archTimesSystem: with arch, every arch runs on every system (the cross product)', async () => {
    const spec = specFile('arch-x-system', {
      arch: [archPath('gpu/h100-sxm'), archPath('gpu/h200')],
      system: ['dgx-h100', 'hgx-h200'],
      parameters: [{ pointer: '/plan/tp', values: [4] }],
      workloads: [{ model: modelPath('llama-3-8b'), phase: 'decode', batch: [8], context: [1024] }],
    });
    const lines = await sweep(spec, join(dir, 'axs.jsonl'));
    expect(lines.map((l) => `${l.point.arch}@${l.point.system}`)).toEqual(['h100-sxm@dgx-h100', 'h200@dgx-h100', 'h100-sxm@hgx-h200', 'h200@hgx-h200']);
    // H200s replacing the DGX H100's devices: the single-system sweep with that arch, byte for byte.
    const single = await sweep(
      specFile('h200-on-dgx', {
        arch: archPath('gpu/h200'),
        system: 'dgx-h100',
        parameters: [{ pointer: '/plan/tp', values: [4] }],
        workloads: [{ model: modelPath('llama-3-8b'), phase: 'decode', batch: [8], context: [1024] }],
      }),
      join(dir, 'h200-on-dgx.jsonl'),
    );
    expect(outcome(lines[1]!)).toBe(outcome(single[0]!));
  }, 240_000);

  it('theHashCoversEverySystemDocument', () => {
    const a = join(dir, 'copy-a');
    const b = join(dir, 'copy-b');
    mkdirSync(a);
    mkdirSync(b);
    const h200 = JSON.parse(readFileSync(join(ROOT, 'systems/hgx-h200.json'), 'utf8')) as { device: string; intraNode: { latencyS: number } };
    h200.device = join(ROOT, 'systems', h200.device);
    writeFileSync(join(a, 'my-h200.json'), JSON.stringify(h200));
    // Same file name, one figure different (the second system of the list).
    writeFileSync(join(b, 'my-h200.json'), JSON.stringify({ ...h200, intraNode: { ...h200.intraNode, latencyS: 2 * h200.intraNode.latencyS } }));
    const sa = loadSweepSpec(specFile('hash-a', { name: 'hash', system: ['dgx-h100', 'copy-a/my-h200.json'] }));
    const sb = loadSweepSpec(specFile('hash-b', { name: 'hash', system: ['dgx-h100', 'copy-b/my-h200.json'] }));
    const sc = loadSweepSpec(specFile('hash-c', { name: 'hash', system: ['dgx-h100', 'copy-a/my-h200.json'] }));
    expect(sa.hash).toBe(sc.hash);
    expect(sb.hash).not.toBe(sa.hash);
    // The second system's device (no arch given) is hashed too.
    const devFile = join(dir, 'copy-b', 'dev.json');
    const device = (bandwidthBps: number) => JSON.stringify({ extends: h200.device, overrides: { memory: { bandwidthBps } } });
    writeFileSync(devFile, device(4.8e12));
    writeFileSync(join(a, 'dev-h200.json'), JSON.stringify({ ...h200, device: devFile }));
    const sd = loadSweepSpec(specFile('hash-d', { name: 'hash', system: ['dgx-h100', 'copy-a/dev-h200.json'] }));
    writeFileSync(devFile, device(4.0e12));
    const se = loadSweepSpec(specFile('hash-d', { name: 'hash', system: ['dgx-h100', 'copy-a/dev-h200.json'] }));
    expect(sd.hash).not.toBe(se.hash);
  });

  it('oneLineErrorsNameTheEntry: duplicate label, unknown name, listed twice, missing file', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const dgx = JSON.parse(readFileSync(join(ROOT, 'systems/dgx-h100.json'), 'utf8')) as { device: string };
    writeFileSync(join(sub, 'dgx-h100.json'), JSON.stringify({ ...dgx, device: join(ROOT, 'systems', dgx.device) }));
    const cases: [object, RegExp][] = [
      [{ system: ['dgx-h100', 'sub/dgx-h100.json'] }, /: \/system\/1: two systems share the name 'dgx-h100' \(points name their system by file name\)/],
      [
        { system: ['dgx-h100', 'dgx-h900'] },
        /: \/system\/1: system 'dgx-h900': no such file and no shipped multi-device system of that name; did you mean dgx-h100/,
      ],
      [{ system: ['dgx-h100', 'dgx-h100'] }, /: \/system\/1: "dgx-h100" is listed twice \(also at \/system\/0\)/],
      [{ system: ['dgx-h100', './nope.json'] }, /: \/system\/1: system file not found: .*nope\.json/],
      [{ system: 'dgx-h900' }, /: \/system: system 'dgx-h900': no such file/],
      [{ system: [] }, /: \/system: must /],
    ];
    for (const [extra, msg] of cases) {
      const f = specFile('bad', extra);
      const out = join(dir, 'bad.jsonl');
      const r = await cli('sweep', f, '--out', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: .*bad\.json: /);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('sweepParetoMergeAndReportNameTheSystem', async () => {
    const s = await cli('sweep', two, '--out', join(dir, 'named.jsonl'), '--workers', '1');
    expect(s.stderr.split('\n')[0]).toBe('sweep two: 12 points in the space over 2 systems (dgx-h100, hgx-h200), strategy grid, 1 worker(s)');
    const p = await cli('pareto', join(dir, 'named.jsonl'), '--objectives', 'latency,energy');
    expect(p.code).toBe(0);
    const header = p.stdout.split('\n').find((l) => l.startsWith('index'))!;
    expect(header).toMatch(/energyPerTokenJ\s+system\s+\/plan\/tp\s+quant/);
    expect(p.stdout).toMatch(/\n\d+ .* (dgx-h100|hgx-h200) /);
    // A one-system spec and the two-system spec: merge and report say the system lists differ.
    const one = join(dir, 'one.jsonl');
    await sweep(specFile('one', { system: 'hgx-h200', parameters: [{ pointer: '/plan/tp', values: [8] }] }), one);
    const m = await cli('merge', one, join(dir, 'named.jsonl'), '-o', join(dir, 'merged.jsonl'));
    expect(m.code).toBe(0);
    expect(m.stderr).toMatch(/2 sweep specs merged .*; they differ in: \/plan\/tp, system\n/);
    const html = join(dir, 'sys.html');
    const r = await cli('report', join(dir, 'named.jsonl'), '-o', html);
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('system=dgx-h100');
    const rm = await cli('report', one, join(dir, 'named.jsonl'), '-o', join(dir, 'both.html'));
    expect(rm.code).toBe(0);
    expect(readFileSync(join(dir, 'both.html'), 'utf8')).toMatch(/<p class="note" id="spec-differences">The specs differ in: \/plan\/tp, system\.<\/p>/);
  }, 240_000);

  it('theReportColoursBySystemAsItDoesByArch', () => {
    const mk = (system: string, batch: number, i: number): SweepLine => ({
      id: `p${i}`,
      index: i,
      point: { system, params: {}, quant: 'w16a16', workload: { batch } },
      ok: true,
      objectives: { latencySeconds: 1 + i, energyPerTokenJ: 2 - i / 10, fits: true },
    });
    const t = sweepTable([mk('dgx-h100', 1, 0), mk('hgx-h200', 1, 1)]);
    expect(t.params.map((p) => p.label)).toEqual(['system']);
    expect(colourParam(t)?.label).toBe('system');
    expect(t.rows[1]!.label).toBe('system=hgx-h200');
    // Points over capacity are drawn but not counted feasible in the scatter's subtitle.
    const over: SweepLine = {
      ...mk('hgx-h200', 1, 2),
      ok: false,
      reason: 'does not fit',
      objectives: { latencySeconds: 0.5, energyPerTokenJ: 0.5, fits: false },
    };
    const d = paretoData(sweepTable([mk('dgx-h100', 1, 0), mk('hgx-h200', 1, 1), over]), { x: 'latencySeconds', y: 'energyPerTokenJ' });
    expect(d.points).toHaveLength(3);
    expect(frontSubtitle(d)).toBe('2 of 2 feasible points on the front (1 over memory capacity drawn apart)');
    // Batch, when it varies, still comes first (as before arch).
    expect(colourParam(sweepTable([mk('dgx-h100', 1, 0), mk('hgx-h200', 8, 1)]))?.label).toBe('workload.batch');
  });
});
