import { describe, expect, it } from 'vitest';
import { errorProxy } from '../../src/numeric/error-proxy.ts';
import { parseQuantScheme, NAMED_SCHEMES } from '../../src/quant/scheme.ts';
import { errorStats, relFrobenius } from '../../src/numeric/metrics.ts';
import { referenceGemm } from '../../src/numeric/gemm.ts';
import { Rng } from '../../src/numeric/rng.ts';

const proxy = (s: string) => errorProxy(parseQuantScheme(s), { M: 8, N: 64, K: 256 });

describe('error proxy', () => {
  it('runs for every scheme name the grammar and the named list offer', () => {
    for (const s of [
      'w16a16',
      'w8a8',
      'fp8',
      'w4a16-g128',
      'mxfp4',
      'nvfp4',
      'fp6',
      'w2a16-g64',
      'w1.58a8',
      'w8a8-kv8',
      'w4a16-kv4',
      'w4a4',
      ...NAMED_SCHEMES,
    ]) {
      const r = proxy(s);
      expect(Number.isFinite(r.sqnrDb), s).toBe(true);
      expect(r.sqnrDb).toBeCloseTo(-20 * Math.log10(r.relFrobeniusError), 9);
    }
  });
  it('is deterministic for a seed and changes with it', () => {
    expect(proxy('mxfp4')).toEqual(proxy('mxfp4'));
    expect(errorProxy(parseQuantScheme('mxfp4'), { M: 8, N: 64, K: 256, seed: 2 }).sqnrDb).not.toBe(proxy('mxfp4').sqnrDb);
  });
  it('fewer weight bits lose signal: w8a16 > w4a16-g128 > w2a16-g64, fp16 > all', () => {
    const [w16, w8, w4, w2] = ['w16a16', 'w8a16', 'w4a16-g128', 'w2a16-g64'].map((s) => proxy(s).sqnrDb);
    expect(w16).toBeGreaterThan(w8!);
    expect(w8).toBeGreaterThan(w4!);
    expect(w4).toBeGreaterThan(w2!);
  });
  it('smaller groups help: int4 g32 > g128 > per-channel', () => {
    const [g32, g128, pc] = ['w4a16-g32', 'w4a16-g128', 'w4a16'].map((s) => proxy(s).sqnrDb);
    expect(g32).toBeGreaterThan(g128!);
    expect(g128).toBeGreaterThan(pc!);
  });
  it('a finer block scale helps 4-bit floats: nvfp4 (16, E4M3 scale) > mxfp4 (32, E8M0)', () => {
    expect(proxy('nvfp4').sqnrDb).toBeGreaterThan(proxy('mxfp4').sqnrDb);
  });
});

describe('metrics', () => {
  it('SQNR of a known error and relative Frobenius', () => {
    const ref = [3, 4];
    const c = [3, 4.5];
    expect(relFrobenius(c, ref)).toBeCloseTo(0.1, 12);
    expect(errorStats(c, ref).sqnrDb).toBeCloseTo(20, 9);
    expect(errorStats(ref, ref).sqnrDb).toBe(Infinity);
    expect(errorStats([NaN, 4], ref).nonFinite).toBe(1);
  });
  it('reference GEMM is exact on integers (2^52 range)', () => {
    const a = Float64Array.of(2 ** 20, 3);
    const w = Float64Array.of(2 ** 31, -5);
    expect(referenceGemm(a, w, { M: 1, N: 1, K: 2 }).c[0]).toBe(2 ** 51 - 15);
  });
  it('rng: same seed, same stream', () => {
    const x = new Rng(42);
    const y = new Rng(42);
    for (let i = 0; i < 5; i++) expect(x.normal()).toBe(y.normal());
    expect(new Rng(1).next()).not.toBe(new Rng(2).next());
  });
});
