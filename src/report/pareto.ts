/**
 * The Pareto front of points in two objectives, each minimized or maximized. A point is on the
 * front when no other point is at least as good in both objectives and strictly better in one;
 * identical points do not dominate each other, so duplicates of a front point are all on it.
 * O(n log n): sort by the first objective, sweep the second.
 */
import type { Direction } from './objectives.ts';

/** Indices (into `points`) of the non-dominated points, in order of the first objective. */
export function paretoFront2d(points: readonly { x: number; y: number }[], dirX: Direction, dirY: Direction): number[] {
  const sx = dirX === 'min' ? 1 : -1;
  const sy = dirY === 'min' ? 1 : -1;
  const order = points
    .map((p, i) => ({ i, x: sx * p.x, y: sy * p.y }))
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x || a.y - b.y || a.i - b.i);
  const front: number[] = [];
  let bestY = Infinity;
  let lastX = NaN;
  let lastY = NaN;
  for (const p of order) {
    if (p.y < bestY) {
      front.push(p.i);
      bestY = p.y;
      lastX = p.x;
      lastY = p.y;
    } else if (p.x === lastX && p.y === lastY) {
      front.push(p.i); // an exact duplicate of the last front point
    }
  }
  return front;
}
