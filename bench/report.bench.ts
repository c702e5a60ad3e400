/**
 * Issue 11: building reports in Node. A 10,000-point sweep report (synthetic lines; the opening
 * time in Chromium, < 3 s, is measured by bench/report-browser.bench.ts) and a run report of
 * Llama-2-7B decode on H100.
 */
import { loadArch, loadModel } from '../src/config/load.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { run } from '../src/engine/run.ts';
import { parseQuantScheme } from '../src/quant/scheme.ts';
import { renderRunReport, renderSweepReport } from '../src/report/index.ts';
import { bigSweep } from '../test/report/fixtures.ts';
import { timeIt } from './timing.ts';

export default function bench(): void {
  const lines = bigSweep(10_000);
  let bytes = 0;
  const s = timeIt(
    () => {
      bytes = renderSweepReport(lines).length;
    },
    { warmup: 1, runs: 5 },
  );
  console.log(`sweep report, 10,000 points: build median ${s.medianMs.toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KiB of HTML`);
  const r = run(
    buildGraph(loadModel('workloads/models/llama-2-7b.json'), { phase: 'decode', batch: 8, context: 2048 }),
    loadArch('arch-configs/gpu/h100-sxm.json'),
    parseQuantScheme('w16a16'),
  );
  const t = timeIt(
    () => {
      bytes = renderRunReport(r).length;
    },
    { warmup: 1, runs: 5 },
  );
  console.log(`run report, llama-2-7b decode (${r.ops.length} ops): build median ${t.medianMs.toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KiB of HTML`);
}
