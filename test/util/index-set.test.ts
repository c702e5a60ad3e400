import { describe, expect, it } from 'vitest';
import { IndexSet } from '../../src/util/index-set.ts';

describe('IndexSet', () => {
  it('holds the same indices as a Set, counts each once and iterates them in ascending order', () => {
    let s = 12345;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const ref = new Set<number>();
    const b = new IndexSet();
    for (let k = 0; k < 5000; k++) {
      const i = Math.floor(rnd() * 20_000);
      ref.add(i);
      b.add(i);
    }
    expect(b.size).toBe(ref.size);
    expect([...b]).toEqual([...ref].sort((x, y) => x - y));
    for (let i = 0; i < 20_100; i++) expect(b.has(i)).toBe(ref.has(i));
  });

  it('word boundaries: 31, 32 and 1023, 1024 (the first growth) are distinct bits', () => {
    const b = new IndexSet().add(31).add(1024);
    expect([b.has(31), b.has(32), b.has(1023), b.has(1024), b.has(0)]).toEqual([true, false, false, true, false]);
    b.add(32).add(31);
    expect(b.size).toBe(3);
    expect([...b]).toEqual([31, 32, 1024]);
  });

  it('anything but an integer in [0, 2³²) is refused, and never held', () => {
    const b = new IndexSet();
    expect(() => b.add(-1)).toThrow(RangeError);
    expect(() => b.add(1.5)).toThrow(/not 1.5/);
    expect(() => b.add(2 ** 32)).toThrow(RangeError);
    expect([b.has(-1), b.has(1.5), b.has(NaN), b.size]).toEqual([false, false, false, 0]);
  });
});
