import { describe, expect, it } from 'vitest';
import { buildFor, makeArch } from '../../helpers.ts';
import { halfBatchOp, scheduleChains, scheduleGraph, type Stage } from '../../../src/hw/pim-dram/concurrency.ts';
import type { PimArchConfig } from '../../../src/hw/pim-dram/schema.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { run } from '../../../src/engine/run.ts';

const h = (s: number, mem = 0): Stage => ({ unit: 'host', seconds: s, memorySeconds: mem });
const p = (s: number): Stage => ({ unit: 'pim', seconds: s, memorySeconds: 0 });

describe('scheduleChains (two resources, earliest start first)', () => {
  it('one chain runs its stages back to back', () => {
    expect(scheduleChains([[h(2), p(3), h(2)]], true).seconds).toBe(7);
  });

  it("two sub-batches overlap one's PIM stage with the other's host stage: 10 instead of 14", () => {
    // A host 0–2, B host 2–4, A pim 2–5, A host 5–7, B pim 5–8, B host 8–10.
    const r = scheduleChains(
      [
        [h(2), p(3), h(2)],
        [h(2), p(3), h(2)],
      ],
      true,
    );
    expect(r.seconds).toBe(10);
    expect(r.host).toBe(8);
    expect(r.pim).toBe(6);
  });

  it("without dual row buffers a host stage's memory time also holds the PIM resource", () => {
    const chains = [
      [h(2, 2), p(3), h(2, 2)],
      [h(2, 2), p(3), h(2, 2)],
    ];
    expect(scheduleChains(chains, false).seconds).toBeGreaterThan(scheduleChains(chains, true).seconds);
  });
});

describe('scheduleGraph on a decode step', () => {
  const q = parseQuantScheme('fp16');
  const g = buildFor('llama-2-7b', { phase: 'decode', batch: 16, context: 1024 });
  const neu = makeArch<PimArchConfig>('pim/neupims');
  const off: PimArchConfig = { ...neu, pim: { ...neu.pim, concurrency: { dualRowBuffer: false, subBatchInterleave: false } } };

  it("blocked mode equals the engine's sum of op times", () => {
    const s = scheduleGraph(g, off, q);
    const r = run(g, off, q, { ignoreCapacity: true });
    expect(s.seconds).toBeCloseTo(r.totals.seconds, 12);
    expect(s.blockedSeconds).toBeCloseTo(r.totals.seconds, 12);
  });

  it('sub-batch interleaving reports its saving (negative when half-batch GEMMs re-read weights)', () => {
    const s = scheduleGraph(g, neu, q);
    expect(s.breakdown['subBatchSavedSeconds']).toBeCloseTo(s.blockedSeconds - s.seconds, 12);
    expect(s.hostBusySeconds + s.pimBusySeconds).toBeGreaterThan(s.seconds);
  });

  it('halfBatchOp halves what scales with the batch', () => {
    const gemm = g.ops.find((o) => o.kind === 'gemm' && o.cls === 'mlp')!;
    expect(halfBatchOp(gemm, 16)).toMatchObject({ m: 8 });
    const att = g.ops.find((o) => o.kind === 'attention')!;
    expect(halfBatchOp(att, 16)).toMatchObject({ batch: 8 });
  });
});

describe("the engine reports the model's step schedule (HardwareModel.schedule)", () => {
  const q = parseQuantScheme('fp16');
  const neu = makeArch<PimArchConfig>('pim/neupims');
  const off: PimArchConfig = { ...neu, pim: { ...neu.pim, concurrency: { dualRowBuffer: false, subBatchInterleave: false } } };
  const dualOnly: PimArchConfig = { ...neu, pim: { ...neu.pim, concurrency: { dualRowBuffer: true, subBatchInterleave: false } } };
  const sumOps = (r: ReturnType<typeof run>) => r.ops.reduce((a, o) => a + o.seconds, 0);

  it('blocked mode: no schedule, the total is the plain sum of op times', () => {
    const r = run(buildFor('llama-2-7b', { phase: 'decode', batch: 16, context: 1024 }), off, q, { ignoreCapacity: true });
    expect(r.totals.sequentialSeconds).toBeUndefined();
    expect(r.schedule).toBeUndefined();
    expect(r.totals.seconds).toBeCloseTo(sumOps(r), 15);
  });

  it('NeuPIMs: the total is the overlapped schedule, the plain sum is kept beside it', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 32, context: 512 });
    const r = run(g, neu, q, { ignoreCapacity: true });
    const s = scheduleGraph(g, neu, q);
    expect(r.totals.seconds).toBe(s.seconds);
    expect(r.totals.sequentialSeconds).toBeCloseTo(sumOps(r), 15);
    expect(r.schedule?.['blockedSeconds']).toBe(s.blockedSeconds);
    expect(r.totals.tokensPerSecond).toBeCloseTo(32 / s.seconds, 6);
  });

  it('dual row buffers alone never make a step slower than blocked', () => {
    for (const [batch, context] of [
      [1, 128],
      [8, 2048],
      [64, 512],
    ] as const) {
      const s = scheduleGraph(buildFor('llama-2-7b', { phase: 'decode', batch, context }), dualOnly, q);
      expect(s.seconds).toBeLessThanOrEqual(s.blockedSeconds * (1 + 1e-12));
    }
  });

  it('interleaving never takes longer than running the two sub-batches back to back, so it is never slower than blocked where the sub-batches cost no more than the whole batch', () => {
    let overlapped = 0;
    for (const [batch, context] of [
      [2, 128],
      [16, 1024],
      [128, 2048],
      [256, 128],
      [256, 512],
    ] as const) {
      const s = scheduleGraph(buildFor('llama-2-7b', { phase: 'decode', batch, context }), neu, q);
      const chains = s.breakdown['subBatchChainsSeconds']!;
      expect(s.seconds).toBeLessThanOrEqual(chains * (1 + 1e-12));
      if (chains <= s.blockedSeconds) {
        overlapped++;
        expect(s.seconds).toBeLessThanOrEqual(s.blockedSeconds);
      }
    }
    expect(overlapped).toBeGreaterThan(0);
  });

  it('simulate prints the sequential sum beside the overlapped total', async () => {
    const { cli } = await import('../../helpers.ts');
    const out = await cli(
      'simulate',
      '--arch',
      'arch-configs/pim/neupims.json',
      '--model',
      'workloads/models/llama-2-7b.json',
      '--phase',
      'decode',
      '--batch',
      '16',
      '--context',
      '512',
    );
    expect(out.stdout).toMatch(/overlap\s+ops one after another .*subBatchSavedSeconds/);
  });
});
