import { describe, expect, it } from 'vitest';
import { sampleForReport, REPORT_POINT_LIMIT } from '../../src/report/sweep-sample.ts';
import { renderSweepReport } from '../../src/report/sweep-report.ts';
import { paretoData } from '../../src/report/charts/pareto.ts';
import { sweepTable } from '../../src/report/sweep-table.ts';
import { bigSweep } from './fixtures.ts';

describe('sweep report bounded in size', () => {
  it('at or below the limit every point is shown and no rule is stated', () => {
    const lines = bigSweep(50);
    expect(sampleForReport(lines, new Set(), 50)).toEqual({ lines });
  });

  it('above the limit: every front point plus every k-th other point in index order, at most the limit', () => {
    const lines = bigSweep(1000);
    const front = new Set(['s3', 's500', 's999']);
    const s = sampleForReport(lines, front, 100);
    expect(s.lines.length).toBeLessThanOrEqual(100);
    expect(s.lines.length).toBe(94); // 3 front points + 91 others (997 / 11, rounded up)
    for (const id of front) expect(s.lines.some((l) => l.id === id)).toBe(true);
    // the others: a stride of ⌈997 / 97⌉ = 11 through them, in index order
    const others = s.lines.filter((l) => !front.has(l.id)).map((l) => l.index);
    expect(others.slice(0, 3)).toEqual([0, 12, 23]); // rest[0], rest[11], rest[22]: s3 is on the front
    expect(s.lines.map((l) => l.index)).toEqual([...s.lines.map((l) => l.index)].sort((a, b) => a - b));
    expect(s.rule).toBe(
      '1000 points are more than this report draws (100): it shows the 3 points of the Pareto front and every 11th other point in index order (91 of 997), 94 in all. The summary and the infeasible reasons count every point; the results file holds every line.',
    );
  });

  it('a 40,000-point report is about as large as a 10,000-point one, states the rule, and keeps the whole front', () => {
    const small = renderSweepReport(bigSweep(REPORT_POINT_LIMIT * 2));
    const big = bigSweep(40_000);
    const html = renderSweepReport(big);
    expect(html).toContain('id="sample-rule"');
    expect(html).toContain('40000 points are more than this report draws (5000)');
    // the same drawn points; only the capped infeasible table (1% of the points, at most 200 rows) grows
    expect(html.length).toBeLessThan(small.length * 1.25);
    expect(html.length).toBeLessThan(4 * 2 ** 20);
    const front = paretoData(sweepTable(big), { x: 'latencySeconds', y: 'energyPerTokenJ' }).front;
    expect(front.length).toBeGreaterThan(3);
    for (const p of front) expect(html).toContain(`"${p.id}"`);
    // the summary counts every point
    expect(html).toMatch(/<td[^>]*>points<\/td><td[^>]*>40000</);
  });
});
