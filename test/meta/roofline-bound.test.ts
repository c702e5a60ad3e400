/**
 * The roofline is the optimistic bound every report compares the cycle models to: a model's op
 * should not beat it. Known, documented exceptions: GPU ops fused into a neighbour (the
 * residual add inside a fused residual+norm costs ~0), and the FPGA's sparse chains (the
 * roofline counts dense FLOPs) and its SFU (its ceiling counts elements, not FLOPs).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadArch, loadModel, loadQuant, resolveArchDocument } from '../../src/config/load.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { run } from '../../src/engine/run.ts';
import { ROOT, modelPath } from '../helpers.ts';
import { HARDWARE_MODELS, hardwareKinds } from '../../src/hw/registry.ts';

const spec = loadModel(modelPath('llama-2-7b'));
/** Every shipped preset of every registered kind, with the scheme its kind's presets run (HardwareModel.presetScheme). */
const presets = readdirSync(join(ROOT, 'arch-configs'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => {
    const kind = (resolveArchDocument(join(ROOT, 'arch-configs', f)) as { kind?: string }).kind;
    return kind && kind in HARDWARE_MODELS ? [{ f, kind, scheme: HARDWARE_MODELS[kind as keyof typeof HARDWARE_MODELS].presetScheme ?? 'w16a16' }] : [];
  });

describe('no op beats its roofline', () => {
  it('every registered kind has a shipped preset here', () => expect(new Set(presets.map((p) => p.kind))).toEqual(new Set(hardwareKinds())));
  for (const { f, kind, scheme: s } of presets) {
    const scheme = s.endsWith('.json') ? join(ROOT, s) : s;
    const fam = kind === 'gpu-tensor-core' ? 'gpu' : kind;
    {
      it(`${f}: decode and prefill`, () => {
        const arch = loadArch(join(ROOT, 'arch-configs', f));
        for (const opts of [
          { phase: 'decode' as const, batch: 1, context: 512 },
          { phase: 'prefill' as const, batch: 1, seq: 256 },
        ]) {
          const g = buildGraph(spec, opts);
          const r = run(g, arch, loadQuant(scheme), { ignoreCapacity: true });
          const model = HARDWARE_MODELS[arch.kind as keyof typeof HARDWARE_MODELS];
          const sparse = new Set(g.ops.filter((o) => (model.memoKey?.(o, arch) ?? '').includes('sparse')).map((o) => o.id));
          if (sparse.size === 0) expect(r.totals.seconds).toBeGreaterThanOrEqual(r.totals.rooflineSeconds * 0.999);
          const beat = r.ops.filter((o) => o.seconds < o.roofline.seconds * 0.999 && !(fam === 'gpu' && o.cls === 'residual') && !sparse.has(o.id));
          expect(beat.map((o) => `${o.id} ${o.seconds} < ${o.roofline.seconds}`)).toEqual([]);
        }
      });
    }
  }
});
