import { describe, expect, it } from 'vitest';
import { busiestUnitItems, ceilDiv, tileCount, tileUtilization, tilesAlong, waves } from '../../src/tiling/tiles.ts';
import { cachedOperandBytes, compulsoryBytes, tileStreamBytes } from '../../src/tiling/traffic.ts';

describe('tiles', () => {
  it('tileThatJustFits: an extent equal to the tile is one tile, one element more is two', () => {
    expect(tilesAlong(128, 128)).toBe(1);
    expect(tilesAlong(129, 128)).toBe(2);
    expect(tilesAlong(0, 128)).toBe(0);
    expect(ceilDiv(7, 2)).toBe(4);
  });
  it('counts tiles over several dimensions and the padding waste', () => {
    expect(tileCount([4096, 11008], [128, 256])).toBe(32 * 43);
    expect(tileUtilization([1, 4096], [64, 64])).toBeCloseTo(1 / 64, 12);
    expect(tileUtilization([128, 256], [128, 256])).toBe(1);
  });
  it('waves quantize: 132 items on 132 units is one wave, 133 is two at ~50% efficiency', () => {
    expect(waves(132, 132)).toMatchObject({ waves: 1, lastWaveItems: 132, efficiency: 1 });
    const w = waves(133, 132);
    expect(w.waves).toBe(2);
    expect(w.lastWaveItems).toBe(1);
    expect(w.efficiency).toBeCloseTo(133 / 264, 12);
    expect(waves(264, 132, 2).waves).toBe(1);
    expect(busiestUnitItems(133, 132)).toBe(2);
    expect(() => waves(1, 0)).toThrow(/units/);
  });
});

describe('loop-nest traffic', () => {
  const e = { m: 4096, n: 4096, k: 4096, batch: 1 };
  const o = { a: 2, b: 2, c: 2, bShared: true };
  it('compulsory bytes read each operand once', () => {
    expect(compulsoryBytes(e, o)).toEqual({ a: 4096 * 4096 * 2, b: 4096 * 4096 * 2, c: 4096 * 4096 * 2 });
  });
  it('tile streams re-read A once per tile column and B once per tile row', () => {
    const s = tileStreamBytes(e, 128, 256, o);
    expect(s.a).toBe(16 * 4096 * 4096 * 2);
    expect(s.b).toBe(32 * 4096 * 4096 * 2);
  });
  it('operands that fit the cache together are read once; otherwise waves re-read them, fewer with bigger waves', () => {
    const fits = cachedOperandBytes(e, 128, 256, o, 132, 1e9);
    expect(fits).toEqual({ a: 4096 * 4096 * 2, b: 4096 * 4096 * 2 });
    const big = { m: 16384, n: 16384, k: 8192, batch: 1 };
    const small = cachedOperandBytes(big, 128, 128, o, 16, 50e6);
    const large = cachedOperandBytes(big, 128, 128, o, 256, 50e6);
    expect(small.a + small.b).toBeGreaterThan(large.a + large.b);
    const comp = compulsoryBytes(big, o);
    const stream = tileStreamBytes(big, 128, 128, o);
    expect(large.a).toBeGreaterThanOrEqual(comp.a);
    expect(small.b).toBeLessThanOrEqual(stream.b);
  });
});
