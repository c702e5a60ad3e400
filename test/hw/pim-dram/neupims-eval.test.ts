/**
 * NeuPIMs (ASPLOS'24) in its authors' evaluation setting (issue 26): GPT-3 7B split 4 ways by
 * tensor parallelism, so each NeuPIMs device (NPU + 32 GiB of PIM) holds 8 heads and a quarter of
 * the weights (configs/model_configs/gpt3-7B.json n_tp 4), decoding ShareGPT requests whose mean
 * length is 308 tokens (the repository's request pools). Batch 32–512 × context 64–1024.
 *
 * What the sources give and what is tested against it (data/reference/pim.json `neupims`):
 *  - sub-batch interleaving pays only from batch 256 (the authors' README rule): reproduced —
 *    the model's scheduler picks it exactly at batch ≥ 256, at every context, from the NPU tiling;
 *  - 2.4× over NPU-only and 1.6× over naive NPU+PIM (abstract; the batch behind them is not
 *    retrievable): within 15% at batch 256 on the ShareGPT mean context, not at batch 512
 *    (knownGap, cause pinned below); batches ≤ 128 never interleave, in the model as in NeuPIMs.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATA, makeArch } from '../../helpers.ts';
import type { PimArchConfig } from '../../../src/hw/pim-dram/schema.ts';
import type { AttentionOp, OpGraph } from '../../../src/workload/graph.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { loadModel } from '../../../src/config/load.ts';
import { buildGraph } from '../../../src/workload/builders/decoder.ts';
import { scheduleGraph } from '../../../src/hw/pim-dram/concurrency.ts';
import { shardStage } from '../../../src/parallel/shard.ts';
import { deviceMeta } from '../../../src/parallel/device-meta.ts';
import { SINGLE_DEVICE_PLAN } from '../../../src/parallel/plan.ts';
import { stageLayers } from '../../../src/parallel/partition.ts';
import { run } from '../../../src/engine/run.ts';

const ref = JSON.parse(readFileSync(resolve(DATA, 'reference/pim.json'), 'utf8')) as { neupims: { param: string; value: unknown }[] };
/** The published NeuPIMs figures this test reads (data/reference/pim.json, by param). */
interface NeupimsPublished {
  evaluation_model_sharding: { 'GPT3-7B': { n_tp: number } };
  sharegpt_request_pool_seq_len: { mean_tokens: number };
  sub_batch_interleaving_enabled_from_batch: number;
  throughput_vs_npu_only: number;
  throughput_vs_naive_npu_pim: number;
  sharegpt_channel_load_max_over_mean: { greedy_clb: number[]; round_robin: number[] };
  naive_npu_pim_baseline_setup: { pim_row_buffers: string; timing: string };
}
const pub = Object.fromEntries(ref.neupims.map((e) => [e.param, e.value])) as unknown as NeupimsPublished;
const fp16 = parseQuantScheme('fp16');
const spec = loadModel(resolve(import.meta.dirname, 'fixtures/gpt3-7b.json'));
const neu = makeArch<PimArchConfig>('pim/neupims');
const npuOnly: PimArchConfig = {
  ...neu,
  pim: { ...neu.pim, dispatch: { gemm: 'host', attention: 'host', elementwise: 'host' }, concurrency: { dualRowBuffer: false, subBatchInterleave: false } },
};
const naive: PimArchConfig = { ...neu, pim: { ...neu.pim, concurrency: { dualRowBuffer: false, subBatchInterleave: false } } };

const TP = pub['evaluation_model_sharding']['GPT3-7B'].n_tp;
const SHAREGPT = Math.round(pub['sharegpt_request_pool_seq_len'].mean_tokens);
const INTERLEAVE_FROM = pub['sub_batch_interleaving_enabled_from_batch'];
const plan = { ...SINGLE_DEVICE_PLAN, tp: TP };

/** One device's decode step: the TP shard of the graph, with the device's footprint. */
function deviceGraph(batch: number, context: number): OpGraph {
  const g = buildGraph(spec, { phase: 'decode', batch, context });
  const ops = shardStage(g.ops, { plan, dModel: 4096, wireBytes: 2, tokens: batch }).ops;
  const kvHeads = (ops.find((o) => o.kind === 'attention') as AttentionOp).kvHeads;
  return { ...g, ops, meta: deviceMeta({ graph: g, ops, plan, layers: stageLayers(spec.layers, 1)[0]!, firstStage: true, lastStage: true, kvHeads }) };
}

interface Point {
  batch: number;
  context: number;
  fits: boolean;
  vsNpuOnly: number;
  vsNaive: number;
  interleaved: boolean;
  pimOverNpu: number;
}
const BATCHES = [32, 64, 128, 256, 512];
const CONTEXTS = [64, 128, SHAREGPT, 512, 1024];
const grid: Point[] = [];
for (const batch of BATCHES) {
  for (const context of CONTEXTS) {
    const g = deviceGraph(batch, context);
    const full = scheduleGraph(g, neu, fp16);
    grid.push({
      batch,
      context,
      fits: run(g, neu, fp16, { ignoreCapacity: true, totalsOnly: true }).memory.fits,
      vsNpuOnly: scheduleGraph(g, npuOnly, fp16).seconds / full.seconds,
      vsNaive: scheduleGraph(g, naive, fp16).seconds / full.seconds,
      interleaved: full.breakdown['subBatchInterleaved'] === 1,
      pimOverNpu: full.pimBusySeconds / full.hostBusySeconds,
    });
  }
}
const at = (batch: number, context: number) => grid.find((p) => p.batch === batch && p.context === context)!;
const within15 = (x: number, p: number) => Math.abs(x / p - 1) <= 0.15;

describe('NeuPIMs in its evaluation setting (GPT-3 7B, TP 4 per device, ShareGPT mean context)', () => {
  it('the setting is the sourced one: TP 4, 8 local heads, mean context 308; TP 4 makes batch 512 × 308 fit a 32 GiB device (one device holds batch 128 × 308 at most)', () => {
    expect([TP, SHAREGPT, INTERLEAVE_FROM]).toEqual([4, 308, 256]);
    expect((deviceGraph(8, 64).ops.find((o) => o.kind === 'attention') as AttentionOp).heads).toBe(8);
    expect(at(512, SHAREGPT).fits).toBe(true);
    expect(at(512, 512).fits).toBe(false);
    const whole = buildGraph(spec, { phase: 'decode', batch: 256, context: SHAREGPT });
    expect(run(whole, neu, fp16, { ignoreCapacity: true, totalsOnly: true }).memory.fits).toBe(false);
  });

  it(`reproduced: the scheduler interleaves sub-batches exactly from batch ${INTERLEAVE_FROM} (the authors' rule), at every context — smaller sub-batches under-fill the NPU's 128-wide stationary tiles`, () => {
    for (const p of grid) expect(p.interleaved, `b${p.batch} ctx${p.context}`).toBe(p.batch >= INTERLEAVE_FROM);
    // Below the threshold NeuPIMs = naive NPU+PIM with dual row buffers: they only hide the KV append.
    for (const p of grid.filter((q) => q.batch < INTERLEAVE_FROM)) {
      expect(p.vsNaive).toBeGreaterThanOrEqual(1);
      expect(p.vsNaive).toBeLessThan(1.01);
    }
  });

  it('reproduced (shape): at every batch the gain over NPU-only grows with the context, and at a fixed context it grows with the batch up to 256', () => {
    for (const batch of BATCHES) {
      const row = grid.filter((p) => p.batch === batch);
      for (let i = 1; i < row.length; i++) expect(row[i]!.vsNpuOnly, `b${batch} ctx${row[i]!.context}`).toBeGreaterThan(row[i - 1]!.vsNpuOnly);
    }
    for (const context of CONTEXTS) {
      const col = grid.filter((p) => p.context === context && p.batch <= 256);
      for (let i = 1; i < col.length; i++) expect(col[i]!.vsNpuOnly, `ctx${context} b${col[i]!.batch}`).toBeGreaterThan(col[i - 1]!.vsNpuOnly);
    }
  });

  it('batch 256 on the ShareGPT mean context: 2.4× over NPU-only and 1.6× over naive, each within 15%', () => {
    const p = at(256, SHAREGPT);
    expect(p.fits).toBe(true);
    expect(within15(p.vsNpuOnly, pub['throughput_vs_npu_only'])).toBe(true);
    expect(within15(p.vsNaive, pub['throughput_vs_naive_npu_pim'])).toBe(true);
    // Not a lone point: every batch-256 context from 128 to 512 stays within 15% of the 1.6×.
    for (const c of [128, SHAREGPT, 512]) expect(within15(at(256, c).vsNaive, pub['throughput_vs_naive_npu_pim']), `ctx${c}`).toBe(true);
  });

  it("knownGap: at batch 512 the gain over naive is under 1.14× at every context (published 1.6×): PIM is busy under a tenth of the NPU's time at the ShareGPT context, and the overlap of two resources can save at most the smaller one", () => {
    for (const p of grid.filter((q) => q.batch === 512)) expect(p.vsNaive, `ctx${p.context}`).toBeLessThan(1.14);
    const p = at(512, SHAREGPT);
    expect(p.pimOverNpu).toBeLessThan(0.1);
    // Naive = NPU + PIM back to back; interleaved ≥ the NPU's own time: gain ≤ 1 + PIM/NPU.
    expect(p.vsNaive).toBeLessThanOrEqual(1 + p.pimOverNpu + 1e-9);
    // The published 1.6× needs PIM ≥ 0.6 of the NPU's time; the model is 6× short of that.
    expect(1 + p.pimOverNpu).toBeLessThan(pub['throughput_vs_naive_npu_pim'] / 1.4);
  });

  it("knownGap bound at batch 512 × the ShareGPT mean: every effect the sources give, pushed to its limit, keeps the gain over naive under 1.6 / 1.15 — the naive's PIM is NeuPIMs' PIM (same ini timing, one row buffer), the NPU's 512 tokens cost exactly two 256-token batches at NeuPIMs' own tiling", () => {
    const g512 = deviceGraph(512, SHAREGPT);
    const w512 = scheduleGraph(g512, naive, fp16);
    const w256 = scheduleGraph(deviceGraph(256, SHAREGPT), naive, fp16);
    const w128 = scheduleGraph(deviceGraph(128, SHAREGPT), naive, fp16);
    // The naive baseline runs NeuPIMs' PIM with one row buffer (data/reference/pim.json naive_npu_pim_baseline_setup).
    expect(pub['naive_npu_pim_baseline_setup'].pim_row_buffers).toMatch(/single/);
    expect(pub['naive_npu_pim_baseline_setup'].timing).toMatch(/identical/);
    // KV length: decode at the trace's mean seq_len (prompt + generated so far) attends 309 keys.
    expect((g512.ops.find((o) => o.kind === 'attention') as AttentionOp).kvLen).toBe(SHAREGPT + 1);
    // NPU: 512 tokens = 2 × 256 tokens (the same 256 × 256 × 256-class L2 tiles), while 256 tokens
    // cost more than 3 × 128 tokens — so interleaving two 256-token sub-batches saves no NPU time.
    expect(w512.hostBusySeconds / w256.hostBusySeconds).toBeCloseTo(2, 2);
    expect(w256.hostBusySeconds / w128.hostBusySeconds).toBeGreaterThan(3);
    // PIM: even if the naive's requests sat in the most-loaded channel of round-robin placement
    // (their rr traces: up to 2.54 × the mean) and NeuPIMs' were perfectly balanced, the naive
    // step could grow by at most PIM × (2.54 − 1) over NeuPIMs' NPU-bound step.
    const rrMax = Math.max(...pub['sharegpt_channel_load_max_over_mean'].round_robin);
    expect(rrMax).toBeCloseTo(2.539, 3);
    const pimOverNpu = w512.pimBusySeconds / w512.hostBusySeconds;
    const bound = 1 + pimOverNpu * rrMax;
    expect(bound).toBeLessThan(1.26);
    expect(bound).toBeLessThan(pub['throughput_vs_naive_npu_pim'] / 1.15);
    // What 1.6× within 15% would need: PIM ≥ 0.39 of the NPU's time — 4× the model's (1.6× with the round-robin imbalance).
    expect((pub['throughput_vs_naive_npu_pim'] / 1.15 - 1) / rrMax / pimOverNpu).toBeGreaterThan(1.5);
    expect((pub['throughput_vs_naive_npu_pim'] / 1.15 - 1) / pimOverNpu).toBeGreaterThan(3.9);
  });

  it('knownGap (mechanism behind batch 256): the gain over naive there is mostly the NPU running two 128-token sub-batches faster than one 256-token batch, not overlap', () => {
    const g = deviceGraph(256, SHAREGPT);
    const whole = scheduleGraph(g, naive, fp16);
    const inter = scheduleGraph(g, neu, fp16);
    // Both sub-batches' NPU work is less than the whole batch's: the tiling, not the overlap.
    expect(inter.hostBusySeconds).toBeLessThan(0.75 * whole.hostBusySeconds);
    // The overlap alone could give at most 1 + PIM/NPU of the whole batch.
    expect(1 + whole.pimBusySeconds / whole.hostBusySeconds).toBeLessThan(1.2);
  });
});
