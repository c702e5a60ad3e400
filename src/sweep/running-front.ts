/**
 * The Pareto front of a stream of points, kept as the points arrive (a results file read once,
 * line by line): the same set as paretoFront (pareto.ts) over all of them — a point stays when no
 * other is at least as good in every objective and strictly better in one; exact duplicates of a
 * front point stay — while holding only the current front. Values are oriented (smaller is better,
 * pareto.ts orient) and finite. Two objectives keep a staircase sorted by the first (a binary
 * search per point); more objectives compare with every front point.
 */
import { dominates } from './pareto.ts';

interface Entry<T> {
  values: number[];
  seq: number;
  item: T;
}

export class RunningFront<T> {
  /** Two objectives: sorted by values[0] ascending, values[1] strictly descending between distinct points (duplicates adjacent). */
  private front: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.front.length;
  }

  /** Offers a point; true when it is on the front of the points so far. */
  add(values: number[], item: T): boolean {
    const e: Entry<T> = { values, seq: this.seq++, item };
    return values.length === 2 ? this.add2(e) : this.addN(e);
  }

  /** The front's items in the order they were added. */
  items(): T[] {
    return [...this.front].sort((a, b) => a.seq - b.seq).map((e) => e.item);
  }

  private add2(e: Entry<T>): boolean {
    const a = this.front;
    const [px, py] = e.values as [number, number];
    // ub: the first point with x > px; a[ub - 1] has the least y of the points with x ≤ px.
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (a[m]!.values[0]! <= px) lo = m + 1;
      else hi = m;
    }
    const ub = lo;
    if (ub > 0) {
      const [fx, fy] = a[ub - 1]!.values as [number, number];
      if (fy < py || (fy === py && fx < px)) return false; // dominated
      if (fy === py) {
        a.splice(ub, 0, e); // an exact duplicate of a front point
        return true;
      }
    }
    // Not dominated: drop the points it dominates — those at x = px (their y is larger) and those
    // at x > px with y ≥ py (a run, since y descends) — and put it in their place.
    let lb = ub;
    while (lb > 0 && a[lb - 1]!.values[0] === px) lb--;
    let end = ub;
    while (end < a.length && a[end]!.values[1]! >= py) end++;
    a.splice(lb, end - lb, e);
    return true;
  }

  private addN(e: Entry<T>): boolean {
    if (this.front.some((f) => dominates(f.values, e.values))) return false;
    this.front = this.front.filter((f) => !dominates(e.values, f.values));
    this.front.push(e);
    return true;
  }
}
