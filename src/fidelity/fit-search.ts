/**
 * A bounded, deterministic minimiser for a handful of factors: cyclic coordinate descent, each
 * coordinate searched on [0, 1] (the factor's range mapped by fit-factors.ts) by a coarse grid
 * (robust to the kinks of max(compute, memory) models) and then golden-section search inside the
 * grid cell pair around the best grid point. Sweeps repeat until one improves the objective by
 * less than a relative 1e-9. No randomness: the same inputs give the same point.
 */

export interface SearchOptions {
  gridPoints?: number;
  goldenIterations?: number;
  maxSweeps?: number;
}

export interface SearchResult {
  u: number[];
  value: number;
  evaluations: number;
}

const PHI = (Math.sqrt(5) - 1) / 2;

export function coordinateSearch(f: (u: number[]) => number, start: number[], o: SearchOptions = {}): SearchResult {
  const grid = o.gridPoints ?? 9;
  const golden = o.goldenIterations ?? 18;
  const sweeps = o.maxSweeps ?? 6;
  const cache = new Map<string, number>();
  const evalAt = (u: number[]) => {
    const key = u.map((x) => x.toPrecision(12)).join(',');
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = f(u)));
    return v;
  };
  const u = start.map((x) => Math.min(1, Math.max(0, x)));
  let best = evalAt(u);
  for (let s = 0; s < sweeps; s++) {
    const before = best;
    for (let d = 0; d < u.length; d++) {
      const at = (x: number) => evalAt(u.map((v, i) => (i === d ? x : v)));
      let bx = u[d]!;
      let bv = best;
      for (let g = 0; g < grid; g++) {
        const x = g / (grid - 1);
        const v = at(x);
        if (v < bv) {
          bv = v;
          bx = x;
        }
      }
      // Golden section between the grid neighbours of the best point.
      let a = Math.max(0, bx - 1 / (grid - 1));
      let b = Math.min(1, bx + 1 / (grid - 1));
      let c = b - PHI * (b - a);
      let e = a + PHI * (b - a);
      let fc = at(c);
      let fe = at(e);
      for (let k = 0; k < golden; k++) {
        if (fc <= fe) {
          b = e;
          e = c;
          fe = fc;
          c = b - PHI * (b - a);
          fc = at(c);
        } else {
          a = c;
          c = e;
          fc = fe;
          e = a + PHI * (b - a);
          fe = at(e);
        }
      }
      for (const [x, v] of [
        [c, fc],
        [e, fe],
      ] as const)
        if (v < bv) {
          bv = v;
          bx = x;
        }
      u[d] = bx;
      best = bv;
    }
    if (before - best <= 1e-9 * Math.max(before, 1e-12)) break;
  }
  return { u, value: best, evaluations: cache.size };
}
