/**
 * Regenerates the committed report examples in reports/examples/ by running the real pipeline:
 *   run.html    roofline (one per run), latency breakdown, energy breakdown, generate steps
 *               — Qwen2-0.5B decode (batch 8) and a generate request (prefill + decode) on the H100 SXM preset
 *   sweep.html  Pareto scatter, parameter-vs-objective small multiples, infeasible list
 *               — `accelscope sweep reports/examples/sweep-spec.json` (results: sweep.jsonl)
 *   quant.html  formats side by side (cost vs accuracy, memory by format)
 *               — `accelscope quant --json` when that command is registered (results: quant.json),
 *                 else the same comparison built from the engine and the quant codecs
 * Usage: npx tsx scripts/regenerate-report-examples.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadArch, loadModel } from '../src/config/load.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { run } from '../src/engine/run.ts';
import { simulateGenerate } from '../src/engine/generate.ts';
import { parseQuantScheme } from '../src/quant/scheme.ts';
import { main } from '../src/cli/main.ts';
import { captureIo } from '../src/cli/io.ts';
import { COMMANDS } from '../src/cli/commands/index.ts';
import { parseSweepJsonl, renderQuantReport, renderRunReport, renderSweepReport, type QuantComparison } from '../src/report/index.ts';
import { writeFileAtomic } from '../src/util/json-file.ts';
import { quantFixture } from '../test/report/fixtures.ts';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = resolve(ROOT, 'reports/examples');
const MODEL = resolve(ROOT, 'workloads/models/qwen2-0.5b.json');
const ARCH = resolve(ROOT, 'arch-configs/gpu/h100-sxm.json');

function write(name: string, text: string): void {
  writeFileAtomic(resolve(OUT, name), text);
  console.log(`wrote reports/examples/${name} (${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB)`);
}

async function cli(...argv: string[]): Promise<string> {
  const io = captureIo();
  const code = await main(argv, io);
  if (code !== 0) throw new Error(`accelscope ${argv.join(' ')} exited ${code}: ${io.stderr}`);
  return io.stdout;
}

// 1. runs
const spec = loadModel(MODEL);
const arch = loadArch(ARCH);
const q = parseQuantScheme('w16a16');
const decode = run(buildGraph(spec, { phase: 'decode', batch: 8, context: 2048 }), arch, q);
const generate = simulateGenerate(spec, arch, q, { batch: 4, prompt: 256, output: 1024 });
// The generate run holds the prefill's ops and one decode step's; the decode run shows batch 8.
write('run.html', renderRunReport([decode, generate]));

// 2. sweep
const sweepOut = resolve(OUT, 'sweep.jsonl');
await cli('sweep', resolve(OUT, 'sweep-spec.json'), '--out', sweepOut, '--workers', '1');
console.log('wrote reports/examples/sweep.jsonl');
write('sweep.html', renderSweepReport(parseSweepJsonl(readFileSync(sweepOut, 'utf8'), sweepOut), { title: 'accelscope sweep report: Qwen2-0.5B decode on H100 variants' }));

// 3. quant comparison
let cmp: QuantComparison;
if (COMMANDS.some((c) => c.command === 'quant')) {
  cmp = JSON.parse(await cli('quant', '--model', MODEL, '--arch', ARCH, '--phase', 'decode', '--batch', '8', '--context', '2048', '--json')) as QuantComparison;
  write('quant.json', JSON.stringify(cmp, null, 2) + '\n');
} else {
  console.log('(no quant command registered yet: building the comparison from the engine and the quant codecs)');
  cmp = quantFixture();
}
write('quant.html', renderQuantReport(cmp));
