/**
 * The interactive parts, driven in Debian's headless Chromium (playwright-core) as a user would:
 * the explorer recomputes in the page and prints what `accelscope simulate` prints for the same
 * inputs, in under 200 ms; a CSV download parses back to the op table; clicking a legend entry
 * hides that op class in the roofline; a side-by-side comparison has one shared time axis; a
 * column heading sorts the op table. Screenshots go to reports/examples/ (committed) when
 * UPDATE_EXAMPLES=1, else to test-artifacts/. Skipped locally without chromium, failing in CI.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, HAVE_CHROMIUM, IN_CI, launch } from './browser.ts';
import { ROOT, cli } from '../helpers.ts';
import { formatBytes, formatQuantity, formatSeconds } from '../../src/util/format.ts';
import { rooflineData } from '../../src/report/charts/roofline.ts';
import type { RunResult } from '../../src/engine/run.ts';
import { parseSweepJsonl, renderQuantReport, renderSweepReport } from '../../src/report/index.ts';
import { sweepTable } from '../../src/report/sweep-table.ts';
import { paretoData } from '../../src/report/charts/pareto.ts';

const suite = HAVE_CHROMIUM || IN_CI ? describe : describe.skip;
const SHOTS = process.env['UPDATE_EXAMPLES'] === '1' ? resolve(ROOT, 'reports/examples') : ARTIFACTS;
const H100 = 'arch-configs/gpu/h100-sxm.json';
const H200 = 'arch-configs/gpu/h200.json';
const LLAMA = 'workloads/models/llama-3-8b.json';

async function open(browser: Browser, file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(file).href;
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url && !r.url().startsWith('blob:')) requests.push(r.url());
  });
  await page.route('**/*', (route) => (/^https?:/i.test(route.request().url()) ? route.abort('blockedbyclient') : route.continue()));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests };
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [],
    cell = '',
    q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

suite('interactive reports in headless Chromium', () => {
  let browser: Browser;
  const dir = resolve(ARTIFACTS, 'interactive');
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('explorer: changing arch, quant, batch and context recomputes in the page what the CLI prints, in < 200 ms', async () => {
    const file = resolve(dir, 'explore.html');
    const w = await cli('explore', '-o', file);
    expect(w.code).toBe(0);
    const { page, errors, requests } = await open(browser, file);
    try {
      await page.waitForFunction(() => /^ready-/.test(document.documentElement.getAttribute('data-state') ?? ''), undefined, { timeout: 30_000 });
      const figure = (k: string) => page.locator(`td[data-figure="${k}"]`).textContent();
      const check = async (arch: string, quant: string, batch: number, context: number) => {
        const r = JSON.parse(
          (
            await cli(
              'simulate',
              '--arch',
              arch,
              '--model',
              LLAMA,
              '--batch',
              String(batch),
              '--context',
              String(context),
              '--quant',
              quant,
              '--json',
              '--ignore-capacity',
            )
          ).stdout,
        ) as RunResult;
        expect(await figure('time per step')).toBe(formatSeconds(r.totals.seconds));
        expect(await figure('tokens/s')).toBe(formatQuantity(r.totals.tokensPerSecond, 'tokens/s'));
        expect(await figure('energy per token')).toBe(formatQuantity(r.totals.energyPerTokenJ, 'J'));
        expect(await figure('DRAM bytes')).toBe(formatBytes(r.totals.bytes));
        return r;
      };
      const first = await check(H100, 'w16a16', 1, 2048);
      const times: number[] = [];
      const change = async (f: () => Promise<unknown>) => {
        const before = await page.evaluate(() => document.documentElement.getAttribute('data-state'));
        await f();
        await page.waitForFunction(
          (b) => {
            const s = document.documentElement.getAttribute('data-state');
            return s !== b && /^ready-/.test(s ?? '');
          },
          before,
          { timeout: 20_000 },
        );
        times.push(Number(await page.evaluate(() => document.documentElement.getAttribute('data-compute-ms'))));
      };
      const archIndex = await page.evaluate(
        (f) => (window as unknown as { __explore: { catalog: { archs: { file: string }[] } } }).__explore.catalog.archs.findIndex((a) => a.file === f),
        H200,
      );
      await change(() => page.selectOption('#c-arch', String(archIndex)));
      const second = await check(H200, 'w16a16', 1, 2048);
      expect(second.totals.seconds).toBeLessThan(first.totals.seconds);
      await change(() => page.selectOption('#c-quant', 'w4a16-g128'));
      await check(H200, 'w4a16-g128', 1, 2048);
      const latencySvg = () => page.locator('#chart-latency svg').innerHTML();
      const rooflineSvg = () => page.locator('#chart-roofline svg').innerHTML();
      const [latencyBefore, rooflineBefore] = [await latencySvg(), await rooflineSvg()];
      await change(() => page.fill('#c-batch', '16'));
      await change(() => page.fill('#c-tokens', '4096'));
      await check(H200, 'w4a16-g128', 16, 4096);
      // The latency chart was redrawn for the new design (its bars carry the new times).
      // (batch and context swap the charts' data in the drawn views: src/explore/chart-slot.ts)
      expect(await latencySvg()).not.toBe(latencyBefore);
      expect(await rooflineSvg()).not.toBe(rooflineBefore);
      const bars = await page.locator('#chart-latency svg g.role-mark path').count();
      expect(bars).toBeGreaterThan(0);
      for (const t of times) expect(t).toBeLessThan(200);
      await page.screenshot({ path: resolve(SHOTS, 'explore.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('run report: CSV download parses to every op; a legend click hides a class; a heading sorts the op table', async () => {
    const file = resolve(dir, 'run.html');
    const json = resolve(dir, 'run.json');
    const r = await cli('simulate', '--arch', H100, '--model', LLAMA, '--batch', '8', '--context', '2048', '--json', '--html', file);
    writeFileSync(json, r.stdout);
    const run = JSON.parse(r.stdout) as RunResult;
    const { page, errors, requests } = await open(browser, file);
    try {
      await page.waitForFunction(() => document.documentElement.getAttribute('data-rendered') !== null, undefined, { timeout: 30_000 });
      expect(await page.evaluate(() => document.documentElement.getAttribute('data-rendered'))).toBe('true');
      // Download the op table as CSV through the button, as a user would, and parse it.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-dl="ops-0"][data-fmt="csv"]')]);
      const csv = parseCsv(readFileSync(await download.path(), 'utf8'));
      const header = csv[0]!;
      expect(download.suggestedFilename()).toBe('ops-0.csv');
      expect(csv.length - 1).toBe(run.ops.length);
      const secCol = header.indexOf('seconds');
      expect(csv.slice(1).reduce((s, row) => s + Number(row[secCol]), 0)).toBeCloseTo(
        run.ops.reduce((s, o) => s + o.seconds, 0),
        12,
      );
      expect(csv.slice(1).map((row) => row[header.indexOf('id')])).toEqual(run.ops.map((o) => o.id));
      // JSON download of a chart's data.
      const [dj] = await Promise.all([page.waitForEvent('download'), page.click('button[data-dl="latency"][data-fmt="json"]')]);
      const lat = JSON.parse(readFileSync(await dj.path(), 'utf8')) as { cls: string }[];
      expect(lat.length).toBeGreaterThan(0);
      // Hide 'mlp' from the roofline legend: its marks go transparent, the others stay.
      const opacity = () =>
        page.evaluate(() => {
          const a = (window as unknown as { __accelscope: { views: Record<string, { scenegraph(): { root: unknown } }> } }).__accelscope;
          const out: Record<string, number[]> = {};
          const walk = (n: { marktype?: string; name?: string; items?: unknown[] } | undefined) => {
            if (!n) return;
            if (n.marktype && n.name === 'ops_marks')
              for (const it of n.items as { datum: { cls: string }; opacity: number }[]) (out[it.datum.cls] ??= []).push(it.opacity);
            for (const it of (n.items ?? []) as { items?: unknown[] }[]) (it.items ?? []).forEach((x) => walk(x as never));
            if (!n.marktype) (n.items ?? []).forEach((x) => walk(x as never));
          };
          walk(a.views['roofline-0']!.scenegraph().root as never);
          return out;
        });
      const before = await opacity();
      expect(before['mlp']!.every((o) => o > 0)).toBe(true);
      expect(rooflineData(run).points.filter((p) => p.cls === 'mlp').length).toBe(before['mlp']!.length);
      await page
        .locator('#chart-roofline-0 g.role-legend-symbol path, #chart-roofline-0 g.role-legend-label text')
        .filter({ hasText: /^mlp$/ })
        .first()
        .click();
      await page.waitForTimeout(300);
      const after = await opacity();
      expect(after['mlp']!.every((o) => o === 0)).toBe(true);
      expect(after['attention']!.every((o) => o > 0)).toBe(true);
      // Sort the op table by time, descending: the first row is the slowest op.
      const th = page.locator('#ops-table-0 th[data-key="seconds"]');
      await th.click();
      await th.click();
      const firstTime = await page.locator('#ops-table-0 tbody tr').first().locator('td').nth(6).getAttribute('data-v');
      expect(Number(firstTime)).toBe(Math.max(...run.ops.map((o) => o.seconds)));
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: resolve(SHOTS, 'run-report.png'), fullPage: false });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('comparison: simulate --arch A --arch B --html draws both designs on one shared time axis, headed by the arch', async () => {
    const file = resolve(dir, 'compare.html');
    const r = await cli('simulate', '--arch', H100, '--arch', H200, '--model', LLAMA, '--batch', '8', '--context', '2048', '--json', '--html', file);
    expect(r.code).toBe(0);
    const cmp = JSON.parse(r.stdout) as { differs: string[]; labels: string[]; runs: RunResult[] };
    expect(cmp.differs).toEqual(['arch']);
    const { page, errors } = await open(browser, file);
    try {
      await page.waitForFunction(() => document.documentElement.getAttribute('data-rendered') !== null, undefined, { timeout: 30_000 });
      const heads = await page.locator('#summary thead th').allTextContents();
      expect(heads.slice(1)).toEqual(cmp.runs.map((x) => x.arch.name));
      // One x axis for both facet rows: the bar of the slower design is longer in proportion.
      const widths = await page.evaluate(() => {
        const a = (window as unknown as { __accelscope: { views: Record<string, { scenegraph(): { root: unknown } }> } }).__accelscope;
        const out: Record<string, number> = {};
        const walk = (n: { marktype?: string; name?: string; items?: unknown[] } | undefined) => {
          if (!n) return;
          if (n.marktype === 'rect' && n.name === 'latency_marks')
            for (const it of n.items as { datum: { run: string; estimate: string }; width: number }[])
              if (it.datum.estimate === 'cycle model') out[it.datum.run] = (out[it.datum.run] ?? 0) + it.width;
          for (const it of (n.items ?? []) as { items?: unknown[] }[]) (it.items ?? []).forEach((x) => walk(x as never));
        };
        walk(a.views['latency']!.scenegraph().root as never);
        return out;
      });
      const [a, b] = cmp.runs.map((x) => x.totals.seconds);
      expect(widths[cmp.labels[0]!]! / widths[cmp.labels[1]!]!).toBeCloseTo(a! / b!, 2);
      await page.screenshot({ path: resolve(SHOTS, 'compare-report.png'), fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('sweep report: points coloured by quant, the front as a table, a point links to its full result', async () => {
    const lines = parseSweepJsonl(readFileSync(resolve(ROOT, 'reports/examples/sweep.jsonl'), 'utf8'));
    const file = resolve(dir, 'sweep.html');
    writeFileSync(file, renderSweepReport(lines));
    const d = paretoData(sweepTable(lines), { x: 'latencySeconds', y: 'energyPerTokenJ' });
    expect(d.colourBy).toBe('quant');
    const { page, errors, requests } = await open(browser, file);
    try {
      await page.waitForFunction(() => document.documentElement.getAttribute('data-rendered') !== null, undefined, { timeout: 30_000 });
      expect(await page.evaluate(() => document.documentElement.getAttribute('data-rendered'))).toBe('true');
      const legend = await page.locator('#chart-pareto g.role-legend-title text').allTextContents();
      expect(legend).toContain('quant');
      expect(await page.locator('#front-table tbody tr').count()).toBe(d.front.length);
      // A link in the front table shows that point's full result line.
      const id = d.front[0]!.id;
      await page.click(`#front-table a[href="#result-${id}"]`);
      await page.waitForFunction((x) => document.getElementById('result-view')?.getAttribute('data-id') === x, id);
      const shown = JSON.parse((await page.locator('#result-view').textContent())!) as { id: string; objectives: Record<string, number> };
      expect(shown).toEqual(JSON.parse(JSON.stringify(lines.find((l) => l.id === id))));
      // A click on a chart point does the same, through the vega view.
      const mark = page.locator('#chart-pareto g.front_marks path').last();
      const otherId = await mark.evaluate((el) => (el as unknown as { __data__: { datum: { id: string } } }).__data__.datum.id);
      await page.evaluate(() => {
        history.replaceState(null, '', location.pathname);
        document.getElementById('result-view')!.setAttribute('data-id', '');
      });
      await mark.click({ force: true });
      await page.waitForFunction((x) => document.getElementById('result-view')?.getAttribute('data-id') === x, otherId, { timeout: 5000 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: resolve(SHOTS, 'sweep-report.png'), fullPage: false });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('quant report: renders offline (screenshot)', async () => {
    const file = resolve(dir, 'quant.html');
    writeFileSync(file, renderQuantReport(JSON.parse(readFileSync(resolve(ROOT, 'reports/examples/quant.json'), 'utf8'))));
    const { page, errors, requests } = await open(browser, file);
    try {
      await page.waitForFunction(() => document.documentElement.getAttribute('data-rendered') !== null, undefined, { timeout: 30_000 });
      expect(await page.evaluate(() => document.documentElement.getAttribute('data-rendered'))).toBe('true');
      await page.screenshot({ path: resolve(SHOTS, 'quant-report.png'), fullPage: false });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
