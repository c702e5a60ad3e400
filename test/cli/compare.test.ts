/**
 * Designs compared in one command: `simulate --arch A --arch B` (and --quant repeated), a sweep
 * spec over several archs, and sweep results of several specs merged and reported together.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli } from '../helpers.ts';
import { formatQuantity, formatSeconds } from '../../src/util/format.ts';
import { designLabels, differingFields } from '../../src/compare/designs.ts';
import type { RunResult } from '../../src/engine/run.ts';

const H100 = 'arch-configs/gpu/h100-sxm.json';
const H200 = 'arch-configs/gpu/h200.json';
const LLAMA = 'workloads/models/llama-3-8b.json';
const WL = ['--model', LLAMA, '--batch', '8', '--context', '2048'];

describe('designLabels', () => {
  it('namesEachDesignByWhatDiffers', () => {
    const d = [
      { arch: 'H100', quant: 'w16a16', batch: '8' },
      { arch: 'H200', quant: 'w16a16', batch: '8' },
    ];
    expect(differingFields(d)).toEqual(['arch']);
    expect(designLabels(d)).toEqual(['H100', 'H200']);
    const e = [
      { arch: 'H100', quant: 'w8a8' },
      { arch: 'H100', quant: 'w4a16' },
      { arch: 'H200', quant: 'w8a8' },
    ];
    expect(designLabels(e)).toEqual(['H100 · w8a8', 'H100 · w4a16', 'H200 · w8a8']);
    expect(designLabels([{ arch: 'A' }, { arch: 'A' }])).toEqual(['#1', '#2']);
  });
});

describe('simulate --arch A --arch B', () => {
  it('oneTableColumnPerDesignHeadedByTheArch: figures equal the single-design runs', async () => {
    const [a, b] = await Promise.all([H100, H200].map(async (f) => JSON.parse((await cli('simulate', '--arch', f, ...WL, '--json')).stdout) as RunResult));
    const r = await cli('simulate', '--arch', H100, '--arch', H200, ...WL);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^2 designs; columns headed by arch; same quant w16a16 · model .* · phase decode · batch 8 · context 2048$/);
    const head = lines.find((l) => l.includes(a!.arch.name))!;
    expect(head.indexOf(a!.arch.name)).toBeLessThan(head.indexOf(b!.arch.name));
    const row = (label: string) => lines.find((l) => l.startsWith(label))!;
    expect(row('time per step')).toContain(formatSeconds(a!.totals.seconds));
    expect(row('time per step')).toContain(formatSeconds(b!.totals.seconds));
    expect(row('tokens/s')).toContain(formatQuantity(b!.totals.tokensPerSecond, 'tokens/s'));
    expect(r.stdout).toContain(`fastest: ${b!.totals.seconds < a!.totals.seconds ? b!.arch.name : a!.arch.name}`);
  });

  it('archTimesQuantIsEveryCombination: --json is a design-comparison of 4 runs', async () => {
    const r = await cli('simulate', '--arch', H100, '--arch', H200, '--quant', 'w16a16', '--quant', 'w8a8', ...WL, '--json');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as { kind: string; differs: string[]; labels: string[]; runs: RunResult[] };
    expect(c.kind).toBe('design-comparison');
    expect(c.differs).toEqual(['arch', 'quant']);
    expect(c.runs.map((x) => `${x.arch.name}|${x.quant.name}`)).toHaveLength(4);
    expect(new Set(c.labels).size).toBe(4);
    expect(c.labels[1]).toMatch(/ · w8a8$/);
  });

  it('aBadSecondArchIsAOneLineErrorNamingIt', async () => {
    const r = await cli('simulate', '--arch', H100, '--arch', 'arch-configs/gpu/nope.json', ...WL);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: arch-configs\/gpu\/nope\.json: no such file\n$/);
  });
});

describe('sweeps over several archs and specs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accelscope-cmp-'));
  const spec = (name: string, arch: string | string[], quant: string[]) => {
    const f = join(dir, `${name}.json`);
    writeFileSync(
      f,
      JSON.stringify({
        name,
        arch: [arch].flat().map((a) => resolve(ROOT, a)),
        quant,
        workloads: [{ model: resolve(ROOT, LLAMA), phase: 'decode', batch: [1, 8], context: [1024] }],
      }),
    );
    return f;
  };

  it('specListingTwoArchs: every point once per arch, named by the arch file, matching simulate', async () => {
    const out = join(dir, 'two.jsonl');
    const r = await cli('sweep', spec('two', [H100, H200], ['w16a16']), '--out', out, '--workers', '1');
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { point: { arch: string; workload: { batch: number } }; objectives: { latencySeconds: number } });
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.point.arch).sort()).toEqual(['h100-sxm', 'h100-sxm', 'h200', 'h200']);
    const h200b8 = lines.find((l) => l.point.arch === 'h200' && l.point.workload.batch === 8)!;
    const sim = JSON.parse((await cli('simulate', '--arch', H200, '--model', LLAMA, '--batch', '8', '--context', '1024', '--json')).stdout) as RunResult;
    expect(h200b8.objectives.latencySeconds).toBe(sim.totals.seconds);
  }, 120_000);

  it('twoSpecsMergeAndReportSayWhatDiffers', async () => {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    await cli('sweep', spec('a', H100, ['w16a16']), '--out', a, '--workers', '1');
    await cli('sweep', spec('b', H100, ['w8a8']), '--out', b, '--workers', '1');
    const m = await cli('merge', a, b, '-o', join(dir, 'ab.jsonl'));
    expect(m.code).toBe(0);
    expect(m.stderr).toMatch(/2 sweep specs merged .*; they differ in: quant\n/);
    const html = join(dir, 'ab.html');
    const r = await cli('report', a, b, '-o', html);
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/<p class="note" id="spec-differences">The specs differ in: quant\.<\/p>/);
    expect(page).toContain('id="front-table"');
  }, 120_000);
});
