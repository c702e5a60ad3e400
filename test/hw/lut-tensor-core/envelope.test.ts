/**
 * The T-MAC validation envelope (issue 26): every LUT-CPU config declares that it was validated
 * at one thread and the error measured at more; the numbers in the config are recomputed here
 * from the published rows (data/reference/lut.json) so they cannot go stale; `simulate` prints
 * one warning line for a run above one thread (explicit or by default) and none at one thread.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, archPath, buildFor, cli, makeArch, userError } from '../../helpers.ts';
import { loadArch, loadQuant, validateArch } from '../../../src/config/load.ts';
import { run } from '../../../src/engine/run.ts';
import { envelopeWarnings, type Validation } from '../../../src/config/validation.ts';

const ref = JSON.parse(readFileSync(resolve(ROOT, 'data/reference/lut.json'), 'utf8')) as { t_mac: { param: string; value: unknown }[] };
const param = (p: string) => ref.t_mac.find((e) => e.param === p)!.value;
const WORKLOAD: Record<string, { model: string; quant: string }> = {
  'BitNet-3B': { model: 'bitnet-b1.58-3b', quant: 'w1.58a8' },
  'Llama-2-7B (W2)': { model: 'llama-2-7b', quant: 'w2a16-g128' },
  'Llama-2-7B (W4)': { model: 'llama-2-7b', quant: 'w4a16-g128' },
};
interface Point {
  workload: string;
  threads: number;
  published: number;
  context: number;
}

/** The multi-thread measured points behind each config's envelope, from the reference file. */
function points(): Record<string, Point[]> {
  const table = param('decode_throughput_table') as { model: string; device: string; threads: number; tmac_tokens_per_s: number }[];
  const from = (device: string) =>
    table
      .filter((r) => r.device === device && r.threads > 1)
      .map((r) => ({ workload: r.model, threads: r.threads, published: r.tmac_tokens_per_s, context: 128 }));
  const snap = (param('snapdragon_x_elite') as { framework: string; model: string; threads?: number; tokens_per_s: number }[])
    .filter((r) => r.framework === 'T-MAC CPU' && r.threads! > 1)
    .map((r) => ({
      workload: r.model === 'llama-2-7b W4' ? 'Llama-2-7B (W4)' : 'Llama-2-7B (W2)',
      threads: r.threads!,
      published: r.tokens_per_s,
      context: 1536,
    }));
  const orin = (param('orin_energy_llama2_7b_w2') as { framework: string; tokens_per_s: number }[]).find((r) => r.framework === 'T-MAC CPU')!;
  return {
    'lut/tmac-m2-ultra': from('M2-Ultra'),
    'lut/tmac-raspberry-pi-5': from('Raspberry Pi 5'),
    // BitNet-3B at 4 threads: the T-MAC README headline (48 tok/s), as in fidelity.test.ts.
    'lut/tmac-surface-laptop-7': [...snap, { workload: 'BitNet-3B', threads: 4, published: 48, context: 128 }],
    'lut/tmac-jetson-agx-orin-cpu': [{ workload: 'Llama-2-7B (W2)', threads: 12, published: orin.tokens_per_s, context: 128 }],
  };
}

describe('each LUT-CPU config carries its multi-thread validation envelope', () => {
  for (const [rel, pts] of Object.entries(points())) {
    it(`${rel}: validated at 1 thread; the measured error range over its ${pts.length} multi-thread point(s) is what the model gives today (±1 point)`, () => {
      const arch = loadArch(archPath(rel));
      const v = arch.validation as Validation;
      expect(v.envelope.threads).toEqual({ max: 1 });
      expect(v.defaultsFrom).toEqual({ threads: '/lut/cores' });
      const env = { ...v.gaps!.find((g) => g.when.threads?.min === 2)!, measuredErrorPct: v.gaps!.find((g) => g.when.threads?.min === 2)!.errorPct };
      expect(env).toMatchObject({ metric: 'decode tokens/s' });
      expect(pts.length).toBeGreaterThan(0);
      const errors = pts.map((p) => {
        const w = WORKLOAD[p.workload]!;
        const tps = run(buildFor(w.model, { phase: 'decode', batch: 1, context: p.context }), arch, loadQuant(w.quant), { threads: p.threads }).totals
          .tokensPerSecond;
        return 100 * (tps / p.published - 1);
      });
      expect(Math.abs(Math.min(...errors) - env.measuredErrorPct.min)).toBeLessThanOrEqual(1);
      expect(Math.abs(Math.max(...errors) - env.measuredErrorPct.max)).toBeLessThanOrEqual(1);
      expect(env.source).toMatch(/T-MAC/);
    });
  }
});

describe('envelopeWarnings', () => {
  const m2 = loadArch(archPath('lut/tmac-m2-ultra'));
  const at = { modelType: 'llama', phase: 'decode', batch: 1, context: 128, quant: 'w2a16-g128' };
  it('one thread: nothing; two threads: one line with the range and the source; no option: the default read from /lut/cores', () => {
    expect(envelopeWarnings(m2, { ...at, threads: 1 })).toEqual([]);
    const two = envelopeWarnings(m2, { ...at, threads: 2 });
    expect(two).toHaveLength(1);
    expect(two[0]).toMatch(
      /^threads 2 is outside the validated envelope of Apple M2 Ultra CPU \(T-MAC\) \(threads ≤ 1\): .*decode tokens\/s was off by \+57% to \+94% .*profiling_data\.md/,
    );
    expect(envelopeWarnings(m2, at)[0]).toMatch(/^threads 16 \(default \/lut\/cores\) is outside/);
  });
  it('a single measured point prints one figure, a negative bound its sign', () => {
    expect(envelopeWarnings(loadArch(archPath('lut/tmac-jetson-agx-orin-cpu')), { ...at, threads: 4 })[0]).toMatch(/off by \+207% against/);
    expect(envelopeWarnings(loadArch(archPath('lut/tmac-raspberry-pi-5')), { ...at, threads: 2 })[0]).toMatch(/off by −4% to \+3% against/);
  });
  it('an envelope without threads never warns about threads', () => {
    expect(
      envelopeWarnings(loadArch(archPath('gpu/h100-sxm')), { modelType: 'llama', phase: 'decode', batch: 1, context: 512, quant: 'w16a16', threads: 64 }),
    ).toEqual([]);
  });
  it('a malformed gap is a schema error naming its JSON pointer', () => {
    const bad = makeArch('lut/tmac-m2-ultra', { validation: { gaps: [{ when: { threads: { min: 2 } }, metric: 'x', errorPct: { min: 1, max: 2 } }] } });
    expect(userError(() => validateArch(bad, 'm2.json'))).toMatchObject({
      file: 'm2.json',
      pointer: '/validation/gaps/0',
      message: expect.stringMatching(/required property 'source'/),
    });
  });
});

describe('simulate prints the envelope warning on stderr, once, and keeps stdout clean', () => {
  const args = [
    'simulate',
    '--arch',
    'arch-configs/lut/tmac-m2-ultra.json',
    '--model',
    'workloads/models/llama-2-7b.json',
    '--quant',
    'w2a16-g128',
    '--context',
    '128',
  ];
  it('--threads 8 warns; --threads 1 does not', async () => {
    const eight = await cli(...args, '--threads', '8');
    expect(eight.code).toBe(0);
    const lines = eight.stderr.split('\n').filter((l) => /validated envelope/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: threads 8 is outside/);
    expect(eight.stdout).not.toMatch(/validated envelope/);
    const one = await cli(...args, '--threads', '1');
    expect(one.code).toBe(0);
    expect(one.stderr).not.toMatch(/validated envelope/);
  });
});
