import { describe, expect, it } from 'vitest';
import { deepMerge, getPointer, setPointer } from '../../src/config/merge.ts';

describe('JSON pointers and merges', () => {
  it('setPointer returns a new document and leaves the original untouched', () => {
    const doc = { a: { b: 1, c: [1, 2] }, d: { e: 'x' } };
    const out = setPointer(doc, '/a/b', 5) as typeof doc;
    expect(out.a.b).toBe(5);
    expect(doc.a.b).toBe(1);
    expect(out.d).toBe(doc.d); // untouched subtrees are shared
    expect(setPointer(doc, '/a/c/1', 9)).toEqual({ a: { b: 1, c: [1, 9] }, d: { e: 'x' } });
    expect(setPointer(doc, '/n/m', 3)).toMatchObject({ n: { m: 3 } });
    expect(getPointer(setPointer({}, '/x~1y/z~0', 1), '/x~1y/z~0')).toBe(1);
  });
  it('deepMerge merges objects and replaces arrays and scalars', () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: 3 }, l: [9] })).toEqual({ a: { b: 1, c: 3 }, l: [9] });
  });
});
