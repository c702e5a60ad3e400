import { describe, expect, it } from 'vitest';
import { loadModel, loadQuant } from '../../src/config/load.ts';
import { loadSystem } from '../../src/system/load.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { simulateSystem } from '../../src/parallel/run-system.ts';
import { simulateSystemGenerate } from '../../src/parallel/generate-system.ts';
import { modelPath, userError } from '../helpers.ts';

const spec = loadModel(modelPath('llama-3-8b'));
const system = loadSystem('dgx-h100');
const q = loadQuant('w16a16');
const plan = { tp: 2, pp: 2, ep: 1, dp: 1, sequenceParallel: false, overlap: false };

describe('a whole request on a system', () => {
  it('TTFT is the prefill step; the decode sum matches stepping every context within 0.1%', () => {
    const P = 100;
    const O = 9;
    const g = simulateSystemGenerate(spec, system, q, plan, { batch: 4, prompt: P, output: O });
    const step = (phase: 'prefill' | 'decode', x: number) =>
      simulateSystem({
        build: (b) => buildGraph(spec, phase === 'prefill' ? { phase, batch: b, seq: x } : { phase, batch: b, context: x }),
        batch: 4,
        system,
        quant: q,
        plan,
      }).totals.seconds;
    expect(g.generate.ttftSeconds).toBe(step('prefill', P));
    let sum = 0;
    for (let c = P; c < P + O; c++) sum += step('decode', c);
    expect(Math.abs(g.generate.decodeSeconds / sum - 1)).toBeLessThan(1e-3);
    expect(g.generate.e2eSeconds).toBeCloseTo(g.generate.ttftSeconds + g.generate.decodeSeconds, 12);
    expect(g.generate.tpotSeconds.first).toBe(step('decode', P));
    expect(g.generate.tpotSeconds.last).toBe(step('decode', P + O - 1));
  });

  it('a KV cache that outgrows a device by the last step is an error; --ignore-capacity reports it', () => {
    const big = { tp: 1, pp: 1, ep: 1, dp: 1, sequenceParallel: false, overlap: false };
    const e = userError(() => simulateSystemGenerate(spec, system, q, big, { batch: 96, prompt: 4096, output: 4096 }));
    expect(e.code).toBe('does-not-fit');
    const r = simulateSystemGenerate(spec, system, q, big, { batch: 96, prompt: 4096, output: 4096 }, true);
    expect(r.generate.fits).toBe(false);
    expect(r.generate.peakMemoryBytes).toBeGreaterThan(r.generate.capacityBytes);
  });
});
