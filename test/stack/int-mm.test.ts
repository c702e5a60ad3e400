/**
 * torch._int_mm under --stack pytorch (stacks/gpu/pytorch.json gemm[0], docs/models/software-stacks.md
 * § INT8): the cuBLASLt IMMA family on the CUTLASS sm80 s8·s8→s32 tile set with its warp layouts,
 * no split-K (PyTorch passes a zero workspace), M padded to 32, int32 output.
 */
import { describe, expect, it } from 'vitest';
import { shippedFiles } from '../../src/catalog/shipped.ts';
import { loadStack } from '../../src/config/load-stack.ts';
import { loadArch } from '../../src/config/load.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { gpuTensorCoreModel, type GpuArchConfig } from '../../src/hw/gpu-tensor-core/model.ts';
import { gemmOp } from '../../src/compare/stack-fidelity.ts';
import { archPath } from '../helpers.ts';
import type { Stack } from '../../src/stack/schema.ts';

const pytorch = loadStack(shippedFiles('stacks').find((f) => f.name === 'pytorch')!.path);
const h100 = loadArch(archPath('gpu/h100-sxm.json')) as GpuArchConfig;
const w8a8 = parseQuantScheme('w8a8');
const sim = (m: number, n: number, k: number, st: Stack = pytorch) =>
  gpuTensorCoreModel.simulate(gemmOp(m, n, k), h100, w8a8, { l2State: 'flushed', stack: st });
const b = (r: ReturnType<typeof sim>, key: string) => r.breakdown![key]!;

describe('torch._int_mm kernel family (cuBLASLt IMMA, CUTLASS sm80 int8 tiles)', () => {
  it('ships the CUTLASS GenerateSM80_TensorOp_16832_TN tiles and the cuBLAS xmma IMMA kernels seen by name, with warp tiles from their warp counts', () => {
    const f = pytorch.gemm!.find((g) => g.activations?.includes('int8'))!;
    const names = f.tiles!.map((t) => `${t.m}x${t.n}x${t.k}/${t.stages}`);
    for (const n of ['64x64x64/10', '128x128x64/5', '256x128x64/3', '64x64x128/5']) expect(names, 'CUTLASS').toContain(n);
    for (const n of ['32x64x64/6', '64x64x64/4', '128x128x64/3', '256x128x64/4']) expect(names, 'xmma').toContain(n);
    for (const t of f.tiles!) {
      expect(t.warpM, `${t.m}x${t.n}`).toBeDefined();
      expect(t.m % t.warpM! === 0 && t.n % t.warpN! === 0).toBe(true);
      expect((t.m / t.warpM!) * (t.n / t.warpN!)).toBeGreaterThanOrEqual(4); // 4 or 8 warps per CTA
    }
  });
  it('64x64 tile: 2x2 warps of 32x32 re-read A and B twice per k-step (register bytes exact)', () => {
    const r = sim(128, 4096, 4096);
    expect(`${b(r, 'tileM')}x${b(r, 'tileN')}x${b(r, 'tileK')}`).toBe('64x64x64');
    const steps = 128 * (4096 / 64); // CTAs x k-iterations
    const issuedMacs = steps * 64 * 64 * 64;
    const smemRead = steps * (64 * 64 * 1 * (64 / 32) + 64 * 64 * 1 * (64 / 32));
    // int32 accumulators read and written once per 32 bytes of K (0.25 B per int8 MAC) + fragments in and out of registers
    expect(r.bytes.register).toBe(issuedMacs * 0.25 + 2 * smemRead);
    // one warp owning the whole 64x64 tile would read each operand once: fewer bytes
    expect(r.bytes.register).toBeGreaterThan(issuedMacs * 0.25 + 2 * steps * (64 * 64 + 64 * 64));
  });
  it('CTA count: one column more than a whole number of 64-wide tiles adds a CTA', () => {
    const tile = (n: number) => `${b(sim(32, n, 4096), 'tileM')}x${b(sim(32, n, 4096), 'tileN')}`;
    expect(tile(4096)).toBe('32x64');
    expect(b(sim(32, 4096, 4096), 'ctas')).toBe(64);
    expect(b(sim(32, 4097, 4096), 'ctas')).toBe(65);
    expect(b(sim(32, 4160, 4096), 'ctas')).toBe(65);
    expect(b(sim(32, 4161, 4096), 'ctas')).toBe(66);
  });
  it('tile at an M boundary: 32-row tiles through M = 96, 64x64 at 128, 64x128 from M = 129', () => {
    const at = (m: number) => {
      const r = sim(m, 4096, 4096);
      return `${b(r, 'tileM')}x${b(r, 'tileN')} ${b(r, 'ctas')}`;
    };
    expect(at(96)).toBe('32x64 192');
    expect(at(128)).toBe('64x64 128');
    expect(at(129)).toBe('64x128 96');
  });
  it('M pads to 32 rows (torch._int_mm needs M > 16); the FLOPs stay the op’s', () => {
    const r1 = sim(1, 4096, 4096);
    const r32 = sim(32, 4096, 4096);
    expect(r1.seconds).toBe(r32.seconds);
    expect(r1.flops).toBe(2 * 4096 * 4096);
    expect(r1.notes![0]).toMatch(/M padded to 32/);
  });
  it('no split-K: PyTorch calls cublasLtMatmul with a zero workspace; the same family with split-K allowed would split', () => {
    const splitting = { ...pytorch, gemm: pytorch.gemm!.map((f, i) => (i === 0 ? { ...f, splitK: true } : f)) } as Stack;
    const r = sim(128, 1024, 16384);
    const s = sim(128, 1024, 16384, splitting);
    expect(b(r, 'splitK')).toBe(1);
    expect(b(r, 'ctas')).toBe(32);
    expect(b(s, 'splitK')).toBeGreaterThan(1);
    expect(s.seconds).toBeLessThan(r.seconds);
  });
  it('int32 output: 4 bytes per element of C reach DRAM', () => {
    const half = gpuTensorCoreModel.simulate(gemmOp(4096, 4096, 4096), h100, w8a8, {
      l2State: 'cold',
      stack: { ...pytorch, gemm: pytorch.gemm!.map((f, i) => (i === 0 ? { ...f, outputBytes: 2 } : f)) },
    });
    const full = gpuTensorCoreModel.simulate(gemmOp(4096, 4096, 4096), h100, w8a8, { l2State: 'cold', stack: pytorch });
    expect(full.bytes.dram! - half.bytes.dram!).toBe(4096 * 4096 * 2);
  });
});
