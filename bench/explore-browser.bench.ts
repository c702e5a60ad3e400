/**
 * The explorer (`accelscope explore`) in headless Chromium (Debian's chromium through
 * playwright-core, as test/report/browser-interactive.test.ts drives it): each control change
 * recomputes the step in the page and redraws the summary and both charts. Prints, over a
 * sequence of changes (arch, quant, batch, context, model, phase), the in-page simulate time
 * (`data-compute-ms`) and the time until the charts are drawn again (`data-redraw-ms`), each from
 * the change event. Target < 200 ms (issue #24). Without chromium it says so and prints nothing else.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { CHROMIUM, HAVE_CHROMIUM, launch } from '../test/report/browser.ts';
import { main } from '../src/cli/main.ts';
import { captureIo } from '../src/cli/io.ts';

const TARGET_MS = 200;
const ROUNDS = 3;

/** One control change; undefined when the page reports the design cannot run (an error state, not timed). */
async function change(page: Page, f: () => Promise<unknown>): Promise<{ compute: number; redraw: number } | undefined> {
  await page.evaluate(() => document.documentElement.setAttribute('data-state', 'changing'));
  await f();
  await page.waitForFunction(
    () => {
      const s = document.documentElement.getAttribute('data-state');
      return s === 'error' || /^ready-/.test(s ?? '');
    },
    undefined,
    { timeout: 30_000 },
  );
  if ((await page.evaluate(() => document.documentElement.getAttribute('data-state'))) === 'error') return undefined;
  const [compute, redraw] = await page.evaluate(() => [
    Number(document.documentElement.getAttribute('data-compute-ms')),
    Number(document.documentElement.getAttribute('data-redraw-ms')),
  ]);
  return { compute: compute, redraw: redraw };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function bench(): Promise<void> {
  if (!HAVE_CHROMIUM) {
    console.log(`explorer recompute in Chromium: skipped, no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  const file = join(mkdtempSync(join(tmpdir(), 'accelscope-bench-')), 'explore.html');
  const io = captureIo();
  if ((await main(['explore', '-o', file], io)) !== 0) throw new Error(`explore failed: ${io.stderr}`);
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction(() => /^ready-/.test(document.documentElement.getAttribute('data-state') ?? ''), undefined, { timeout: 60_000 });
    // The next option of a select (a change event every time).
    const next = async (sel: string) =>
      page.locator(sel).evaluate((el) => {
        const s = el as HTMLSelectElement;
        return s.options[(s.selectedIndex + 1) % s.options.length]!.value;
      });
    const results: { what: string; compute: number; redraw: number }[] = [];
    let failed = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const steps: [string, () => Promise<unknown>][] = [
        ['arch', async () => page.selectOption('#c-arch', await next('#c-arch'))],
        ['quant', async () => page.selectOption('#c-quant', await next('#c-quant'))],
        ['batch', () => page.fill('#c-batch', String(8 << r))],
        ['context', () => page.fill('#c-tokens', String(1024 << r))],
        ['model', async () => page.selectOption('#c-model', await next('#c-model'))],
        ['phase', async () => page.selectOption('#c-phase', await next('#c-phase'))],
      ];
      for (const [what, f] of steps) {
        const t = await change(page, f);
        if (t) results.push({ what, ...t });
        else failed++;
      }
    }
    const compute = results.map((x) => x.compute);
    const redraw = results.map((x) => x.redraw);
    const worst = results.reduce((a, b) => (b.redraw > a.redraw ? b : a));
    console.log(
      `explorer recompute in Chromium over ${results.length} control changes: simulate median ${median(compute).toFixed(1)} ms, max ${Math.max(...compute).toFixed(1)} ms; ` +
        `recompute + redraw median ${median(redraw).toFixed(1)} ms, max ${worst.redraw.toFixed(1)} ms (${worst.what}) (target < ${TARGET_MS} ms${failed ? `; ${failed} designs the page reported it cannot run, not timed` : ''}) ${Math.max(...redraw) < TARGET_MS ? 'OK' : median(redraw) < TARGET_MS ? 'median OK, max MISSED' : 'MISSED'}`,
    );
    await page.close();
  } finally {
    await browser.close();
  }
}
