/**
 * Opens a report in real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * records console errors and page errors, fails every http(s) request (and records it), waits
 * until the page says every chart rendered, counts the marks of each chart and saves a
 * screenshot under test-artifacts/. Without chromium, browser tests fail in CI and skip locally.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { ROOT } from '../helpers.ts';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';
export const ARTIFACTS = resolve(ROOT, 'test-artifacts');

export async function launch(): Promise<Browser> {
  if (!HAVE_CHROMIUM)
    throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export interface OpenedReport {
  /** Milliseconds from navigation start until every chart reported rendered. */
  openMs: number;
  rendered: string | null;
  consoleErrors: string[];
  /** Every request the page made other than the report file itself. */
  requests: string[];
  /** Per chart id: mark name → item count (from the vega scenegraph). */
  marks: Record<string, Record<string, number>>;
  /** Per chart id: the renderer and the count of drawn SVG elements or canvases. */
  dom: Record<string, { renderer: string; svgMarkElements: number; canvases: number }>;
}

export async function openReport(browser: Browser, htmlFile: string, screenshotName: string): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(htmlFile).href;
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (/^https?:/i.test(u)) return route.abort('blockedbyclient');
    return route.continue();
  });
  try {
    const t0 = Date.now();
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.documentElement.getAttribute('data-rendered') !== null, undefined, { timeout: 20_000 });
    const openMs = Date.now() - t0;
    const rendered = await page.evaluate(() => document.documentElement.getAttribute('data-rendered'));
    const { marks, dom } = await page.evaluate(() => {
      const a = (window as unknown as { __accelscope: { charts: { id: string; renderer: string }[]; marks(id: string): Record<string, number> } }).__accelscope;
      const marks: Record<string, Record<string, number>> = {};
      const dom: Record<string, { renderer: string; svgMarkElements: number; canvases: number }> = {};
      for (const c of a.charts) {
        marks[c.id] = a.marks(c.id);
        const el = document.getElementById(`chart-${c.id}`)!;
        dom[c.id] = {
          renderer: c.renderer,
          svgMarkElements: el.querySelectorAll('svg g.role-mark > *').length,
          canvases: el.querySelectorAll('canvas').length,
        };
      }
      return { marks, dom };
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, `${screenshotName}.png`), fullPage: true });
    return { openMs, rendered, consoleErrors, requests, marks, dom };
  } finally {
    await page.close();
  }
}
