import { describe, expect, it } from 'vitest';
import { loadModel, loadQuant } from '../../src/config/load.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { run } from '../../src/engine/run.ts';
import { EngineStepCost, composeStepGraph, knotsOf } from '../../src/serve/step-cost.ts';
import type { StepShape } from '../../src/serve/step-shape.ts';
import { Rng } from '../../src/numeric/rng.ts';
import { ROOT, makeArch, modelPath, userError } from '../helpers.ts';

const spec = loadModel(modelPath('qwen2-0.5b'));
const w16 = loadQuant('w16a16');

describe('knots', () => {
  it('exact up to 32, then 16 per octave, bracketing x', () => {
    expect(knotsOf(32, 16)).toEqual([32, 32, 0]);
    expect(knotsOf(33, 16)).toEqual([32, 34, 0.5]);
    expect(knotsOf(1000, 16)).toEqual([992, 1024, 0.25]);
    expect(knotsOf(1024, 16)).toEqual([1024, 1024, 0]);
    expect(knotsOf(1000, 0)).toEqual([1000, 1000, 0]);
  });
});

describe('engine step cost', () => {
  const arch = makeArch('gpu/h100-sxm');
  const exact = new EngineStepCost(spec, arch, w16, { knotsPerOctave: 0 });
  it('a pure prefill or decode step is the single-step engine run', () => {
    const pre = run(buildGraph(spec, { phase: 'prefill', batch: 3, seq: 200 }), arch, w16).totals;
    const s = exact.cost({ decode: 0, decodeContextSum: 0, chunks: [0, 1, 2].map(() => ({ q: 200, past: 0, last: true })) });
    expect(s.seconds / pre.seconds).toBeCloseTo(1, 12);
    expect(s.energyJ / pre.energyJ).toBeCloseTo(1, 12);
    const dec = run(buildGraph(spec, { phase: 'decode', batch: 5, context: 700 }), arch, w16).totals;
    expect(exact.cost({ decode: 5, decodeContextSum: 3500, chunks: [] }).seconds / dec.seconds).toBeCloseTo(1, 12);
  });
  it('a mixed step (decodes + chunks) costs what its composed op graph costs', () => {
    const shape: StepShape = {
      decode: 9,
      decodeContextSum: 9 * 321,
      chunks: [
        { q: 256, past: 512, last: false },
        { q: 100, past: 0, last: true },
      ],
    };
    const g = composeStepGraph(spec, shape, 322);
    expect(g.ops.filter((o) => o.kind === 'attention').length).toBe(3 * spec.layers);
    expect(g.ops.find((o) => o.id === 'lm_head' && o.kind === 'gemm' && o.m === 10)).toBeDefined();
    const r = run(g, arch, w16, { ignoreCapacity: true, totalsOnly: true }).totals;
    expect(exact.cost(shape).seconds / r.seconds).toBeCloseTo(1, 12);
    expect(exact.cost(shape).energyJ / r.energyJ).toBeCloseTo(1, 12);
    expect(exact.graphCost(shape, 322).seconds / r.seconds).toBeCloseTo(1, 12);
  });
  it('partial chunks emit no logits', () => {
    const g = composeStepGraph(spec, { decode: 0, decodeContextSum: 0, chunks: [{ q: 64, past: 0, last: false }] }, 1);
    expect(g.ops.some((o) => o.id === 'lm_head')).toBe(false);
  });
  it('KV capacity is usable memory minus weights and activations', () => {
    const m = exact.memory;
    expect(exact.kvBytesPerToken).toBe(2 * spec.layers * spec.kvHeads * spec.headDim * 2);
    expect(exact.kvCapacityBytes).toBe(m.capacityBytes * 0.9 - m.weightsBytes - m.activationBytes);
  });
  it('a model that leaves no room for a KV cache is a one-line error naming the arch file', () => {
    const big = loadModel(modelPath('llama-3-70b'));
    const e = userError(() => new EngineStepCost(big, arch, w16, { archFile: 'h100.json' }));
    expect(e.code).toBe('does-not-fit');
    expect(e.toLine()).toMatch(/^error: h100\.json: \/memory\/capacityBytes: no room for a KV cache/);
  });
  it('rejects a knot count that is not a power of two', () => {
    expect(userError(() => new EngineStepCost(spec, arch, w16, { knotsPerOctave: 12 })).message).toContain('power of two');
  });
});

/**
 * The interpolation error bound, per family: random prefill, decode and mixed steps, interpolated
 * (16 knots per octave) against exact evaluation. Stated in docs/models/serving.md.
 */
describe('interpolation error bound', () => {
  const cases: [string, string, number][] = [
    ['gpu/h100-sxm', 'w16a16', 0.03],
    ['lut/lut-tensor-core-a100', 'w16a16', 0.005],
    ['fpga/vhk158-flightllm', 'workloads/quant/flightllm-w4a8.json', 0.05],
    ['pim/neupims', 'w16a16', 0.01],
  ];
  for (const [file, q, bound] of cases) {
    it(`${file}: relative error ≤ ${bound * 100}%`, () => {
      const arch = makeArch(file);
      const quant = loadQuant(q.endsWith('.json') ? `${ROOT}/${q}` : q);
      const fast = new EngineStepCost(spec, arch, quant, { maxBatchedTokens: 2048 });
      const exact = new EngineStepCost(spec, arch, quant, { maxBatchedTokens: 2048, knotsPerOctave: 0 });
      const rng = new Rng(5);
      let worst = 0;
      for (let i = 0; i < 9; i++) {
        const B = rng.int(1, 160);
        const shape: StepShape =
          i % 3 === 0
            ? { decode: 0, decodeContextSum: 0, chunks: [{ q: rng.int(33, 2000), past: 0, last: true }] }
            : i % 3 === 1
              ? { decode: B, decodeContextSum: B * rng.int(33, 3000), chunks: [] }
              : { decode: B, decodeContextSum: B * rng.int(33, 3000), chunks: [{ q: rng.int(33, 1000), past: rng.int(33, 2000), last: false }] };
        const f = fast.cost(shape);
        const e = exact.cost(shape);
        worst = Math.max(worst, Math.abs(f.seconds - e.seconds) / e.seconds, Math.abs(f.energyJ - e.energyJ) / e.energyJ);
      }
      console.log(`${file}: worst interpolation error ${(worst * 100).toFixed(3)}%`);
      expect(worst).toBeLessThanOrEqual(bound);
    });
  }
});
