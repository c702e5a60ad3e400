/**
 * GPU energy charges the operand delivery its tiling implies (shared-memory tile writes and
 * per-warp re-reads, register accumulator/fragment traffic, L2 and the L2↔SM crossbar wire),
 * all through energy/ (energyOf, memoryEnergy).
 */
import { describe, expect, it } from 'vitest';
import { gpuTensorCoreModel } from '../../../src/hw/gpu-tensor-core/model.ts';
import { gemmTiming } from '../../../src/hw/gpu-tensor-core/gemm.ts';
import { memoryEnergy } from '../../../src/energy/account.ts';
import { run } from '../../../src/engine/run.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { buildFor } from '../../helpers.ts';
import { attention, bf16, fixedClock, gemm, h100, norm, w4 } from './fixtures.ts';

const sim = gpuTensorCoreModel.simulate.bind(gpuTensorCoreModel);
const noSplit = { maxSplits: 1, minKPerSplit: 256 };

describe('GPU operand-delivery energy', () => {
  it('counts shared-memory writes and per-warp-group re-reads exactly (wgmma tile, operands from smem)', () => {
    const arch = h100({ gpu: { tiles: [{ m: 128, n: 128, k: 64, stages: 4, operandSource: 'smem' }], splitK: noSplit } });
    const t = gemmTiming(gemm(1024, 1024, 1024), arch, bf16, 'cold');
    const steps = 8 * 8 * 16;
    // Two warp groups of 64 rows each read all of B; A is read once (warpN = n).
    expect(t.bytes.smemRead).toBe(steps * (128 * 64 * 2 * 1 + 64 * 128 * 2 * 2));
    expect(t.bytes.smem).toBe(steps * (128 * 64 * 2 + 64 * 128 * 2));
    // fp32 accumulators read and written once per 16-deep bf16 MMA instruction; no fragments.
    expect(t.issuedMacs).toBe(1024 ** 3);
    expect(t.bytes.register).toBe((1024 ** 3 * (2 * 4)) / 16);
  });

  it('mma.sync tiles (operands through registers) re-read A per 64-column warp and pay the fragments twice', () => {
    const arch = h100({ gpu: { tiles: [{ m: 128, n: 128, k: 64, stages: 4 }], splitK: noSplit } });
    const t = gemmTiming(gemm(1024, 1024, 1024), arch, bf16, 'cold');
    const steps = 8 * 8 * 16;
    const read = steps * (128 * 64 * 2 * 2 + 64 * 128 * 2 * 2);
    expect(t.bytes.smemRead).toBe(read);
    expect(t.bytes.register).toBe((1024 ** 3 * (2 * 4)) / 16 + 2 * read);
  });

  it('padding rows of an edge tile are issued (and pay accumulators) but not loaded from L2', () => {
    const arch = h100({ gpu: { tiles: [{ m: 64, n: 128, k: 64, stages: 4, operandSource: 'smem' }], splitK: noSplit } });
    const t = gemmTiming(gemm(1, 1024, 1024), arch, bf16, 'cold');
    expect(t.issuedMacs).toBe(64 * 1024 * 1024);
    expect(t.macs).toBe(1024 * 1024);
    expect(t.bytes.smem).toBe(8 * 16 * (1 * 64 * 2 + 64 * 128 * 2));
  });

  it('the L2↔SM wire is charged as noc energy: bytes × l2ToSmWireMm × the table entry, nothing when the distance is absent', () => {
    const op = gemm(2048, 4096, 4096);
    // at one clock: a different wire energy moves the power-limited clock (and its voltage)
    const withWire = fixedClock(h100());
    const without = fixedClock(h100());
    delete without.gpu.l2ToSmWireMm;
    const a = sim(op, withWire, bf16);
    const b = sim(op, without, bf16);
    const pj = memoryEnergy('noc', withWire).appliedPj;
    expect(a.energyPj.onChip - b.energyPj.onChip).toBeCloseTo(a.bytes['l2']! * withWire.gpu.l2ToSmWireMm! * pj, 0);
    expect(a.energyPj.compute).toBe(b.energyPj.compute);
    expect(a.energyPj.offChip).toBe(b.energyPj.offChip);
  });

  it('a smaller tile re-reads more operands and costs more on-chip energy for the same GEMM', () => {
    const op = gemm(4096, 4096, 4096);
    const big = sim(op, h100({ gpu: { tiles: [{ m: 128, n: 256, k: 64, stages: 4, operandSource: 'smem' }], splitK: noSplit } }), bf16);
    const small = sim(op, h100({ gpu: { tiles: [{ m: 64, n: 64, k: 64, stages: 8, operandSource: 'smem' }], splitK: noSplit } }), bf16);
    expect(small.bytes['smem']!).toBeGreaterThan(big.bytes['smem']!);
    expect(small.bytes['l2']!).toBeGreaterThan(big.bytes['l2']!);
    expect(small.energyPj.onChip).toBeGreaterThan(1.5 * big.energyPj.onChip);
    expect(small.energyPj.compute).toBe(big.energyPj.compute);
  });

  it('a weight-only GEMM pays register traffic for the converted operand', () => {
    const arch = h100({
      gpu: { tiles: [{ m: 16, n: 128, k: 128, stages: 4, kernels: ['mixed-input'], dequant: 'overlapped', warpM: 16, warpN: 64 }], splitK: noSplit },
    });
    const t = gemmTiming(gemm(16, 1024, 1024), arch, w4, 'cold');
    const steps = 8 * 8;
    const read = steps * (16 * 128 * 2 * 2 + 128 * 128 * (w4.weights.bitsPerElement / 8) * 1);
    expect(t.bytes.smemRead).toBeCloseTo(read, 6);
    expect(t.bytes.register).toBeCloseTo(16 * 1024 * 1024 * 0.5 + 2 * read + steps * 128 * 128 * 2 * 2, 6);
  });

  it('vector kernels pay the L2 and the wire for the bytes they move', () => {
    const a = sim(norm(64, 4096), h100(), bf16);
    const without = h100();
    delete without.gpu.l2ToSmWireMm;
    const b = sim(norm(64, 4096), without, bf16);
    expect(a.energyPj.onChip).toBeGreaterThan(b.energyPj.onChip);
    expect(b.energyPj.onChip).toBeGreaterThan(0);
  });

  it('H100 llama-2-7b prefill draws more than the MACs and DRAM alone, and stays below the 700 W TDP', () => {
    const r = run(buildFor('llama-2-7b', { phase: 'prefill', batch: 1, seq: 2048 }), h100(), parseQuantScheme('w16a16'));
    const onChip = r.ops.reduce((s, o) => s + o.energyPj.onChip, 0);
    const compute = r.ops.reduce((s, o) => s + o.energyPj.compute, 0);
    expect(onChip).toBeGreaterThan(compute);
    expect(r.totals.averagePowerW).toBeLessThan(700);
  });
});

describe('attention operand delivery', () => {
  it('K/V blocks are written to and read from shared memory once each; accumulators per 16-deep bf16 MMA, plus the softmax operands', () => {
    const r = sim(attention({ qLen: 2048, kvLen: 2048 }), h100(), bf16);
    expect(r.bytes['smem']).toBe(2 * r.bytes['l2']!);
    // 32 heads × 136 blocks of 128 × 128 (16 query blocks, causal), 94 720 softmax lane operations
    // each (attention-schedule.ts softmaxCounts, 128 rows: exp 16 896, FFMA+FADD 32 768, rescale 18 432,
    // max 17 408, F2FP 8 192, shuffles 1 024), + compare/select on the 16 diagonal blocks
    const laneOps = 32 * (136 * 94720 + 16 * 2 * 128 * 128);
    expect(r.breakdown!['softmaxLaneOps']).toBe(laneOps);
    expect(r.bytes['register']).toBe((r.breakdown!['issuedMacs']! * 8 * 2) / 32 + laneOps * 12);
  });
});
