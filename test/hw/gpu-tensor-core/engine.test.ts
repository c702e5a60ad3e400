/** The engine runs whole models through the GPU model (not the roofline), roofline beside it. */
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/engine/run.ts';
import { buildFor } from '../../helpers.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { h100 } from './fixtures.ts';

describe('whole-model runs on the GPU model', () => {
  const arch = h100();
  for (const [phase, opts] of [
    ['decode', { context: 2048 }],
    ['prefill', { seq: 1024 }],
  ] as const) {
    it(`llama-2-7b ${phase}: every GEMM carries its tile plan, and no unfused op beats its roofline`, () => {
      const r = run(buildFor('llama-2-7b', { phase, batch: 4, ...opts }), arch, parseQuantScheme('w16a16'));
      const gemms = r.ops.filter((o) => o.kind === 'gemm');
      expect(gemms.length).toBeGreaterThan(0);
      for (const o of gemms) expect(o.breakdown?.['tileM']).toBeGreaterThan(0);
      for (const o of r.ops) {
        if (o.notes?.some((n) => /fused/.test(n))) continue;
        expect(o.seconds, `${o.id}`).toBeGreaterThanOrEqual(o.roofline.seconds);
      }
      expect(r.totals.seconds).toBeGreaterThan(r.totals.rooflineSeconds);
      expect(r.calibration.map((c) => c.name).sort()).toEqual([
        'dramBandwidthEfficiency',
        'kernelLaunchSeconds',
        'powerLimitWindowSeconds',
        'sustainedPowerFraction',
        'tensorCoreEfficiency',
      ]);
    });
  }

  it('fusion flags change the traffic and the launches of a decode step', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 512 });
    const q = parseQuantScheme('w16a16');
    const fused = run(g, arch, q);
    const none = run(g, h100({ gpu: { fusion: { fusedQkv: false, fusedGateUp: false, fusedResidualNorm: false } } }), q);
    expect(fused.totals.bytes).toBeLessThan(none.totals.bytes);
    expect(fused.totals.seconds).toBeLessThan(none.totals.seconds);
    const launches = (r: typeof fused) => r.ops.reduce((s, o) => s + (o.breakdown?.['launchS'] ?? 0), 0);
    // Per layer: k_proj, v_proj, up_proj and two residual adds lose their launch (32 layers × 5).
    expect((launches(none) - launches(fused)) / 1e-6).toBeCloseTo(32 * 5, 6);
  });
});
