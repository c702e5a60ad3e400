/** Measured H100 cuBLAS times (data/measured): median |error| ≤ 10 %, worst ≤ 35 %. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATA } from '../../helpers.ts';
import { gpuTensorCoreModel } from '../../../src/hw/gpu-tensor-core/model.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import type { GemmPoint } from '../../../src/compare/stack-fidelity.ts';
import { gemm, h100 } from './fixtures.ts';

const measured = JSON.parse(readFileSync(resolve(DATA, 'measured/h100-gemm-llama2-7b-fp16-bf16.json'), 'utf8')) as { results: GemmPoint[] };

describe('H100 GEMM fidelity against measured cuBLAS kernel times', () => {
  const arch = h100();
  // The measurement writes a 256 MiB buffer before each call: the L2 starts full of dirty lines.
  const errors = measured.results.map((p) => {
    const r = gpuTensorCoreModel.simulate(gemm(p.M, p.N, p.K), arch, parseQuantScheme(p.dtype), { l2State: 'flushed' });
    return { p, err: r.seconds / p.median_s - 1 };
  });
  const abs = errors.map((e) => Math.abs(e.err)).sort((a, b) => a - b);

  it('covers all 64 measured points', () => {
    expect(errors).toHaveLength(64);
  });
  it('median absolute error ≤ 10 %', () => {
    const median = (abs[31]! + abs[32]!) / 2;
    expect(median).toBeLessThanOrEqual(0.1);
  });
  it('worst-case absolute error ≤ 35 %', () => {
    const worst = errors.reduce((w, e) => (Math.abs(e.err) > Math.abs(w.err) ? e : w));
    expect(Math.abs(worst.err), `${worst.p.shape} M=${worst.p.M} ${worst.p.dtype}`).toBeLessThanOrEqual(0.35);
  });
  it('a clean (cold) L2 is faster than a flushed one for a memory-bound GEMM, never slower for any point', () => {
    for (const { p } of errors) {
      const q = parseQuantScheme(p.dtype);
      const cold = gpuTensorCoreModel.simulate(gemm(p.M, p.N, p.K), arch, q, { l2State: 'cold' }).seconds;
      const flushed = gpuTensorCoreModel.simulate(gemm(p.M, p.N, p.K), arch, q, { l2State: 'flushed' }).seconds;
      expect(cold).toBeLessThanOrEqual(flushed);
    }
    const q = parseQuantScheme('bf16');
    expect(gpuTensorCoreModel.simulate(gemm(1, 4096, 4096), arch, q, { l2State: 'cold' }).seconds).toBeLessThan(
      0.7 * gpuTensorCoreModel.simulate(gemm(1, 4096, 4096), arch, q, { l2State: 'flushed' }).seconds,
    );
  });
});
