import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, modelPath } from '../helpers.ts';
import { compile } from '../../src/config/ajv.ts';
import { runResultSchema } from '../../src/config/schemas/run-result.ts';

const L70 = modelPath('llama-3-70b');
const L8 = modelPath('llama-3-8b');

describe('simulate --system', () => {
  it('Llama-3-70B fp16 on a DGX H100 at TP 8: a communication class, compute vs communication, the plan', async () => {
    const r = await cli('simulate', '--system', 'dgx-h100', '--tp', '8', '--model', L70, '--batch', '8', '--context', '1024');
    expect(r.code).toBe(0);
    for (const s of ['communication', 'compute vs comm', 'TP 8', 'tp all-reduce', 'system.intraNode.efficiency']) expect(r.stdout).toContain(s);
  });

  it('--json validates against the run-result schema and carries the system block', async () => {
    const r = await cli(
      'simulate',
      '--system',
      'dgx-h100',
      '--tp',
      '4',
      '--dp',
      '2',
      '--model',
      L8,
      '--phase',
      'prefill',
      '--batch',
      '4',
      '--seq',
      '256',
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const v = compile(runResultSchema);
    expect(v(doc), JSON.stringify(v.errors)).toBe(true);
    expect(doc.system.plan).toMatchObject({ tp: 4, dp: 2, pp: 1, ep: 1 });
    expect(doc.classes.some((c: { cls: string }) => c.cls === 'communication')).toBe(true);
    expect(doc.workload.tokens).toBe(4 * 256);
    expect(doc.totals.tokensPerSecond).toBeCloseTo(doc.workload.tokens / doc.totals.seconds, 6);
  });

  it('--html: the report has a compute vs communication section with the stages and collectives', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'accelscope-sysrep-')), 'r.html');
    const r = await cli('simulate', '--system', 'dgx-h100', '--tp', '4', '--pp', '2', '--model', L8, '--batch', '4', '--context', '256', '--html', out);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.includes('Compute vs communication')).toBe(true);
    expect(html.includes('id="system-0-stages"')).toBe(true);
    // 32 layers × 2 all-reduces + the embedding's.
    expect(/tp all-reduce<\/td><td class="num">65</.test(html)).toBe(true);
  });

  it('generate on a system: TTFT, TPOT and the system block', async () => {
    const r = await cli(
      'simulate',
      '--system',
      'dgx-h100',
      '--tp',
      '8',
      '--model',
      L70,
      '--phase',
      'generate',
      '--batch',
      '4',
      '--prompt',
      '512',
      '--output',
      '64',
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.generate.ttftSeconds).toBeGreaterThan(0);
    expect(doc.generate.tpotSeconds.last).toBeGreaterThanOrEqual(doc.generate.tpotSeconds.first);
    expect(doc.system.plan.tp).toBe(8);
  });

  it('bad input: one line, exit 2, no stack', async () => {
    const cases: [string[], RegExp][] = [
      [['--tp', '8', '--arch', 'arch-configs/gpu/h100-sxm.json'], /--tp needs --system/],
      [['--system', 'dgx-h900'], /--system 'dgx-h900': no such file and no shipped multi-device system of that name; did you mean dgx-h100/],
      [['--system', 'dgx-h100', '--tp', '0'], /--tp must be a positive integer/],
      [['--system', 'dgx-h100', '--tp', '3'], /num_attention_heads 64 is not divisible by 3/],
      [['--system', 'dgx-h100', '--tp', '1'], /does not fit per device/],
      [['--system', 'dgx-h100', '--tp', '8', '--pp', '2'], /16 devices but NVIDIA DGX H100 has 8/],
    ];
    for (const [flags, re] of cases) {
      const r = await cli('simulate', '--model', L70, '--batch', '8', '--context', '1024', ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/at .*\.ts:/);
    }
  });

  it('without --arch or --system the error says which to give', async () => {
    const r = await cli('simulate', '--model', L8, '--context', '8');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing --arch .* or --system/);
  });
});
