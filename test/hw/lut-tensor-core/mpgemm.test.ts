import { describe, expect, it } from 'vitest';
import { isLutGemm, mpGemmCounts, tableBuildAdds, tableEntries } from '../../../src/hw/lut-tensor-core/mpgemm.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import type { GemmOp } from '../../../src/workload/graph.ts';

function gemm(m: number, n: number, k: number, extra: Partial<GemmOp> = {}): GemmOp {
  return { id: 'g', name: 'g', kind: 'gemm', cls: 'mlp', layer: 0, phase: 'decode', deps: [], m, n, k, batch: 1, weight: 'layer', bias: false, ...extra };
}

describe('table geometry', () => {
  it('a table of g activations holds 2^g signed sums, 2^(g-1) symmetrized', () => {
    expect(tableEntries(4, false)).toBe(16);
    expect(tableEntries(4, true)).toBe(8);
    expect(tableEntries(1, true)).toBe(1);
  });
  it('incremental build: g-1 adds for the first entry, 1 per further entry', () => {
    expect(tableBuildAdds(4, false)).toBe(3 + 15);
    expect(tableBuildAdds(4, true)).toBe(3 + 7);
  });
});

describe('mpGemmCounts', () => {
  const g4s = { groupSize: 4, symmetrization: true };
  it('counts tables, lookups and plane combines exactly (W2, k a multiple of g)', () => {
    const c = mpGemmCounts(gemm(2, 64, 8), parseQuantScheme('w2a16-g4'), g4s);
    expect(c.planes).toBe(2);
    expect(c.groups).toBe(2);
    expect(c.tables).toBe(4);
    expect(c.precomputeAdds).toBe(4 * 10);
    expect(c.lookups).toBe(2 * 64 * 2 * 2);
    expect(c.accumulates).toBe(c.lookups);
    expect(c.scaleGroups).toBe(2);
    expect(c.planeCombines).toBe(2 * 64 * 2 * 2);
    expect(c.scaleMuls).toBe(2 * 64 * 2);
  });
  it('one activation more than a multiple of g costs a whole extra group', () => {
    const q = parseQuantScheme('w1a16');
    expect(mpGemmCounts(gemm(1, 16, 8), q, g4s).groups).toBe(2);
    expect(mpGemmCounts(gemm(1, 16, 9), q, g4s).groups).toBe(3);
  });
  it('lookups are linear in weight bits; ternary runs as 2 planes', () => {
    const op = gemm(1, 4096, 4096);
    const l = (s: string) => mpGemmCounts(op, parseQuantScheme(s), g4s).lookups;
    const one = l('w1a16');
    expect(l('w2a16-g128')).toBe(2 * one);
    expect(l('w3a16-g128')).toBe(3 * one);
    expect(l('w4a16-g128')).toBe(4 * one);
    expect(l('w1.58a8')).toBe(2 * one);
  });
  it('batch and instances multiply every count', () => {
    const q = parseQuantScheme('w2a16');
    const a = mpGemmCounts(gemm(1, 64, 64), q, g4s);
    const b = mpGemmCounts(gemm(1, 64, 64, { batch: 3, count: 2 }), q, g4s);
    expect(b.lookups).toBe(6 * a.lookups);
    expect(b.tables).toBe(6 * a.tables);
  });
});

describe('isLutGemm', () => {
  const bits = [1, 2, 3, 4];
  it('takes 1-4-bit integer layer weights only', () => {
    expect(isLutGemm(gemm(1, 8, 8), parseQuantScheme('w4a16-g128'), bits)).toBe(true);
    expect(isLutGemm(gemm(1, 8, 8), parseQuantScheme('w1.58a8'), bits)).toBe(true);
    expect(isLutGemm(gemm(1, 8, 8), parseQuantScheme('w8a8'), bits)).toBe(false);
    expect(isLutGemm(gemm(1, 8, 8), parseQuantScheme('w16a16'), bits)).toBe(false);
    expect(isLutGemm(gemm(1, 8, 8), parseQuantScheme('mxfp4'), bits)).toBe(false);
    expect(isLutGemm(gemm(1, 8, 8, { weight: 'aux' }), parseQuantScheme('w2a16'), bits)).toBe(false);
    expect(isLutGemm(gemm(1, 8, 8), parseQuantScheme('w3a16'), [1, 2, 4])).toBe(false);
  });
});
