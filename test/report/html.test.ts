/**
 * The HTML file is self-contained: the three runtimes inlined, no element that could fetch
 * (script src, link href, img src, url()), a CSP that forbids network access, and data that
 * cannot break out of its <script> element.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';
import { escapeHtml, renderHtml, scriptJson } from '../../src/report/html.ts';
import { renderRunReport } from '../../src/report/run-report.ts';
import { renderSweepReport } from '../../src/report/sweep-report.ts';
import { renderQuantReport } from '../../src/report/quant-report.ts';
import { AccelscopeError } from '../../src/util/errors.ts';
import { formatQuantity } from '../../src/util/format.ts';
import { generateFixture, quantFixture, runFixture, sweepFixture } from './fixtures.ts';

function specsOf(html: string): { id: string; renderer: string; spec: { description: string } }[] {
  const m = /<script type="application\/json" id="accelscope-specs">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m![1]!);
}

describe('renderHtml', () => {
  const html = renderRunReport(runFixture('decode'));

  it('inlinesVegaVegaLiteAndVegaEmbed', () => {
    for (const lib of ['vega', 'vega-lite', 'vega-embed']) expect(html).toContain(`<script data-lib="${lib}">`);
    expect(html).toMatch(/vegaEmbed/);
  });

  it('nothingThatFetches: no src=, href=, url( or @import anywhere in the markup', () => {
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    expect(markup).not.toMatch(/\ssrc\s*=|\shref\s*=|url\(|@import/i);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
  });

  it('cspForbidsNetworkAccess', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).not.toMatch(/https?:/);
  });

  it('dataCannotCloseItsScriptElement', () => {
    const evil = '</script><script>alert(1)</script>';
    const out = renderHtml({ title: evil, summaryHtml: '', sections: [{ id: 'x', title: evil, spec: { data: { values: [{ a: evil }] }, mark: 'point' } }] });
    expect(out.split('</script>').length).toBe(
      renderHtml({ title: 't', summaryHtml: '', sections: [{ id: 'x', title: 't', spec: { data: { values: [] }, mark: 'point' } }] }).split('</script>').length,
    );
    expect(JSON.parse(scriptJson(evil))).toBe(evil);
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });

  it('oneChartPerKindInARunReport', () => {
    expect(specsOf(html).map((s) => s.id)).toEqual(['roofline-0', 'icicle-time-0', 'icicle-energy-0', 'latency', 'energy']);
    const gen = renderRunReport(generateFixture());
    expect(specsOf(gen).map((s) => s.id)).toEqual(['roofline-0', 'icicle-time-0', 'icicle-energy-0', 'latency', 'energy', 'generate-0']);
    const both = renderRunReport([runFixture('prefill'), runFixture('decode')]);
    expect(specsOf(both).map((s) => s.id)).toEqual([
      'roofline-0',
      'roofline-1',
      'icicle-time-0',
      'icicle-energy-0',
      'icicle-time-1',
      'icicle-energy-1',
      'latency',
      'energy',
    ]);
    // Every chart and the op table can be downloaded.
    const dl = JSON.parse(/<script type="application\/json" id="accelscope-downloads">(.*?)<\/script>/s.exec(html)![1]!) as Record<string, unknown[]>;
    for (const id of ['roofline-0', 'icicle-time-0', 'latency', 'energy', 'ops-0']) expect(html).toContain(`<button data-dl="${id}" data-fmt="csv">`);
    // Tables embed their rows; charts offer their spec's data (not embedded twice).
    expect(dl['ops-0']).toHaveLength(runFixture('decode').ops.length);
    expect(dl['latency']).toBeUndefined();
  });
});

describe('committed examples (reports/examples, scripts/regenerate-report-examples.ts)', () => {
  it('coverEveryChartKindAndStayOffline', () => {
    const ids = ['run', 'sweep', 'quant'].flatMap((n) => {
      const html = readFileSync(resolve(ROOT, 'reports/examples', `${n}.html`), 'utf8');
      expect(html).toContain("connect-src 'none'");
      return specsOf(html).map((s) => s.id.replace(/-\d+$/, ''));
    });
    for (const kind of ['roofline', 'latency', 'energy', 'generate', 'pareto', 'params', 'quant-tradeoff', 'quant-memory']) expect(ids).toContain(kind);
  });
});

describe('summary table', () => {
  it('runSummaryNamesWorkloadArchQuantThroughputLatencyEnergyMemoryAndCalibration', () => {
    const r = runFixture('decode');
    const html = renderRunReport(r);
    const summary = /<table id="summary">(.*?)<\/table>/s.exec(html)![1]!;
    for (const label of ['workload', 'arch', 'quant', 'tokens/s', 'latency', 'energy per token', 'memory footprint'])
      expect(summary).toContain(`<b>${label}</b>`);
    expect(summary).toContain(formatQuantity(r.totals.tokensPerSecond, 'tokens/s'));
    expect(summary).toMatch(/\d k tokens\/s/);
    expect(summary).toContain('of 80 GiB');
    expect(html).toMatch(/id="calibration"/);
  });

  it('calibrationFactorsAreListedWithTheirSources', () => {
    const r = {
      ...runFixture('decode'),
      calibration: [{ name: 'gemmEfficiency', value: 0.83, source: 'fit to measured H100 GEMMs (reference/measured)', description: 'achieved / peak' }],
    };
    const html = renderRunReport(r);
    const cal = /<table id="calibration">(.*?)<\/table>/s.exec(html)![1]!;
    expect(cal).toContain('gemmEfficiency');
    expect(cal).toContain('0.83');
    expect(cal).toContain('fit to measured H100 GEMMs (reference/measured)');
  });

  it('doesNotFitIsFlagged', () => {
    const r = runFixture('decode');
    const html = renderRunReport({ ...r, memory: { ...r.memory, capacityBytes: r.memory.totalBytes - 1, fits: false } });
    expect(html).toContain('<span class="bad">does not fit</span>');
  });
});

describe('sweep and quant reports', () => {
  const lines = sweepFixture();

  it('sweepReportHasParetoParamsAndTheInfeasibleList', () => {
    const html = renderSweepReport(lines);
    expect(specsOf(html).map((s) => s.id)).toEqual(['pareto', 'params']);
    const bad = lines.filter((l) => !l.ok);
    expect(bad.length).toBeGreaterThan(0);
    const table = /<table id="infeasible">(.*?)<\/table>/s.exec(html)![1]!;
    expect(table.match(/<tr>/g)!.length - 1).toBe(bad.length);
    expect(html).toContain(`Infeasible points (${bad.length})`);
  });

  it('allInfeasibleSweepHasNoChartsButListsEveryPoint', () => {
    const bad = lines.filter((l) => !l.ok);
    const html = renderSweepReport(bad);
    expect(specsOf(html)).toEqual([]);
    expect(/<table id="infeasible">(.*?)<\/table>/s.exec(html)![1]!.match(/<tr>/g)!.length - 1).toBe(bad.length);
  });

  it('unknownObjectiveIsAUserError', () => {
    expect(() => renderSweepReport(lines, { x: 'nope' })).toThrow(AccelscopeError);
    expect(() => renderSweepReport(lines, { y: 'fits' })).toThrow(/--y fits: not a numeric objective of this sweep/);
  });

  it('largeSweepsRenderToCanvas', () => {
    const small = specsOf(renderSweepReport(lines));
    expect(small.find((s) => s.id === 'pareto')!.renderer).toBe('svg');
  });

  it('quantReportListsEveryRowAndChartsSupportedOnes', () => {
    const q = quantFixture();
    const html = renderQuantReport(q);
    expect(specsOf(html).map((s) => s.id)).toEqual(['quant-tradeoff', 'quant-memory']);
    const table = /<table id="summary">(.*?)<\/table>/s.exec(html)![1]!;
    expect(table.match(/<tr>/g)!.length - 1).toBe(q.rows.length);
    expect(table).toContain('no: no binary datapath on this arch');
  });
});
