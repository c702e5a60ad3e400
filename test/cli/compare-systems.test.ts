/**
 * `simulate --system A --system B …` (#24): one table with a column per system headed by what
 * differs, figures equal to the single-system runs; --json a design comparison; --html one run
 * report with the designs overlaid; --arch/--quant repeated multiply the designs; errors name the
 * system that fails.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';
import { formatPercent, formatSeconds } from '../../src/util/format.ts';
import type { SystemRunResult } from '../../src/parallel/run-system.ts';

const WL = ['--model', 'llama-2-7b', '--tp', '2', '--phase', 'decode', '--batch', '8', '--context', '1024'];

describe('simulate --system A --system B', () => {
  it('oneColumnPerSystem: headed by system and device, each figure the single-system run', async () => {
    const single = await Promise.all(
      ['dgx-h100', 'dgx-a100'].map(async (s) => {
        const r = await cli('simulate', '--system', s, ...WL, '--json');
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as SystemRunResult;
      }),
    );
    const [h, a] = single as [SystemRunResult, SystemRunResult];
    const r = await cli('simulate', '--system', 'dgx-h100', '--system', 'dgx-a100', ...WL);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^2 designs; columns headed by system · arch; same quant w16a16 · model .* · phase decode · batch 8 · plan TP 2 · context 1024$/);
    const head = lines[2]!;
    expect(head).toContain(`${h.system.name} · ${h.system.device}`);
    expect(head.indexOf(h.system.name)).toBeLessThan(head.indexOf(a.system.name));
    const row = (label: string) => lines.find((l) => l.startsWith(label))!;
    expect(row('time per step')).toContain(formatSeconds(h.totals.seconds));
    expect(row('time per step')).toContain(formatSeconds(a.totals.seconds));
    expect(row('devices')).toMatch(/2 of 8\s+2 of 8/);
    expect(row('plan')).toMatch(/TP 2\s+TP 2/);
    expect(row('communication')).toContain(`${formatSeconds(h.system.communicationSeconds)} ${formatPercent(h.system.communicationShare)}`);
    expect(row('communication')).toContain(`${formatSeconds(a.system.communicationSeconds)} ${formatPercent(a.system.communicationShare)}`);
    const fastest = h.totals.seconds < a.totals.seconds ? h : a;
    expect(r.stdout).toContain(`fastest: ${fastest.system.name} · ${fastest.system.device}`);
  });

  it('systemTimesQuant: --json is a design-comparison of every combination, each run carrying its system block', async () => {
    const r = await cli('simulate', '--system', 'dgx-h100', '--system', 'dgx-a100', '--quant', 'w16a16', '--quant', 'w8a8', ...WL, '--json');
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as { kind: string; differs: string[]; labels: string[]; runs: SystemRunResult[] };
    expect(c.kind).toBe('design-comparison');
    expect(c.differs).toEqual(['system', 'arch', 'quant']);
    expect(c.runs.map((x) => `${x.system.name}|${x.quant.name}`)).toEqual([
      'NVIDIA DGX H100|w16a16',
      'NVIDIA DGX H100|w8a8',
      'NVIDIA DGX A100|w16a16',
      'NVIDIA DGX A100|w8a8',
    ]);
    expect(new Set(c.labels).size).toBe(4);
    // w8a8 halves the weight bytes: on the same system it is faster.
    expect(c.runs[1]!.totals.seconds).toBeLessThan(c.runs[0]!.totals.seconds);
  });

  it('oneSystemTwoDevices: --arch repeated replaces the device, the plan stays; the label is the device', async () => {
    const r = await cli('simulate', '--system', 'dgx-h100', '--arch', 'h100', '--arch', 'h200', ...WL, '--json');
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as { differs: string[]; labels: string[]; runs: SystemRunResult[] };
    expect(c.differs).toEqual(['arch']);
    expect(c.labels).toEqual(c.runs.map((x) => x.system.device));
    expect(c.labels[1]).toMatch(/H200/);
  });

  it('htmlOverlaysTheSystems: one run report naming both', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'accelscope-syscmp-')), 'cmp.html');
    const r = await cli('simulate', '--system', 'dgx-h100', '--system', 'dgx-a100', ...WL, '--html', out);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('NVIDIA DGX H100 · NVIDIA H100 SXM5 80GB');
    expect(html).toContain('NVIDIA DGX A100 · NVIDIA A100 SXM4 80GB');
  });

  it('aPlanOneSystemCannotRunIsAOneLineErrorNamingIt', async () => {
    const r = await cli(
      'simulate',
      '--system',
      'dgx-h100',
      '--system',
      'rtx-4090-2x-pcie',
      '--model',
      'llama-2-7b',
      '--tp',
      '4',
      '--phase',
      'decode',
      '--batch',
      '8',
      '--context',
      '1024',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*rtx-4090-2x-pcie\.json: the plan needs tp 4 .* devices but .* has 2 .*\n$/);
    expect(r.stdout).toBe('');
  });
});
