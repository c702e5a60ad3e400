/**
 * Strings from inputs stay text in a report opened in real headless Chromium: a model name, arch
 * name, op name and sweep parameter holding `</script>`, an event handler or a `javascript:` URL
 * run nothing and appear verbatim. Without chromium this fails in CI (CI=true) and is skipped locally.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { renderRunReport } from '../../src/report/run-report.ts';
import { renderSweepReport } from '../../src/report/sweep-report.ts';
import { ARTIFACTS, HAVE_CHROMIUM, IN_CI, launch } from '../report/browser.ts';
import { runFixture, sweepFixture } from '../report/fixtures.ts';

const suite = HAVE_CHROMIUM || IN_CI ? describe : describe.skip;
const EVIL = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"\'&<!--';

suite('HTML reports escape every string from an input (Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, html: string): Promise<{ pwned: unknown; errors: string[]; text: string }> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const f = resolve(ARTIFACTS, `${name}.html`);
    writeFileSync(f, html);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await page.goto(pathToFileURL(f).href, { waitUntil: 'load' });
      await page.waitForFunction(() => document.documentElement.getAttribute('data-rendered') !== null, undefined, { timeout: 20_000 });
      await page.waitForTimeout(200);
      return {
        pwned: await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned),
        errors,
        text: await page.evaluate(() => document.body.innerText),
      };
    } finally {
      await page.close();
    }
  }

  it('a run whose model, arch and op names hold </script> and handlers', async () => {
    const run = runFixture('decode');
    run.workload.model = EVIL;
    run.arch.name = EVIL;
    run.ops[0]!.name = EVIL;
    const r = await open('escape-run', renderRunReport(run));
    expect(r.pwned).toBeUndefined();
    expect(r.errors).toEqual([]);
    expect(r.text).toContain('</script><script>window.__pwned=1</script>');
  }, 60_000);

  it('a sweep whose model name and parameter value hold </script>', async () => {
    const lines = sweepFixture().map((l) => ({
      ...l,
      point: { ...l.point, workload: { ...l.point.workload, model: EVIL }, params: { ...l.point.params, '/name': EVIL } },
    }));
    const r = await open('escape-sweep', renderSweepReport(lines, { title: EVIL }));
    expect(r.pwned).toBeUndefined();
    expect(r.errors).toEqual([]);
    expect(r.text).toContain('window.__pwned=1');
  }, 60_000);
});
