import { describe, expect, it } from 'vitest';
import { l2Tile, systolicGemm, systolicGemmOp, type SystolicGemm } from '../../../src/hw/pim-dram/systolic.ts';
import type { SystolicHost } from '../../../src/hw/pim-dram/schema.ts';
import type { PimArchConfig } from '../../../src/hw/pim-dram/schema.ts';
import { makeArch } from '../../helpers.ts';
import { hostPart } from '../../../src/hw/pim-dram/model.ts';
import { resolveDram } from '../../../src/hw/pim-dram/dram.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import type { GemmOp } from '../../../src/workload/graph.ts';
import { standaloneGemm } from '../../../src/workload/graph.ts';

// NeuPIMs' NPU: 8 arrays of 128 × 128 at 1 GHz, 1 MiB scratchpad, token tile stationary, arrays in lockstep.
const npu: SystolicHost = { arrays: 8, rows: 128, cols: 128, clockHz: 1e9, scratchpadBytes: 1 << 20, stationary: 'activations', arrayMode: 'broadcast' };
const g = (m: number, k: number, n: number): SystolicGemm => ({ m, k, n, actBytes: 2, weightBytes: 2 });
const FILL = 128 + 128 - 2;

describe('systolic host GEMM timing', () => {
  it('one stationary tile: preload 128 cycles, 128 streamed rows over 8 arrays, fill/drain once = 398 cycles', () => {
    const r = systolicGemm(g(128, 128, 128), npu);
    expect(r.cycles).toBe(128 + 16 + FILL);
    expect(r.stationaryTiles).toBe(1);
    expect(r.bytes).toBe(3 * 128 * 128 * 2);
    expect(r.computeSeconds).toBeCloseTo(398e-9, 15);
  });

  it('independent arrays: each streams all 128 rows of its own tile = 510 cycles', () => {
    expect(systolicGemm(g(128, 128, 128), { ...npu, arrayMode: 'independent' }).cycles).toBe(128 + 128 + FILL);
    // 4 stationary tiles (K = 512, one L2 tile) spread over 8 arrays take one wave; in lockstep, four.
    expect(systolicGemm(g(128, 512, 128), { ...npu, arrayMode: 'independent' }).cycles).toBe(128 + 128 + FILL);
    // In lockstep: four tiles, each next preload hiding the previous tile's one 128-row instruction.
    expect(systolicGemm(g(128, 512, 128), npu).cycles).toBe(4 * 128 + 16 + FILL);
  });

  it("broadcast: the next tile's preload starts `rows` cycles after the previous instruction's start (NeuPIMs issue_ex_inst), hiding the last 128-row instruction's 16 cycles — 128 streamed rows per tile hide whole, 129 leave one cycle", () => {
    // K = 1024 (8 stationary tiles), 128 outputs streamed per tile: 8 × 128 + the last tile's 16 once.
    expect(systolicGemm(g(128, 1024, 128), npu).cycles).toBe(8 * 128 + 16 + FILL);
    // 129 outputs: ⌈129 / 8⌉ = 17 cycles per tile, 16 of them hidden.
    expect(systolicGemm(g(128, 1024, 129), npu).cycles).toBe(8 * (128 + 1) + 16 + FILL);
    // 512 outputs (4 instructions): 64 cycles per tile, the last 16 hidden.
    expect(systolicGemm(g(128, 1024, 512), npu).cycles).toBe(8 * (128 + 48) + 16 + FILL);
  });

  it('a token tile narrower than the array costs the same cycles (half the batch, half the utilization)', () => {
    const full = systolicGemm(g(128, 4096, 4096), npu);
    const half = systolicGemm(g(64, 4096, 4096), npu);
    expect(half.cycles).toBe(full.cycles);
    expect(half.utilization).toBeCloseTo(full.utilization / 2, 12);
  });

  it('weights stationary: tokens stream, so fewer tokens take fewer cycles', () => {
    const ws = { ...npu, stationary: 'weights' as const };
    expect(systolicGemm(g(128, 128, 128), ws).cycles).toBe(128 + 16 + FILL);
    expect(systolicGemm(g(64, 128, 128), ws).cycles).toBe(128 + 8 + FILL);
  });

  it('L2 tile that just fits half the scratchpad (n = 960) vs one output more (n = 961: two tiles)', () => {
    // 128·128·2 + 2 · 128·n·2 ≤ 512 KiB  ⇔  n ≤ 960
    expect(l2Tile(g(128, 128, 960), npu).outer).toEqual([1, 1, 1]);
    expect(systolicGemm(g(128, 128, 960), npu).cycles).toBe(128 + 120 + FILL);
    expect(l2Tile(g(128, 128, 961), npu)).toEqual({ inner: [128, 128, 481], outer: [1, 1, 2] });
    expect(systolicGemm(g(128, 128, 961), npu).cycles).toBe(2 * (128 + 61 - 16) + 16 + FILL);
  });

  it('weights are re-read once per token L2 tile, activations once per output L2 tile', () => {
    // m = 4096 halves to 512 (8 token tiles): W 8 × 32 KiB, x and y once.
    const r = systolicGemm(g(4096, 128, 128), npu);
    expect(l2Tile(g(4096, 128, 128), npu).outer).toEqual([8, 1, 1]);
    expect(r.bytes).toBe(8 * 128 * 128 * 2 + 4096 * 128 * 2 + 4096 * 128 * 2);
  });

  it('an empty GEMM costs nothing', () => {
    expect(systolicGemm(g(0, 128, 128), npu).cycles).toBe(0);
  });

  it('graph ops: a weight matrix is shared by the whole batch; weight-free matmuls are batch separate GEMMs', () => {
    const q = parseQuantScheme('fp16');
    const op: GemmOp = standaloneGemm(1, 128, 128, { name: 'g', cls: 'mlp', phase: 'decode', batch: 128 });
    expect(systolicGemmOp(op, npu, q).breakdown['npuCycles']).toBe(398);
    expect(systolicGemmOp({ ...op, weight: 'none', m: 128, batch: 3 }, npu, q).breakdown['npuCycles']).toBe(3 * 398);
    expect(systolicGemmOp({ ...op, count: 2 }, npu, q).computeSeconds).toBeCloseTo(2 * 398e-9, 15);
  });

  it('the NeuPIMs host runs GEMMs on the arrays: compute-bound at batch 128 where the roofline says memory-bound', () => {
    const c = makeArch<PimArchConfig>('pim/neupims');
    const q = parseQuantScheme('fp16');
    const op: GemmOp = standaloneGemm(1, 16384, 4096, { name: 'g', cls: 'mlp', phase: 'decode', batch: 128 });
    const d = resolveDram(c);
    const sys = hostPart(op, c, q, d);
    const { systolic: _drop, ...plainHost } = c.pim.host;
    const roof = hostPart(op, { ...c, pim: { ...c.pim, host: plainHost } }, q, d);
    expect(roof.bound).toBe('memory');
    expect(sys.bound).toBe('compute');
    expect(sys.seconds).toBeGreaterThan(roof.seconds);
    expect(sys.utilization).toBeLessThan(0.5);
  });
});
