/**
 * The one number formatter (src/util/format.ts): SI prefixes with units, three significant
 * digits, no exponents, no bare 'm' for milli — in Node and in vega axis labels alike.
 */
import { describe, expect, it } from 'vitest';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { formatBytes, formatCount, formatNumber, formatPercent, formatQuantity, formatSeconds, vegaFormatExpr, vegaLabelExpr } from '../../src/util/format.ts';

describe('formatQuantity', () => {
  it('theIssueExamples: tokens/s, kJ, ms, TB/s', () => {
    expect(formatQuantity(48230, 'tokens/s')).toBe('48.2 k tokens/s');
    expect(formatQuantity(1080, 'J')).toBe('1.08 kJ');
    expect(formatSeconds(0.001546)).toBe('1.55 ms');
    expect(formatQuantity(8e12, 'B/s')).toBe('8 TB/s');
  });
  it('threeSignificantDigitsAndRoundingIntoTheNextPrefix', () => {
    expect(formatQuantity(123456, 'FLOP')).toBe('123 kFLOP');
    expect(formatQuantity(999.6, 'W')).toBe('1 kW');
    expect(formatQuantity(999.4, 'W')).toBe('999 W');
    expect(formatQuantity(1.2345e9, 'FLOP/s', { digits: 4 })).toBe('1.235 GFLOP/s');
  });
  it('neverAnExponentNorABareMilli: unitless and word units below 1 are decimals', () => {
    for (const v of [0.5, 0.001545, 1e-7, 3.3e-12, 4.5e20, 1e26]) {
      const s = formatQuantity(v);
      expect(s).not.toMatch(/e[+-]?\d/);
      expect(s).not.toMatch(/\dm$|\d m$/);
    }
    expect(formatQuantity(0.5)).toBe('0.5');
    expect(formatQuantity(0.001546)).toBe('0.00155');
    expect(formatQuantity(0.25, 'tokens/s')).toBe('0.25 tokens/s');
    expect(formatQuantity(0.25, 'J')).toBe('250 mJ');
    expect(formatQuantity(7e9, 'params')).toBe('7 G params');
  });
  it('zeroNegativeAndNonFinite', () => {
    expect(formatQuantity(0, 'J')).toBe('0 J');
    expect(formatQuantity(-0.002, 's')).toBe('-2 ms');
    expect(formatQuantity(Number.NaN)).toBe('n/a');
    expect(formatQuantity(Infinity, 's')).toBe('∞');
  });
});

describe('bytes, numbers, percents, counts', () => {
  it('bytesAreBinaryWithThreeDigits', () => {
    expect(formatBytes(80 * 1024 ** 3)).toBe('80 GiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('0.977 KiB');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1000 * 1024 ** 2)).toBe('0.977 GiB');
    expect(formatBytes(999 * 1024 ** 2)).toBe('999 MiB');
    expect(formatBytes(15.234 * 1024 ** 3)).toBe('15.2 GiB');
  });
  it('plainNumbersPercentsCounts', () => {
    expect(formatNumber(12.3456)).toBe('12.3');
    expect(formatNumber(0.000123456)).toBe('0.000123');
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(0.00012345, 3)).toBe('0.012%');
    expect(formatCount(12345)).toBe('12,345');
  });
});

describe('vega labels use the same rules', () => {
  async function tickLabels(unit: string, values: number[]): Promise<string[]> {
    const spec = {
      data: { values: values.map((x) => ({ x })) },
      mark: 'point',
      encoding: { x: { field: 'x', type: 'quantitative', axis: { labelExpr: vegaLabelExpr(unit), title: 't' } } },
    } as TopLevelSpec;
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    return [...svg.matchAll(/role-axis-label.*?<\/g>/gs)].flatMap((m) => [...m[0].matchAll(/>([^<>]+)<\/text>/g)].map((t) => t[1]!));
  }
  it('millisecondAxisReadsMsNotM: "0 s, 2 ms, …" instead of "0m0.5m…"', async () => {
    const labels = await tickLabels('s', [0, 0.008]);
    expect(labels[0]).toBe('0 s');
    expect(labels).toContain('2 ms');
    for (const l of labels) expect(l).toMatch(/^\d+(\.\d+)? (ms|s)$/);
  });
  it('unitlessAxisBelowOneIsDecimal', async () => {
    const labels = await tickLabels('', [0, 0.004]);
    expect(labels).toContain('0.002');
    for (const l of labels) expect(l).not.toMatch(/[mµ]$/);
  });
  it('formatExprMatchesFormatQuantityOnData', async () => {
    const values = [48230, 1080, 0.0123, 8e12, 2e-9, 1380];
    for (const unit of ['s', 'J', 'B/s', 'tokens/s', '']) {
      const spec = {
        data: { values: values.map((v) => ({ v })) },
        transform: [{ calculate: vegaFormatExpr(unit, 'datum.v'), as: 't' }],
        mark: 'text',
        encoding: { text: { field: 't' } },
      } as TopLevelSpec;
      const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
      await view.runAsync();
      const got = (view.data('data_0') as { t: string }[]).map((d) => d.t.replace('−', '-'));
      const want = values.map((v) => (unit === 's' ? formatSeconds(v) : formatQuantity(v, unit)));
      expect(got).toEqual(want);
    }
  });
});
