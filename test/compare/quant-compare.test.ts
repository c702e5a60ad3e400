import { describe, expect, it } from 'vitest';
import { compareQuant, type QuantRow } from '../../src/compare/quant-compare.ts';
import { loadArch, loadModel } from '../../src/config/load.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { archPath, cli, modelPath } from '../helpers.ts';
import { HARDWARE_MODELS } from '../../src/hw/registry.ts';
import type { HardwareModel } from '../../src/hw/model.ts';
import { InfeasibleError } from '../../src/util/errors.ts';
import { run } from '../../src/engine/run.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';

const fakeProxy = () => ({ sqnrDb: 1, relError: 0.1 });
const llama = () => loadModel(modelPath('llama-2-7b'));

function classSeconds(archRel: string, scheme: string, cls: string): number {
  const r = run(buildGraph(llama(), { phase: 'decode', batch: 1, context: 512 }), loadArch(archPath(archRel)), parseQuantScheme(scheme));
  return r.classes.find((c) => c.cls === cls)!.seconds;
}

describe('quant comparison is consistent with the hardware models', () => {
  it('GPU, memory-bound decode: halving weight bits about halves the weight-streaming (MLP GEMM) time', () => {
    const t8 = classSeconds('gpu/h100-sxm', 'w8a16', 'mlp');
    const t4 = classSeconds('gpu/h100-sxm', 'w4a16', 'mlp');
    expect(t4 / t8).toBeGreaterThan(0.4);
    expect(t4 / t8).toBeLessThan(0.7);
  });

  it('LUT tensor core: cost scales with weight bits (1 < 2 < 4 bits)', () => {
    const t = [1, 2, 4].map((b) => classSeconds('lut/lut-tensor-core-a100', b === 1 ? 'w1a16' : `w${b}a16`, 'mlp'));
    expect(t[0]).toBeLessThan(t[1]!);
    expect(t[1]).toBeLessThan(t[2]!);
    expect(t[2]! / t[1]!).toBeGreaterThan(1.4);
  });

  it('rows cover every format × arch; footprint follows the bits per weight', () => {
    const cmp = compareQuant(
      {
        spec: llama(),
        archs: [
          { file: 'h100', config: loadArch(archPath('gpu/h100-sxm')) },
          { file: 'a100', config: loadArch(archPath('gpu/a100-sxm-80gb')) },
        ],
        schemes: ['w16a16', 'w4a16-g128'].map((s) => parseQuantScheme(s)),
        phase: 'decode',
        batch: 1,
        context: 128,
      },
      fakeProxy,
    );
    expect(cmp.rows.map((r) => `${r.format}@${r.arch}`)).toEqual(['w16a16@h100', 'w16a16@a100', 'w4a16-g128@h100', 'w4a16-g128@a100']);
    const [w16, , w4] = cmp.rows as [QuantRow, QuantRow, QuantRow];
    expect(w16.bitsPerWeight).toBe(16);
    expect(w4.bitsPerWeight).toBe(4.125);
    expect(w16.weightBytes).toBe(6_738_415_616 * 2);
    expect(w4.latencySeconds!).toBeLessThan(w16.latencySeconds!);
  });

  it('a format the hardware cannot run is marked unsupported with its reason, never given other numbers', () => {
    const gpu = HARDWARE_MODELS['gpu-tensor-core'] as HardwareModel;
    const picky: HardwareModel = {
      ...gpu,
      kind: 'picky-gpu',
      simulate: (op, c, q, o) => {
        if (q.weights.computeDtype === 'fp4') throw new InfeasibleError('no FP4 datapath');
        return gpu.simulate(op, c, q, o);
      },
    };
    (HARDWARE_MODELS as Record<string, HardwareModel>)['picky-gpu'] = picky;
    try {
      const cmp = compareQuant(
        {
          spec: llama(),
          archs: [{ file: 'picky', config: { ...loadArch(archPath('gpu/h100-sxm')), kind: 'picky-gpu' } }],
          schemes: ['w16a16', 'mxfp4'].map((s) => parseQuantScheme(s)),
          phase: 'decode',
          batch: 1,
          context: 128,
        },
        fakeProxy,
      );
      expect(cmp.rows[0]!.supported).toBe(true);
      expect(cmp.rows[1]).toMatchObject({ format: 'mxfp4', supported: false, reason: 'no FP4 datapath' });
      expect(cmp.rows[1]!.latencySeconds).toBeUndefined();
    } finally {
      delete (HARDWARE_MODELS as Record<string, HardwareModel>)['picky-gpu'];
    }
  });
});

describe('accelscope quant', () => {
  it('prints one row per format and arch with the error proxy; SQNR falls as bits fall', async () => {
    const r = await cli(
      'quant',
      '--model',
      modelPath('llama-2-7b'),
      '--arch',
      archPath('gpu/h100-sxm'),
      '--context',
      '1024',
      '--formats',
      'w16a16,w8a8,w4a16-g128,w2a16-g64',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe('quant-comparison');
    expect(j.rows).toHaveLength(4);
    const sqnr = j.rows.map((x: QuantRow) => x.sqnrDb);
    for (let i = 1; i < sqnr.length; i++) expect(sqnr[i]).toBeLessThan(sqnr[i - 1]);
    const txt = await cli('quant', '--model', modelPath('llama-2-7b'), '--arch', archPath('gpu/h100-sxm'), '--context', '1024', '--formats', 'w16a16,fp8');
    expect(txt.stdout).toMatch(/format\s+arch\s+bits\/w/);
    expect(txt.stdout).toContain('SQNR dB');
  });
  it('an unknown format is a one-line error', async () => {
    const r = await cli('quant', '--model', modelPath('llama-2-7b'), '--arch', archPath('gpu/h100-sxm'), '--context', '1', '--formats', 'w16a16,w9a9');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown quant scheme 'w9a9'/);
  });
});
