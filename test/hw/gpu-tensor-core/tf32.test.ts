/**
 * TF32 GEMMs (issue 19): 4-byte operands get CTA tiles whose K-block keeps the bytes of the listed
 * 16-bit tile (k 64 → 32), so they fit shared memory; the boundary of "fits" is exact; and the
 * measured H100 TF32 rows (data/measured/h100-gemm-llama2-7b-int8-tf32.json) are predicted within
 * the GEMM target (median |error| ≤ 6 %, p90 ≤ 20 %).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA } from '../../helpers.ts';
import { gpuTensorCoreModel } from '../../../src/hw/gpu-tensor-core/model.ts';
import { tileForOperands } from '../../../src/hw/gpu-tensor-core/gemm.ts';
import { getFormat } from '../../../src/quant/formats.ts';
import type { QuantScheme } from '../../../src/quant/types.ts';
import type { GemmPoint } from '../../../src/compare/stack-fidelity.ts';
import { bf16, gemm, h100 } from './fixtures.ts';

const tf = getFormat('tf32');
const tf32: QuantScheme = { name: 'tf32', weights: tf, activations: tf, kv: tf, embeddings: getFormat('fp16') };

const measured = JSON.parse(readFileSync(resolve(DATA, 'measured/h100-gemm-llama2-7b-int8-tf32.json'), 'utf8')) as { results: GemmPoint[] };

describe('TF32 GEMMs on tensor-core GPUs', () => {
  it('a 4-byte operand halves the listed k; 16-bit and narrower operands keep it', () => {
    const t = { m: 128, n: 256, k: 64, stages: 4 };
    expect(tileForOperands(t, { a: 4, b: 4, c: 4, bShared: true }).k).toBe(32);
    expect(tileForOperands(t, { a: 2, b: 2, c: 2, bShared: true }).k).toBe(64);
    expect(tileForOperands(t, { a: 1, b: 1, c: 2, bShared: true }).k).toBe(64);
    expect(tileForOperands(t, { a: 2, b: 0.5, c: 2, bShared: true }).k).toBe(64);
  });

  it('simulates on the H100 (no "no CTA tile fits") with a k-32 tile at the tf32 tensor rate', () => {
    const r = gpuTensorCoreModel.simulate(gemm(4096, 4096, 4096), h100(), tf32);
    expect(r.dtype).toBe('tf32');
    expect(r.breakdown!['tileK']).toBe(32);
    // tf32 runs at half the bf16 tensor rate: a large compute-bound GEMM takes about twice as long
    const b = gpuTensorCoreModel.simulate(gemm(4096, 4096, 4096), h100(), bf16);
    expect(r.seconds / b.seconds).toBeGreaterThan(1.8);
    expect(r.seconds / b.seconds).toBeLessThan(2.2);
  });

  it('a tile that exactly fits shared memory runs; one element more (or one byte less) does not', () => {
    // 128×128×64 listed, 6 stages → tf32: 6 · (128·32 + 32·128) · 4 B = 196608 B per CTA
    const one = (m: number, smem: number) => h100({ gpu: { tiles: [{ m, n: 128, k: 64, stages: 6 }], sharedMemoryBytesPerSm: smem } });
    const r = gpuTensorCoreModel.simulate(gemm(1024, 1024, 1024), one(128, 196608), tf32);
    expect(r.breakdown!['ctasPerSm']).toBe(1);
    expect(() => gpuTensorCoreModel.simulate(gemm(1024, 1024, 1024), one(128, 196607), tf32)).toThrow(
      /no CTA tile for dense kernels .* fits its 196607 B .*smallest needs 196608 B/,
    );
    expect(() => gpuTensorCoreModel.simulate(gemm(1024, 1024, 1024), one(129, 196608), tf32)).toThrow(/smallest needs 197376 B/);
  });

  it('measured H100 TF32 rows: median |error| ≤ 6 %, p90 ≤ 20 %', () => {
    const rows = measured.results.filter((p) => p.dtype === 'tf32');
    expect(rows).toHaveLength(32);
    const abs = rows
      .map((p) => Math.abs(gpuTensorCoreModel.simulate(gemm(p.M, p.N, p.K), h100(), tf32, { l2State: 'flushed' }).seconds / p.median_s - 1))
      .sort((a, b) => a - b);
    const median = (abs[15]! + abs[16]!) / 2;
    const p90 = abs[Math.ceil(0.9 * abs.length) - 1]!;
    expect(median).toBeLessThanOrEqual(0.06);
    expect(p90).toBeLessThanOrEqual(0.2);
  });
});
