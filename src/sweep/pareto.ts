/** Pareto dominance and fronts over named objectives (each minimized or maximized). */
import type { ObjectiveDef } from './objectives.ts';

export interface Scored {
  index: number;
  values: number[];
}

/** Values oriented so that smaller is better for every objective. */
export function orient(objectives: Record<string, number | boolean>, defs: ObjectiveDef[]): number[] | undefined {
  const out: number[] = [];
  for (const d of defs) {
    const v = objectives[d.key];
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    out.push(d.goal === 'min' ? v : -v);
  }
  return out;
}

export function dominates(a: number[], b: number[]): boolean {
  let strictly = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) strictly = true;
  }
  return strictly;
}

/** The non-dominated subset, in input order (O(n log n) for 2 objectives, O(n²) otherwise). */
export function paretoFront<T extends Scored>(items: T[]): T[] {
  if (items.length === 0) return [];
  if (items[0]!.values.length === 2) {
    const sorted = [...items].sort((a, b) => a.values[0]! - b.values[0]! || a.values[1]! - b.values[1]! || a.index - b.index);
    const keep = new Set<T>();
    let best = Infinity;
    let lastX = NaN;
    let lastY = NaN;
    for (const it of sorted) {
      const [x, y] = it.values as [number, number];
      if (y < best) {
        keep.add(it);
        best = y;
        lastX = x;
        lastY = y;
      } else if (x === lastX && y === lastY) {
        keep.add(it); // exact ties with a front point stay on the front
      }
    }
    return items.filter((it) => keep.has(it));
  }
  return items.filter((a) => !items.some((b) => b !== a && dominates(b.values, a.values)));
}
