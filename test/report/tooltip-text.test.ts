/**
 * Sweep-chart tooltips print through the one formatter: the Pareto scatter's and the parameter
 * panels' tooltips read `2.32 ms` / `4.1 mJ` (formatSeconds / formatQuantity of the point's value),
 * never d3's bare `2.319m` (issue #24: no "m" for milli without a unit).
 */
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { sweepTable } from '../../src/report/sweep-table.ts';
import { paretoData, paretoSpec } from '../../src/report/charts/pareto.ts';
import { paramsSpec } from '../../src/report/charts/params.ts';
import { formatNumber, formatQuantity, formatSeconds } from '../../src/util/format.ts';
import type { VlSpec } from '../../src/report/charts/common.ts';
import { quantFixture, sweepFixture } from './fixtures.ts';
import { quantTradeoffSpec, tradeoffRows } from '../../src/report/charts/quant-tradeoff.ts';

interface Item {
  tooltip?: Record<string, unknown>;
  items?: Node[];
}
interface Node {
  marktype?: string;
  name?: string;
  items: Item[];
}

/** Every tooltip of the items of marks whose name ends with `suffix`, as the page would compute them. */
async function tooltips(spec: VlSpec, suffix: string): Promise<Record<string, unknown>[]> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  await view.runAsync();
  const out: Record<string, unknown>[] = [];
  const walk = (n: Node | undefined): void => {
    if (!n) return;
    for (const it of n.items ?? []) {
      if (n.marktype && n.marktype !== 'group' && n.name?.endsWith(suffix) && it.tooltip) out.push(it.tooltip);
      for (const c of it.items ?? []) walk(c);
    }
  };
  walk((view.scenegraph() as unknown as { root: Node }).root);
  view.finalize();
  return out;
}

describe('sweep tooltips', () => {
  const t = sweepTable(sweepFixture());
  const o = { x: 'latencySeconds', y: 'energyPerTokenJ' };

  it('paretoTooltipEqualsTheFormatter', async () => {
    const d = paretoData(t, o);
    const tips = await tooltips(paretoSpec(t, o), 'front_marks');
    expect(tips).toHaveLength(d.front.length);
    for (const [i, p] of d.front.entries()) {
      const tip = tips.find((x) => x['id'] === p.id)!;
      expect(tip, `front point ${i}`).toBeDefined();
      expect(tip[d.x.title]).toBe(formatSeconds(p.x));
      expect(tip[d.y.title]).toBe(formatQuantity(p.y, 'J'));
    }
  });

  it('paramPanelTooltipsCarryTheUnitNeverABareMilli', async () => {
    const tips = await tooltips(paramsSpec(t, { objectives: ['latencySeconds'] }), '_points_marks');
    expect(tips.length).toBeGreaterThan(0);
    const rows = new Map(t.rows.map((r) => [r.id, r]));
    for (const tip of tips) {
      const v = rows.get(tip['id'] as string)!['o_latencySeconds'] as number;
      const text = Object.entries(tip).find(([k]) => k.startsWith('latency'))![1];
      expect(text).toBe(formatSeconds(v));
      expect(text).toMatch(/ (µs|ms|s)$/);
    }
  });

  it('quantTradeoffTooltipsUseTheFormatterNoExponent', async () => {
    const q = quantFixture();
    const rows = tradeoffRows(q);
    const tips = await tooltips(quantTradeoffSpec(q), 'latencySeconds_points_marks');
    expect(tips).toHaveLength(rows.filter((r) => typeof r.latencySeconds === 'number').length);
    for (const tip of tips) {
      const r = rows.find((x) => x.format === tip['format'] && x.archName === tip['arch'])!;
      expect(Object.values(tip)).toContain(formatSeconds(r.latencySeconds!));
      if (typeof r.relError === 'number') expect(tip['relative error']).toBe(formatNumber(r.relError));
      for (const v of Object.values(tip)) expect(String(v)).not.toMatch(/\de[+-]\d/);
    }
  });
});
