/**
 * Reports opened in real headless Chromium: no console errors, no request leaves the page, every
 * chart renders with the expected number of marks (from the vega scenegraph, and as DOM elements
 * for SVG charts), a screenshot per report under test-artifacts/, and a 10,000-point sweep report
 * renders every point (its opening time is measured by bench/report-browser.bench.ts). Without
 * chromium these fail in CI (CI=true) and are skipped locally.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { renderRunReport } from '../../src/report/run-report.ts';
import { renderSweepReport } from '../../src/report/sweep-report.ts';
import { renderQuantReport } from '../../src/report/quant-report.ts';
import { rooflineData } from '../../src/report/charts/roofline.ts';
import { latencyRows } from '../../src/report/charts/latency.ts';
import { energyRows } from '../../src/report/charts/energy.ts';
import { paretoData } from '../../src/report/charts/pareto.ts';
import { shownParams } from '../../src/report/charts/params.ts';
import { tradeoffRows } from '../../src/report/charts/quant-tradeoff.ts';
import { quantMemoryRows } from '../../src/report/charts/quant-memory.ts';
import { sweepTable } from '../../src/report/sweep-table.ts';
import { sampleForReport } from '../../src/report/sweep-sample.ts';
import { ARTIFACTS, HAVE_CHROMIUM, IN_CI, launch, openReport, type OpenedReport } from './browser.ts';
import { bigSweep, generateFixture, quantFixture, runFixture, sweepFixture } from './fixtures.ts';

const suite = HAVE_CHROMIUM || IN_CI ? describe : describe.skip;

function write(name: string, html: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const f = resolve(ARTIFACTS, `${name}.html`);
  writeFileSync(f, html);
  return f;
}

function expectClean(r: OpenedReport): void {
  expect(r.rendered).toBe('true');
  expect(r.consoleErrors).toEqual([]);
  expect(r.requests).toEqual([]);
}

suite('reports in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('runReport: roofline, latency, energy and generate charts render with every mark', async () => {
    const prefill = runFixture('prefill');
    const gen = generateFixture();
    const runs = [prefill, gen];
    const r = await openReport(browser, write('run-report', renderRunReport(runs)), 'run-report');
    expectClean(r);
    runs.forEach((run, i) => {
      const d = rooflineData(run);
      expect(r.marks[`roofline-${i}`]).toMatchObject({ ops_marks: d.points.length, ceilings_marks: d.ceilings.length, links_marks: d.links.length });
      expect(r.dom[`roofline-${i}`]!.svgMarkElements).toBeGreaterThanOrEqual(d.points.length + d.ceilings.length);
    });
    expect(r.marks['latency']!['latency_marks']).toBe(latencyRows(runs).length);
    expect(r.marks['energy']!['energy_marks']).toBe(energyRows(runs).length);
    const stepMarks = Object.values(r.marks['generate-1']!).reduce((a, b) => a + b, 0);
    expect(stepMarks).toBe(2 * gen.generate.steps.length); // line vertices + points
    for (const c of Object.values(r.dom)) expect(c.canvases).toBe(0);
  });

  it('sweepReport: Pareto scatter and parameter small multiples', async () => {
    const lines = sweepFixture();
    const t = sweepTable(lines);
    const r = await openReport(browser, write('sweep-report', renderSweepReport(lines)), 'sweep-report');
    expectClean(r);
    const d = paretoData(t, { x: 'latencySeconds', y: 'energyPerTokenJ' });
    expect(r.marks['pareto']).toMatchObject({ front_marks: d.front.length, points_marks: d.points.length - d.front.length });
    const panels = Object.entries(r.marks['params']!).filter(([k]) => k.endsWith('_points_marks'));
    expect(panels).toHaveLength(2 * shownParams(t).length);
    expect(r.dom['pareto']!.svgMarkElements).toBeGreaterThanOrEqual(d.points.length);
  });

  it('quantReport: formats side by side', async () => {
    const q = quantFixture();
    const r = await openReport(browser, write('quant-report', renderQuantReport(q)), 'quant-report');
    expectClean(r);
    expect(r.marks['quant-tradeoff']!['latencySeconds_points_marks']).toBe(tradeoffRows(q).length);
    expect(r.marks['quant-memory']!['memory_marks']).toBe(quantMemoryRows(q).length);
  });

  // Functional only: its opening time (target < 3 s) is a figure of `npm run bench -- report`
  // (bench/report-browser.bench.ts), not a timed assertion that a loaded CI machine would flake.
  it('tenThousandPointSweepRendersEveryPoint', async () => {
    const lines = bigSweep(10_000);
    const file = write('sweep-10k', renderSweepReport(lines));
    const r = await openReport(browser, file, 'sweep-10k');
    expectClean(r);
    // Past REPORT_POINT_LIMIT the report draws the whole front plus a stated uniform sample
    // (src/report/sweep-sample.ts): every drawn point is one of the sample's feasible points.
    const front = paretoData(sweepTable(lines), { x: 'latencySeconds', y: 'energyPerTokenJ' }).front;
    const sample = sampleForReport(lines, new Set(front.map((p) => p.id)));
    expect(sample.rule).toMatch(/^10000 points are more than this report draws \(5000\)/);
    const pm = r.marks['pareto']!;
    expect(pm['front_marks']).toBe(front.length);
    expect(pm['points_marks']! + pm['front_marks']!).toBe(sample.lines.filter((l) => l.ok).length);
    expect(r.dom['pareto']!.canvases).toBe(1);
    // past 2,000 points the small multiples are summarized: a range rule per value or bin, drawn as SVG
    const ranges = Object.entries(r.marks['params']!).filter(([k]) => k.endsWith('_range_marks'));
    expect(ranges).toHaveLength(2 * 3);
    for (const [, n] of ranges) expect(n).toBeGreaterThan(0);
    expect(r.dom['params']!.svgMarkElements).toBeGreaterThan(0);
  });
});
