/**
 * `accelscope op gemm … --arch A --arch B`: a MAC tensor core doing dequantize-then-MMA (the
 * A100 GPU model) against the LUT Tensor Core on the same GEMM, for W1..W4 × A16/A8.
 */
import { describe, expect, it } from 'vitest';
import { archPath, cli } from '../../helpers.ts';
import type { OpRow } from '../../../src/cli/commands/op.ts';

const GPU = archPath('gpu/a100-sxm-80gb');
const LUT = archPath('lut/lut-tensor-core-a100');
const WEIGHTS: Record<number, string> = { 1: 'binary', 2: 'int2-g128', 3: 'int3-g128', 4: 'int4-g128' };

async function compare(bits: number, dtype: string, m: string): Promise<OpRow[]> {
  const r = await cli(
    'op',
    'gemm',
    '--m',
    m,
    '--n',
    '4096',
    '--k',
    '4096',
    '--dtype',
    dtype,
    '--weights',
    WEIGHTS[bits]!,
    '--arch',
    GPU,
    '--arch',
    LUT,
    '--json',
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as OpRow[];
}

describe('op gemm: MAC tensor core (dequantize-then-MMA) vs LUT Tensor Core', () => {
  for (const dtype of ['fp16', 'int8']) {
    for (const bits of [1, 2, 3, 4]) {
      it(`W${bits} × A${dtype === 'fp16' ? 16 : 8}: one row per arch, the LUT row runs ${bits} bit plane(s)`, async () => {
        const rows = await compare(bits, dtype, '4096');
        expect(rows.map((r) => r.kind)).toEqual(['gpu-tensor-core', 'lut-tensor-core']);
        const [gpu, lut] = rows as [OpRow, OpRow];
        expect(gpu.flops).toBe(lut.flops);
        expect(lut.dtype).toBe(`int${bits}`);
        expect(lut.breakdown?.['planes']).toBe(bits);
        // Table lookup replaces the multiplier: less compute energy than the MAC datapath.
        expect(lut.energyPj.compute).toBeLessThan(gpu.energyPj.compute);
      });
    }
  }

  it('compute-bound W1 × A16: the LUT unit is faster than dequantize-then-MMA', async () => {
    const [gpu, lut] = (await compare(1, 'fp16', '4096')) as [OpRow, OpRow];
    expect(lut.bound).toBe('compute');
    expect(lut.seconds).toBeLessThan(gpu.seconds);
  });

  it('LUT time grows linearly with weight bits when compute-bound; the MAC path does not care', async () => {
    const lutT: number[] = [];
    const gpuT: number[] = [];
    for (const b of [1, 2, 3, 4]) {
      const [gpu, lut] = (await compare(b, 'fp16', '4096')) as [OpRow, OpRow];
      lutT.push(lut.seconds);
      gpuT.push(gpu.seconds);
    }
    for (const b of [2, 3, 4]) expect(lutT[b - 1]! / lutT[0]!).toBeCloseTo(b, 1);
    expect(Math.max(...gpuT) / Math.min(...gpuT)).toBeLessThan(1.2);
  });

  it('decode GEMV (M = 1) is memory-bound on the LUT unit', async () => {
    const [, lut] = (await compare(2, 'fp16', '1')) as [OpRow, OpRow];
    expect(lut.bound).toBe('memory');
  });
});
