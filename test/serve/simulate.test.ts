import { describe, expect, it } from 'vitest';
import { loadModel, loadQuant } from '../../src/config/load.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { run } from '../../src/engine/run.ts';
import { EngineStepCost } from '../../src/serve/step-cost.ts';
import { simulateServing } from '../../src/serve/simulate.ts';
import { generateRequests, parseRequestSpec } from '../../src/serve/requests.ts';
import type { ServeRequest } from '../../src/serve/types.ts';
import { saturation } from '../../src/serve/saturation.ts';
import { makeArch, modelPath } from '../helpers.ts';
import { burst, schedulerConfig as sched, serveOptions as opts } from './setup.ts';

const spec = loadModel(modelPath('qwen2-0.5b'));
const arch = makeArch('gpu/h100-sxm');
const quant = loadQuant('w16a16');
const exact = new EngineStepCost(spec, arch, quant, { knotsPerOctave: 0 });
const fast = new EngineStepCost(spec, arch, quant);

const stepSeconds = (phase: 'prefill' | 'decode', batch: number, x: number) =>
  run(buildGraph(spec, phase === 'prefill' ? { phase, batch, seq: x } : { phase, batch, context: x }), arch, quant, { totalsOnly: true }).totals.seconds;

describe('serving at vanishing load', () => {
  it('TTFT is one prefill step and TPOT one decode step of the single-step model', () => {
    const P = 300;
    const r = simulateServing([{ id: 0, arrivalS: 1, promptTokens: P, outputTokens: 2 }], exact, opts());
    const rec = r.records[0]!;
    expect(rec.queueS).toBe(0);
    expect(rec.ttftS).toBeCloseTo(stepSeconds('prefill', 1, P), 15);
    expect(rec.ttftS / stepSeconds('prefill', 1, P)).toBeCloseTo(1, 12);
    expect(rec.tpotS / stepSeconds('decode', 1, P)).toBeCloseTo(1, 12);
  });
  it('TPOT over O outputs is the mean of the decode steps at contexts P … P+O−2', () => {
    const P = 100;
    const O = 6;
    const r = simulateServing([{ id: 0, arrivalS: 0, promptTokens: P, outputTokens: O }], exact, opts());
    let sum = 0;
    for (let c = P; c <= P + O - 2; c++) sum += stepSeconds('decode', 1, c);
    expect(r.records[0]!.tpotS / (sum / (O - 1))).toBeCloseTo(1, 12);
    expect(r.records[0]!.e2eS / (stepSeconds('prefill', 1, P) + sum)).toBeCloseTo(1, 12);
  });
  it('requests far apart never queue', () => {
    const reqs = generateRequests(parseRequestSpec('poisson:rate=0.01,n=20,prompt=uniform(50,200),output=fixed(4)'));
    const r = simulateServing(reqs, fast, opts());
    expect(r.summary.queueS.max).toBe(0);
  });
});

describe('queueing', () => {
  it("Little's law holds within 1% on the simulated queue", () => {
    const reqs = generateRequests(parseRequestSpec('gamma:rate=40,cv=2,n=1500,prompt=lognormal(400,0.8,3000),output=lognormal(64,0.8,500)'));
    const r = simulateServing(reqs, fast, opts());
    const { L, lambda, W } = r.summary.little;
    expect(L).toBeGreaterThan(1);
    expect(Math.abs(L - lambda * W) / L).toBeLessThan(0.01);
  });
  it('is deterministic', () => {
    const reqs = generateRequests(parseRequestSpec('poisson:rate=30,n=300,prompt=lognormal(300,0.8),output=fixed(20)'));
    expect(JSON.stringify(simulateServing(reqs, fast, opts()))).toBe(JSON.stringify(simulateServing(reqs, fast, opts())));
  });
  it('latency grows with the offered rate', () => {
    const at = (rate: number) =>
      simulateServing(generateRequests(parseRequestSpec(`poisson:rate=${rate},n=400,prompt=fixed(512),output=fixed(64)`)), fast, opts()).summary.e2eS.mean;
    expect(at(5)).toBeLessThan(at(50));
    expect(at(50)).toBeLessThan(at(500));
  });
});

describe('saturation', () => {
  const P = 128;
  const O = 33;
  it('continuous batching: throughput is the step model at the largest batch (max-running)', () => {
    const B = 24;
    const r = simulateServing(burst(4 * B, P, O), exact, opts({ maxRunning: B, maxBatchedTokens: B * (P + O) }));
    // Each wave: one prefill step of B prompts, then O − 1 decode steps of B sequences.
    let cycle = exact.cost({ decode: 0, decodeContextSum: 0, chunks: Array.from({ length: B }, () => ({ q: P, past: 0, last: true })) }).seconds;
    for (let c = P; c <= P + O - 2; c++) cycle += exact.cost({ decode: B, decodeContextSum: B * c, chunks: [] }).seconds;
    expect(r.summary.requestsPerSecond / (B / cycle)).toBeCloseTo(1, 9);
    expect(r.summary.preemptions).toBe(0);
    const est = saturation(exact, sched({ maxRunning: B, maxBatchedTokens: B * (P + O) }), r.kvBlocksPerDevice, P, O)!;
    expect(est.batch).toBe(B);
    expect(est.limit).toBe('max-running');
    expect(r.summary.requestsPerSecond / est.requestsPerSecond).toBeCloseTo(1, 9);
  });
  it('static batching: throughput is the step model at the largest batch the KV blocks hold', () => {
    const perSeq = Math.ceil((P + O - 1) / 16);
    const Bfit = 7;
    const blocks = Bfit * perSeq + perSeq - 1; // one block short of an eighth sequence
    const r = simulateServing(burst(5 * Bfit, P, O), exact, { ...opts({ policy: 'static' }), kvBlocks: blocks });
    let cycle = stepSeconds('prefill', Bfit, P);
    for (let c = P; c <= P + O - 2; c++) cycle += stepSeconds('decode', Bfit, c);
    expect(r.summary.requestsPerSecond / (Bfit / cycle)).toBeCloseTo(1, 9);
    expect(r.summary.batch.max).toBe(Bfit);
    const more = simulateServing(burst(5 * Bfit, P, O), exact, { ...opts({ policy: 'static' }), kvBlocks: blocks + 1 });
    expect(more.summary.batch.max).toBe(Bfit + 1);
    const est = saturation(exact, sched({ maxRunning: 256, maxBatchedTokens: 8192 }), blocks, P, O)!;
    expect(est.batch).toBe(Bfit);
    expect(est.limit).toBe('kv-blocks');
    expect(r.summary.requestsPerSecond / est.requestsPerSecond).toBeCloseTo(1, 9);
  });
});

describe('paged KV cache', () => {
  // Two requests: 16-token prompts (one block each), 40 outputs → caches of 55 tokens = 4 blocks each.
  const two = burst(2, 16, 40);
  const need = 2 * Math.ceil((16 + 40 - 1) / 16);
  it('preemption happens exactly when the block pool is exhausted', () => {
    expect(simulateServing(two, exact, { ...opts(), kvBlocks: need }).summary.preemptions).toBe(0);
    const short = simulateServing(two, exact, { ...opts(), kvBlocks: need - 1 });
    expect(short.summary.preemptions).toBeGreaterThan(0);
    expect(short.records.every((r) => r.finishS > 0)).toBe(true);
    expect(short.records[1]!.preemptions).toBeGreaterThan(0); // the later-admitted one gives way
  });
  it('swap preemption moves blocks to the host and back, charging the link', () => {
    const swap = simulateServing(two, exact, { ...opts({ preemption: 'swap', swapBlocks: 100 }), kvBlocks: need - 1 });
    const recompute = simulateServing(two, exact, { ...opts(), kvBlocks: need - 1 });
    expect(swap.summary.preemptions).toBeGreaterThan(0);
    expect(swap.records[1]!.finishS).not.toBe(recompute.records[1]!.finishS);
    const slowLink = simulateServing(two, exact, { ...opts({ preemption: 'swap', swapBlocks: 100 }), kvBlocks: need - 1, swapBytesPerSecond: 1e6 });
    expect(slowLink.summary.makespanS).toBeGreaterThan(swap.summary.makespanS);
  });
  it('a request that can never fit is a one-line error', () => {
    expect(() => simulateServing(burst(1, 100, 100), exact, { ...opts(), kvBlocks: 5 })).toThrow(
      'request 0 (prompt 100 + output 100 tokens) needs 13 KV blocks of 16 tokens; the device holds 5',
    );
  });
  it('prefix caching skips the resident blocks of a shared prefix', () => {
    const reqs: ServeRequest[] = Array.from({ length: 10 }, (_, id) => ({
      id,
      arrivalS: id * 0.5,
      promptTokens: 600,
      outputTokens: 4,
      prefixId: 0,
      prefixTokens: 512,
    }));
    const on = simulateServing(reqs, exact, opts({ prefixCaching: true }));
    const off = simulateServing(reqs, exact, opts());
    expect(on.records[0]!.cachedTokens).toBe(0);
    expect(on.records.slice(1).every((r) => r.cachedTokens === 512)).toBe(true);
    expect(on.records[1]!.ttftS).toBeLessThan(off.records[1]!.ttftS);
    expect(on.records[1]!.ttftS / exact.cost({ decode: 0, decodeContextSum: 0, chunks: [{ q: 88, past: 512, last: true }] }).seconds).toBeCloseTo(1, 12);
  });
});

describe('schedulers', () => {
  const reqs = generateRequests(parseRequestSpec('poisson:rate=60,n=600,prompt=lognormal(800,0.6,4000),output=lognormal(100,0.6,600)'));
  it('continuous batching beats static batching on latency at the same load', () => {
    const cont = simulateServing(reqs, fast, opts());
    const stat = simulateServing(reqs, fast, opts({ policy: 'static', maxRunning: 32 }));
    expect(cont.summary.e2eS.mean).toBeLessThan(stat.summary.e2eS.mean);
  });
  it('chunked prefill bounds the tokens of every step and keeps decodes going', () => {
    const r = simulateServing(reqs, fast, opts({ chunkedPrefill: true, maxBatchedTokens: 512, priority: 'decode-first' }));
    expect(r.timeline.every((p) => p.tokens <= 512)).toBe(true);
    const plain = simulateServing(reqs, fast, opts());
    expect(r.summary.tpotS.p99).toBeLessThan(plain.summary.tpotS.p99);
  });
  it('max-running caps the batch', () => {
    const r = simulateServing(reqs, fast, opts({ maxRunning: 8 }));
    expect(r.summary.batch.max).toBe(8);
  });
  it('disaggregated prefill/decode: every request finishes; TTFT has no decode interference; KV transfer costs time', () => {
    const d = (bw: number) => simulateServing(reqs, fast, opts({}, { disagg: { prefillDevices: 1, decodeDevices: 1, linkBytesPerSecond: bw, link: 'x' } }));
    const nv = d(450e9);
    expect(nv.records.length).toBe(reqs.length);
    expect(nv.devices.map((x) => x.role)).toEqual(['prefill', 'decode']);
    const slow = d(1e9);
    expect(slow.summary.e2eS.mean).toBeGreaterThan(nv.summary.e2eS.mean);
    expect(slow.summary.ttftS.mean).toBeCloseTo(nv.summary.ttftS.mean, 12);
  });
});
