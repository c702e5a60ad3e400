/** Shape helpers shared by the trace and ONNX importers (numpy broadcasting, element counts). */
import type { Shape } from './types.ts';

export function numel(s: Shape): number {
  return s.reduce((a, b) => a * b, 1);
}

/** Numpy-style broadcast of shapes; undefined when they do not broadcast. */
export function broadcast(...shapes: Shape[]): Shape | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) return undefined;
      d = v;
    }
    out.push(d);
  }
  return out;
}

export function sameShape(a: Shape | undefined, b: Shape | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

export function last(s: Shape): number {
  return s.length ? s[s.length - 1]! : 1;
}

/** Normalizes a possibly negative axis. */
export function axis(a: number, rank: number): number {
  return a < 0 ? a + rank : a;
}
