import { describe, expect, it } from 'vitest';
import { loadModel, loadQuant } from '../../src/config/load.ts';
import { loadSystem } from '../../src/system/load.ts';
import type { ParallelPlan } from '../../src/parallel/plan.ts';
import { SystemStepCost, pipelineSeconds, splitStep } from '../../src/serve/system-step-cost.ts';
import { EngineStepCost } from '../../src/serve/step-cost.ts';
import { blocksPerDevice, simulateServing } from '../../src/serve/simulate.ts';
import type { ServeRequest } from '../../src/serve/types.ts';
import { archPath, cli, modelPath } from '../helpers.ts';
import { burst, dgx, qwen, serveOptions as opts, systemStep } from './setup.ts';

const quant = loadQuant('w16a16');
const plan = (o: Partial<ParallelPlan> = {}): ParallelPlan => ({ tp: 1, pp: 1, ep: 1, dp: 1, sequenceParallel: false, overlap: false, ...o });
const stepSeconds = (p: ParallelPlan, phase: 'prefill' | 'decode', batch: number, x: number) =>
  systemStep(p, phase, batch, x, { totalsOnly: true }).totals.seconds;

describe('serve on a multi-device system: TP 2 holds a model one GPU cannot', () => {
  const model = modelPath('llama-2-13b'); // 13 B parameters, 26 GB in fp16: more than one 24 GiB RTX 4090
  const req = ['--model', model, '--requests', 'poisson:rate=1,n=6,prompt=fixed(256),output=fixed(16)', '--json'];
  it('one RTX 4090 has no room; two over PCIe at --tp 2 serve every request', async () => {
    const one = await cli('serve', '--arch', archPath('gpu/rtx-4090'), ...req);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/^error: .*rtx-4090\.json: \/memory\/capacityBytes: no room for a KV cache/);
    const tp1 = await cli('serve', '--system', 'rtx-4090-2x-pcie', '--tp', '1', ...req);
    expect(tp1.code).toBe(2);
    expect(tp1.stderr).toMatch(/^error: .*rtx-4090-2x-pcie\.json: \/device: no room for a KV cache under TP 1: .*raise --tp or --pp\n$/);
    const tp2 = await cli('serve', '--system', 'rtx-4090-2x-pcie', '--tp', '2', ...req);
    expect(tp2.code).toBe(0);
    const doc = JSON.parse(tp2.stdout);
    expect(doc.summary.requests).toBe(6);
    expect(doc.system).toMatchObject({ devicesPerReplica: 2, replicas: 1, plan: 'TP 2', router: 'least-loaded' });
    // Each device keeps half of the weights (13.0 B params · 2 B / 2, embeddings split too) and half of every token's KV.
    expect(doc.kv.weightsBytes / 2 ** 30).toBeGreaterThan(11.5);
    expect(doc.kv.weightsBytes / 2 ** 30).toBeLessThan(12.5);
    expect(doc.calibration.map((c: { name: string }) => c.name)).toContain('system.intraNode.efficiency');
  });
});

describe('serve on a system at vanishing load', () => {
  for (const p of [plan({ tp: 2 }), plan({ tp: 2, pp: 2 })]) {
    it(`TTFT is the system's prefill step and TPOT its decode step (${p.tp}×${p.pp})`, () => {
      const cost = new SystemStepCost(qwen, dgx, quant, p, { knotsPerOctave: 0 });
      const P = 300;
      const r = simulateServing([{ id: 0, arrivalS: 1, promptTokens: P, outputTokens: 2 }], cost, opts());
      const rec = r.records[0]!;
      expect(rec.queueS).toBe(0);
      expect(rec.ttftS / stepSeconds(p, 'prefill', 1, P)).toBeCloseTo(1, 12);
      expect(rec.tpotS / stepSeconds(p, 'decode', 1, P)).toBeCloseTo(1, 12);
    });
  }
  it('a TP 2 step is not a single-device step: it pays two all-reduces per layer and halves the weight reads', () => {
    const tp2 = new SystemStepCost(qwen, dgx, quant, plan({ tp: 2 }), { knotsPerOctave: 0 });
    const one = new EngineStepCost(qwen, dgx.arch, quant, { knotsPerOctave: 0 });
    const shape = { decode: 1, decodeContextSum: 100, chunks: [] };
    expect(tp2.cost(shape).seconds).not.toBeCloseTo(one.cost(shape).seconds, 6);
    expect(tp2.kvBytesPerToken).toBe(one.kvBytesPerToken);
  });
});

describe('pipeline composition of a serving step', () => {
  it('splits sequences into micro-batches of nearly equal tokens and keeps every token', () => {
    const s = {
      decode: 5,
      decodeContextSum: 500,
      chunks: [
        { q: 300, past: 0, last: true },
        { q: 100, past: 0, last: true },
      ],
    };
    const parts = splitStep(s, 2);
    expect(parts.length).toBe(2);
    expect(parts.reduce((n, p) => n + p.decode, 0)).toBe(5);
    expect(parts.reduce((n, p) => n + p.decodeContextSum, 0)).toBeCloseTo(500, 9);
    expect(parts.flatMap((p) => p.chunks.map((c) => c.q)).sort()).toEqual([100, 300]);
    expect(splitStep({ decode: 1, decodeContextSum: 7, chunks: [] }, 4)).toEqual([{ decode: 1, decodeContextSum: 7, chunks: [] }]);
  });
  it('the recurrence gives fill + (m − 1) beats for equal micro-batches and the slowest stage as the beat', () => {
    expect(
      pipelineSeconds([
        [1, 2],
        [1, 2],
        [1, 2],
      ]),
    ).toBe(1 + 2 + 2 * 2);
    expect(
      pipelineSeconds([
        [3, 1],
        [3, 1],
      ]),
    ).toBe(3 + 3 + 1);
    expect(pipelineSeconds([[1, 2, 3]])).toBe(6);
  });
});

describe('data-parallel replicas', () => {
  it('DP 2 serves a saturating burst at twice the throughput of DP 1 (independent schedulers, least-loaded router)', () => {
    const cost = new SystemStepCost(qwen, dgx, quant, plan(), { replicas: 2 });
    const reqs = burst(64, 128, 32);
    const one = simulateServing(reqs, cost, opts({ maxRunning: 16 }));
    const two = simulateServing(reqs, cost, opts({ maxRunning: 16 }, { replicas: 2 }));
    const rr = simulateServing(reqs, cost, opts({ maxRunning: 16 }, { replicas: 2, router: 'round-robin' }));
    expect(two.summary.requestsPerSecond / one.summary.requestsPerSecond).toBeGreaterThan(1.98);
    expect(two.summary.requestsPerSecond / one.summary.requestsPerSecond).toBeLessThan(2.02);
    expect(rr.summary.requestsPerSecond / one.summary.requestsPerSecond).toBeGreaterThan(1.98);
    expect(two.devices.length).toBe(2);
    expect(two.summary.batch.max).toBe(16);
  });
  it('--dp on the CLI: two replicas, saturation summed over them; a plan larger than the system is an error naming it', async () => {
    const base = [
      'serve',
      '--system',
      'dgx-h100',
      '--model',
      modelPath('qwen2-0.5b'),
      '--requests',
      'poisson:rate=20,n=40,prompt=fixed(128),output=fixed(8)',
      '--json',
    ];
    const d1 = JSON.parse((await cli(...base)).stdout);
    const r = await cli(...base, '--dp', '2', '--router', 'round-robin');
    expect(r.code).toBe(0);
    const d2 = JSON.parse(r.stdout);
    expect(d2.system).toMatchObject({ replicas: 2, router: 'round-robin' });
    expect(d2.devices.length).toBe(2);
    expect(d2.saturation.replicas).toBe(2);
    expect(d2.saturation.requestsPerSecond / d1.saturation.requestsPerSecond).toBeCloseTo(2, 9);
    const big = await cli(...base, '--tp', '4', '--dp', '4');
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/^error: .*dgx-h100\.json: 4 replica\(s\) of tp 4 × pp 1 need 16 devices but .* has 8\n$/);
  });
});

describe('KV capacity of a replica', () => {
  it("is the tightest stage's free memory per device over its KV bytes per token; one block more than fits preempts", () => {
    const llama = loadModel(modelPath('llama-3-8b'));
    const p = plan({ tp: 2, pp: 2 });
    const probe = new SystemStepCost(llama, dgx, quant, p, { knotsPerOctave: 0, maxBatchedTokens: 1024 });
    // 32 layers, 8 KV heads: every device keeps 8 layers × 4 heads, a quarter of each token's KV.
    for (const st of probe.stageMemory) expect(st.kvBytesPerToken * 4).toBe(probe.kvBytesPerToken);
    // Shrink the memory the server may use until the KV cache holds ~40 blocks, then fill it exactly.
    const st = probe.stageMemory.reduce((a, b) => (b.weightsBytes + b.activationBytes > a.weightsBytes + a.activationBytes ? b : a));
    const cap = dgx.arch.memory.capacityBytes;
    const mu = (st.weightsBytes + st.activationBytes + 40.5 * 16 * st.kvBytesPerToken) / cap;
    const cost = new SystemStepCost(llama, dgx, quant, p, { knotsPerOctave: 0, maxBatchedTokens: 1024, memoryUtilization: mu });
    const blocks = blocksPerDevice(cost, 16);
    expect(blocks).toBe(
      Math.floor(Math.min(...cost.stageMemory.map((s) => Math.floor((mu * cap - s.weightsBytes - s.activationBytes) / s.kvBytesPerToken))) / 16),
    );
    expect(blocks).toBe(40);
    // Two requests decoding in lockstep, 305 outputs each: a 16-token prompt ends at 320 cached tokens (20 blocks),
    // a 32-token prompt at 336 (21 blocks). 20 + 20 fills the pool exactly; 20 + 21 is one block more.
    const pair = (promptB: number): ServeRequest[] => [
      { id: 0, arrivalS: 0, promptTokens: 16, outputTokens: 305 },
      { id: 1, arrivalS: 0, promptTokens: promptB, outputTokens: 305 },
    ];
    expect(simulateServing(pair(16), cost, opts({ maxBatchedTokens: 1024 })).summary.preemptions).toBe(0);
    const over = simulateServing(pair(32), cost, opts({ maxBatchedTokens: 1024 }));
    expect(over.summary.preemptions).toBeGreaterThan(0);
    expect(over.records.every((r) => r.finishS > 0)).toBe(true);
  });
});

describe('disaggregated pools on a system', () => {
  it("the KV cache crosses the system's interconnect: over InfiniBand between nodes, NVLink inside one", () => {
    const two = loadSystem('dgx-h100-2node-ib');
    const llama = loadModel(modelPath('llama-3-8b'));
    const cost = new SystemStepCost(llama, two, quant, plan({ tp: 8 }), { replicas: 2 });
    const bytes = 1e9;
    const cross = cost.transferSeconds(bytes, 0, 8);
    const inside = new SystemStepCost(llama, two, quant, plan({ tp: 4 }), { replicas: 2 }).transferSeconds(bytes, 0, 4);
    // 8 shards of 125 MB, each over one 400 Gb/s NIC (× 0.86) vs 4 shards of 250 MB over NVLink 4 (18 × 25 GB/s × 0.8).
    expect(cross).toBeGreaterThan(125e6 / 50e9);
    expect(inside).toBeLessThan(250e6 / 300e9);
    expect(cross).toBeGreaterThan(inside);
  });
  it('serve --system --disagg P:D: pools of tp × pp devices; --dp with --disagg and --kv-link with --system are errors', async () => {
    const base = ['serve', '--system', 'dgx-h100', '--model', modelPath('qwen2-0.5b'), '--requests', 'poisson:rate=20,n=30,prompt=fixed(256),output=fixed(8)'];
    const r = await cli(...base, '--tp', '2', '--disagg', '2:2', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary.requests).toBe(30);
    expect(doc.devices.map((d: { role: string }) => d.role)).toEqual(['prefill', 'prefill', 'decode', 'decode']);
    expect(doc.system.replicas).toBe(4);
    const dp = await cli(...base, '--dp', '2', '--disagg', '1:1');
    expect(dp.code).toBe(2);
    expect(dp.stderr).toMatch(/^error: --dp and --disagg/);
    const link = await cli(...base, '--disagg', '1:1', '--kv-link', 'ib-ndr');
    expect(link.code).toBe(2);
    expect(link.stderr).toMatch(/^error: --kv-link goes with --arch/);
    const noSys = await cli('serve', '--arch', archPath('gpu/h100-sxm'), '--tp', '2', '--model', modelPath('qwen2-0.5b'), '--requests', 'poisson:rate=1,n=2');
    expect(noSys.code).toBe(2);
    expect(noSys.stderr).toMatch(/^error: --tp needs --system/);
  });
});
