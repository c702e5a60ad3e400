/**
 * The Pareto front of a report's two chosen objectives, through the sweep's own dominance code
 * (src/sweep/pareto.ts: a point is on the front when no other point is at least as good in both
 * objectives and strictly better in one; exact duplicates of a front point stay on it).
 * Non-finite points are never on the front.
 */
import { paretoFront } from '../sweep/pareto.ts';
import type { Direction } from './objectives.ts';

/** Indices (into `points`) of the non-dominated points, in order of the first objective. */
export function paretoFront2d(points: readonly { x: number; y: number }[], dirX: Direction, dirY: Direction): number[] {
  const sx = dirX === 'min' ? 1 : -1;
  const sy = dirY === 'min' ? 1 : -1;
  const scored = points
    .map((p, index) => ({ index, values: [sx * p.x, sy * p.y] }))
    .filter((s) => Number.isFinite(s.values[0]) && Number.isFinite(s.values[1]));
  return paretoFront(scored)
    .sort((a, b) => a.values[0]! - b.values[0]! || a.values[1]! - b.values[1]! || a.index - b.index)
    .map((s) => s.index);
}
