/**
 * A sweep report stays bounded in size whatever the sweep's: past REPORT_POINT_LIMIT points the
 * charts, tables and downloads carry every point of the Pareto front plus a uniform systematic
 * sample of the rest (every k-th point in index order), at most the limit in all; the summary
 * and the infeasible-reason counts still cover every point. The front of the sample is the
 * front of the whole sweep (every front point is kept, and any other point is dominated by one
 * of them), so the Pareto chart and table are exact. The rule is stated in the report.
 */
import type { SweepLine } from './inputs.ts';

/** Points a sweep report draws at most (a 5,000-point report is a few MiB). */
export const REPORT_POINT_LIMIT = 5000;

export interface SweepSample {
  lines: SweepLine[];
  /** The sampling rule as stated in the report; absent when every point is shown. */
  rule?: string;
}

export function sampleForReport(lines: readonly SweepLine[], frontIds: ReadonlySet<string>, limit = REPORT_POINT_LIMIT): SweepSample {
  if (lines.length <= limit) return { lines: [...lines] };
  const front = lines.filter((l) => frontIds.has(l.id));
  const rest = lines.filter((l) => !frontIds.has(l.id));
  const stride = sampleStride(lines.length, front.length, limit);
  const keep = new Set(front);
  if (Number.isFinite(stride)) for (let i = 0; i < rest.length; i += stride) keep.add(rest[i]!);
  const shown = lines.filter((l) => keep.has(l));
  return { lines: shown, rule: sampleRule(lines.length, limit, front.length, shown.length) };
}

/** Every how many-th non-front point a sample of `total` points with `front` front points keeps (Infinity: none). */
export function sampleStride(total: number, front: number, limit = REPORT_POINT_LIMIT): number {
  const room = Math.max(0, limit - front);
  return room > 0 ? Math.ceil((total - front) / room) : Infinity;
}

/** The sampling rule as the report states it: `shown` points drawn of `total`, `front` of them on the front. */
export function sampleRule(total: number, limit: number, front: number, shown: number): string {
  const stride = sampleStride(total, front, limit);
  return (
    `${total} points are more than this report draws (${limit}): it shows the ${front} points of the Pareto front` +
    (Number.isFinite(stride) ? ` and every ${ordinal(stride)} other point in index order (${shown - front} of ${total - front})` : '') +
    `, ${shown} in all. The summary and the infeasible reasons count every point; the results file holds every line.`
  );
}

function ordinal(n: number): string {
  if (n === 1) return 'one';
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${s}`;
}
