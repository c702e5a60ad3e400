import { describe, expect, it } from 'vitest';
import { simulateGenerate } from '../../src/engine/generate.ts';
import { loadModel } from '../../src/config/load.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { run } from '../../src/engine/run.ts';
import { archPath, cli, makeArch, modelPath } from '../helpers.ts';

const q = parseQuantScheme('w16a16');

describe('generate: prefill + O decode steps', () => {
  it('fast path agrees with the step-by-step sum within 0.5% (and TTFT is the prefill)', () => {
    const spec = loadModel(modelPath('llama-2-7b'));
    const arch = makeArch('gpu/h100-sxm');
    const req = { batch: 2, prompt: 100, output: 300 };
    const fast = simulateGenerate(spec, arch, q, req);
    const slow = simulateGenerate(spec, arch, q, { ...req, stepByStep: true });
    expect(slow.generate.interpolation.evaluations).toBe(300);
    expect(fast.generate.interpolation.evaluations).toBeLessThan(300);
    const rel = (a: number, b: number) => Math.abs(a - b) / b;
    expect(rel(fast.generate.e2eSeconds, slow.generate.e2eSeconds)).toBeLessThan(0.005);
    expect(rel(fast.generate.energyPerRequestJ, slow.generate.energyPerRequestJ)).toBeLessThan(0.005);
    // TTFT = a plain prefill run; the first and last steps = plain decode runs at P and P+O-1
    const prefill = run(buildGraph(spec, { phase: 'prefill', batch: 2, seq: 100 }), arch, q);
    expect(fast.generate.ttftSeconds).toBeCloseTo(prefill.totals.seconds, 12);
    const lastStep = run(buildGraph(spec, { phase: 'decode', batch: 2, context: 399 }), arch, q);
    expect(fast.generate.tpotSeconds.last).toBeCloseTo(lastStep.totals.seconds, 12);
    expect(slow.generate.tpotSeconds.last).toBeCloseTo(lastStep.totals.seconds, 12);
  });

  it('decode steps slow down as the context grows; the mean TPOT lies between first and last', () => {
    const g = simulateGenerate(loadModel(modelPath('llama-2-7b')), makeArch('gpu/h100-sxm'), q, { batch: 8, prompt: 512, output: 2048 }).generate;
    expect(g.tpotSeconds.last).toBeGreaterThan(g.tpotSeconds.first);
    expect(g.tpotSeconds.mean).toBeGreaterThan(g.tpotSeconds.first);
    expect(g.tpotSeconds.mean).toBeLessThan(g.tpotSeconds.last);
    expect(g.e2eSeconds).toBeCloseTo(g.ttftSeconds + g.decodeSeconds, 12);
    expect(g.outputTokensPerSecond).toBeCloseTo((8 * 2048) / g.e2eSeconds, 6);
  });

  it('a KV cache that outgrows memory part-way names the step', () => {
    const spec = loadModel(modelPath('llama-2-7b'));
    // 40 GiB device: weights 12.55 GiB; at batch 16 the KV cache grows 8 MiB per token
    const arch = makeArch('gpu/h100-sxm', { memory: { capacityBytes: 40 * 2 ** 30 } });
    let err: Error | undefined;
    try {
      simulateGenerate(spec, arch, q, { batch: 16, prompt: 1000, output: 3000 });
    } catch (e) {
      err = e as Error;
    }
    const m = /KV cache outgrows device memory at decode step (\d+) of 3000 \(context (\d+)\)/.exec(err?.message ?? '');
    expect(m, err?.message).not.toBeNull();
    const step = Number(m![1]);
    expect(Number(m![2])).toBe(1000 + step - 1);
    // After step i the cache holds 1000 + i tokens: step-1 fits, step does not.
    const pre = run(buildGraph(spec, { phase: 'prefill', batch: 16, seq: 1000 }), arch, q, { ignoreCapacity: true });
    const dec = run(buildGraph(spec, { phase: 'decode', batch: 16, context: 1000 }), arch, q, { ignoreCapacity: true });
    const act = Math.max(pre.memory.activationBytes, dec.memory.activationBytes);
    const need = (tokens: number) => 6_738_415_616 * 2 + act + 2 * 32 * 4096 * 16 * 2 * tokens;
    expect(need(1000 + step - 1)).toBeLessThanOrEqual(40 * 2 ** 30);
    expect(need(1000 + step)).toBeGreaterThan(40 * 2 ** 30);
  });
});

describe('simulate --phase generate (CLI)', () => {
  const base = ['simulate', '--arch', archPath('gpu/h100-sxm'), '--model', modelPath('llama-2-7b'), '--phase', 'generate'];
  it('prints TTFT, TPOT, e2e, tokens/s, energy and peak memory; --json adds a generate block', async () => {
    const r = await cli(...base, '--prompt', '128', '--output', '64');
    expect(r.code).toBe(0);
    for (const s of ['time to first token', 'time per output token', 'end-to-end latency', 'output tokens/s', 'per output token', 'peak memory'])
      expect(r.stdout).toContain(s);
    const j = JSON.parse((await cli(...base, '--prompt', '128', '--output', '64', '--json')).stdout);
    expect(j.workload.phase).toBe('generate');
    expect(j.generate.steps.length).toBeGreaterThanOrEqual(2);
    expect(j.generate.steps[0].context).toBe(128);
    expect(j.generate.steps.at(-1).context).toBe(128 + 64 - 1);
  });
  it('O = 0 is an error; P + O beyond max_position_embeddings warns, or fails with --strict', async () => {
    const z = await cli(...base, '--prompt', '128', '--output', '0');
    expect(z.code).toBe(2);
    expect(z.stderr).toMatch(/^error: --output must be a positive integer/);
    const w = await cli(...base, '--prompt', '4000', '--output', '200');
    expect(w.code).toBe(0);
    expect(w.stderr).toMatch(/warning: prompt \+ output = 4200 tokens exceeds the model's max_position_embeddings \(4096\)/);
    const s = await cli(...base, '--prompt', '4000', '--output', '200', '--strict');
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/^error: prompt \+ output = 4200 tokens exceeds/);
  });
});
