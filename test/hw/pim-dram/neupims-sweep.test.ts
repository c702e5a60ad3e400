/**
 * NeuPIMs (ASPLOS'24) across operating points, not one chosen point (issue 26): GPT-3 7B decode
 * on the NeuPIMs simulator configuration over batch 32–512 × context 64–1024, the points that fit
 * its 32 GiB. The paper's per-point figures were not retrievable (data/reference/pim.json marks
 * the gap); what it gives is 2.4× over NPU-only and 1.6× over naive NPU+PIM (abstract) and NPU /
 * PIM utilization 65% / 26% under NeuPIMs (secondary summary). Where the model reproduces the
 * trend it is tested as a shape; where it does not, as a knownGap that pins how far off it is and
 * why (docs/models/pim-dram.md "NeuPIMs across operating points").
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { makeArch } from '../../helpers.ts';
import type { PimArchConfig } from '../../../src/hw/pim-dram/schema.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { loadModel } from '../../../src/config/load.ts';
import { buildGraph } from '../../../src/workload/builders/decoder.ts';
import { scheduleGraph } from '../../../src/hw/pim-dram/concurrency.ts';
import { run } from '../../../src/engine/run.ts';

const fp16 = parseQuantScheme('fp16');
const spec = loadModel(resolve(import.meta.dirname, 'fixtures/gpt3-7b.json'));
const neu = makeArch<PimArchConfig>('pim/neupims');
const npuOnly: PimArchConfig = {
  ...neu,
  pim: { ...neu.pim, dispatch: { gemm: 'host', attention: 'host', elementwise: 'host' }, concurrency: { dualRowBuffer: false, subBatchInterleave: false } },
};
const naive: PimArchConfig = { ...neu, pim: { ...neu.pim, concurrency: { dualRowBuffer: false, subBatchInterleave: false } } };
const PUBLISHED = { vsNpuOnly: 2.4, vsNaive: 1.6, npuUtil: 0.65, pimUtil: 0.26 };

interface Point {
  batch: number;
  context: number;
  vsNpuOnly: number;
  vsNaive: number;
  interleaved: number;
  pimOverNpuBusy: number;
}
const BATCHES = [32, 64, 128, 256, 512];
const CONTEXTS = [64, 128, 256, 512, 1024];
const points: Point[] = [];
for (const batch of BATCHES) {
  for (const context of CONTEXTS) {
    const g = buildGraph(spec, { phase: 'decode', batch, context });
    if (!run(g, neu, fp16, { ignoreCapacity: true, totalsOnly: true }).memory.fits) continue;
    const full = scheduleGraph(g, neu, fp16);
    points.push({
      batch,
      context,
      vsNpuOnly: scheduleGraph(g, npuOnly, fp16).seconds / full.seconds,
      vsNaive: scheduleGraph(g, naive, fp16).seconds / full.seconds,
      interleaved: full.breakdown['subBatchInterleaved'] ?? 0,
      pimOverNpuBusy: full.pimBusySeconds / full.hostBusySeconds,
    });
  }
}
const within15 = (x: number, p: number) => Math.abs(x / p - 1) <= 0.15;

describe('NeuPIMs over its operating points (GPT-3 7B decode, the batch × context points that fit 32 GiB)', () => {
  it('the grid holds 15 fitting points, from batch 32 × context 1024 to batch 512 × context 64', () => {
    expect(points).toHaveLength(15);
    expect(points.some((p) => p.batch === 32 && p.context === 1024)).toBe(true);
    expect(points.some((p) => p.batch === 512 && p.context === 64)).toBe(true);
  });

  it('shape (reproduced): at every batch the gain over NPU-only grows with the context — more of the step is KV-bound attention, which moves to PIM', () => {
    for (const batch of BATCHES) {
      const row = points.filter((p) => p.batch === batch).sort((a, b) => a.context - b.context);
      for (let i = 1; i < row.length; i++) expect(row[i]!.vsNpuOnly, `b${batch} ctx${row[i]!.context}`).toBeGreaterThan(row[i - 1]!.vsNpuOnly);
    }
  });

  it('knownGap: the published 2.4× over NPU-only is met within 15% at no fitting point; the closest is batch 256 × context 128 (1.99×)', () => {
    expect(points.filter((p) => within15(p.vsNpuOnly, PUBLISHED.vsNpuOnly))).toEqual([]);
    const best = points.reduce((a, b) => (b.vsNpuOnly > a.vsNpuOnly ? b : a));
    expect([best.batch, best.context]).toEqual([256, 128]);
    expect(best.vsNpuOnly).toBeGreaterThan(1.9);
  });

  it('knownGap: the published 1.6× over naive NPU+PIM appears only at batch 256 (1.62×), and there from NPU tiling, not overlap; at every other fitting point the gain is ≤ 1.03×', () => {
    for (const p of points) {
      if (p.batch === 256) {
        expect(within15(p.vsNaive, PUBLISHED.vsNaive)).toBe(true);
        expect(p.interleaved).toBe(1);
      } else expect(p.vsNaive, `b${p.batch} ctx${p.context}`).toBeLessThanOrEqual(1.03);
    }
    // Batch 128: sub-batches of 64 under-fill the 128-column stationary tiles, interleaving would lose, so it is not used.
    expect(points.filter((p) => p.batch <= 128).every((p) => p.interleaved === 0)).toBe(true);
  });

  it("knownGap (the cause): PIM is busy under a fifth of the NPU's busy time at every point, where the paper's utilizations (26% PIM / 65% NPU) put it at 0.4 — too little PIM work to hide behind the NPU for a 1.6× overlap gain", () => {
    const published = PUBLISHED.pimUtil / PUBLISHED.npuUtil;
    expect(published).toBeCloseTo(0.4, 5);
    for (const p of points) expect(p.pimOverNpuBusy, `b${p.batch} ctx${p.context}`).toBeLessThan(published / 2);
  });
});
