import { describe, expect, it } from 'vitest';
import { loadSystem, systemPresets } from '../../src/system/load.ts';
import { loadModel, loadQuant } from '../../src/config/load.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { simulateSystem } from '../../src/parallel/run-system.ts';
import type { ParallelPlan } from '../../src/parallel/plan.ts';
import { cli, modelPath } from '../helpers.ts';

const plan = (o: Partial<ParallelPlan>): ParallelPlan => ({ tp: 1, pp: 1, ep: 1, dp: 1, sequenceParallel: false, overlap: false, ...o });

describe('multi-device PIM preset: NeuPIMs at the GPT-3 175B deployment of its artifact (TP 8 × PP 4)', () => {
  const sys = loadSystem('neupims-tp8-pp4');
  const spec = loadModel(modelPath('llama-3-70b')); // 70 B parameters: 131 GiB in fp16, a NeuPIMs device holds 32 GiB
  const quant = loadQuant('w16a16');
  const step = (p: ParallelPlan) =>
    simulateSystem({ build: (b) => buildGraph(spec, { phase: 'decode', batch: b, context: 1024 }), batch: 8, system: sys, quant, plan: p });
  it('loads: 32 PIM devices, 8 per group, placeholders flagged', () => {
    expect(systemPresets()).toContain('neupims-tp8-pp4');
    expect(sys.arch.kind).toBe('pim-dram');
    expect(sys.config.devicesPerNode * sys.config.nodes).toBe(32);
    expect(sys.config.intraNode!.efficiency.source).toMatch(/placeholder \(unverified/);
    expect(sys.config.sources!['/devicesPerNode']).toMatch(/n_tp": 8/);
  });
  it('a model that does not fit one device fits TP 8 and TP 8 × PP 4, with the per-device memory split', () => {
    expect(() => step(plan({ tp: 1 }))).toThrow(/does not fit per device under TP 1: .* has 32 GiB/);
    const tp8 = step(plan({ tp: 8 }));
    expect(tp8.system.stages[0]!.memory.fits).toBe(true);
    expect(tp8.system.collectives.filter((c) => c.kind === 'all-reduce' && c.layer >= 0).length).toBe(2 * 80); // two per layer (+ the vocabulary-parallel embedding's)
    const full = step(plan({ tp: 8, pp: 4 }));
    expect(full.system.devicesUsed).toBe(32);
    expect(full.system.stages.length).toBe(4);
    for (const st of full.system.stages) expect(st.memory.weightsBytes).toBeLessThan(tp8.system.stages[0]!.memory.weightsBytes / 3);
    expect(full.system.collectives.some((c) => c.group === 'pp' && c.nodes === 2)).toBe(true); // stage sends cross groups
    expect(full.totals.seconds).toBeGreaterThan(0);
  });
  it('serves through the CLI on the PIM system', async () => {
    const r = await cli(
      'serve',
      '--system',
      'neupims-tp8-pp4',
      '--tp',
      '8',
      '--model',
      modelPath('llama-3-70b'),
      '--requests',
      'poisson:rate=2,n=4,prompt=fixed(64),output=fixed(4)',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary.requests).toBe(4);
    expect(doc.archKind).toBe('pim-dram');
  });
});
