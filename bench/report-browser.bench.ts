/**
 * Opening a 10,000-point sweep report in headless Chromium (Debian's chromium through
 * playwright-core, as test/report/browser.test.ts opens it): navigation start until every chart
 * says it rendered, over several page loads in one browser. Target < 3 s. The browser test checks
 * that every point is drawn; the time is this figure, not a test assertion, because a loaded
 * machine stretches it. Without chromium it says so and prints nothing else.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSweepReport } from '../src/report/index.ts';
import { bigSweep } from '../test/report/fixtures.ts';
import { CHROMIUM, HAVE_CHROMIUM, launch, openReport } from '../test/report/browser.ts';

const TARGET_MS = 3000;
const RUNS = 5;

export default async function bench(): Promise<void> {
  if (!HAVE_CHROMIUM) {
    console.log(`10,000-point sweep report in Chromium: skipped, no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  const lines = bigSweep(10_000);
  const file = join(mkdtempSync(join(tmpdir(), 'accelscope-bench-')), 'sweep-10k.html');
  writeFileSync(file, renderSweepReport(lines));
  const browser = await launch();
  try {
    await openReport(browser, file, 'sweep-10k-bench'); // warm-up: first launch of the renderer
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await openReport(browser, file, 'sweep-10k-bench');
      if (r.rendered !== 'true' || r.consoleErrors.length)
        throw new Error(`the 10k report did not render cleanly: ${r.rendered} ${r.consoleErrors.join('; ')}`);
      ms.push(r.openMs);
    }
    ms.sort((a, b) => a - b);
    const median = ms[Math.floor(ms.length / 2)]!;
    console.log(
      `10,000-point sweep report opened and rendered in Chromium: median ${median} ms, min ${ms[0]} ms over ${RUNS} loads (target < ${TARGET_MS} ms) ${median < TARGET_MS ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await browser.close();
  }
}
