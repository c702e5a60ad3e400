/**
 * Issue 10 targets: a Llama-2-7B decode sweep on the GPU model — points/s with 1 and 2 workers
 * (≥ 1,000 points/s with 2, speed-up ≥ 1.6×), and peak memory flat as the point count grows 10×.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSweepSpec } from '../src/sweep/spec.ts';
import { runSweep } from '../src/sweep/run-sweep.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-bench-sweep-'));

function spec(points: number): string {
  // bandwidth values × 4 quant × 1 workload; bandwidth list sized to reach `points`.
  const bw = Math.ceil(points / 8);
  const f = join(dir, `spec-${points}.json`);
  writeFileSync(f, JSON.stringify({
    arch: resolve('arch-configs/gpu/h100-sxm.json'),
    parameters: [
      { pointer: '/memory/bandwidthBps', logRange: { start: 1e12, stop: 8e12, num: bw } },
      { pointer: '/gpu/sms', values: [66, 132] },
    ],
    quant: ['w16a16', 'w8a8', 'w4a16-g128', 'fp8'],
    workloads: [{ model: resolve('workloads/models/llama-2-7b.json'), phase: 'decode', batch: [8], context: [2048] }],
    strategy: { kind: 'grid' },
  }));
  return f;
}

interface Measured { pps: number; steadyPps: number; startMs: number; peakRssMiB: number; n: number }

async function measure(points: number, workers: number): Promise<Measured> {
  const s = loadSweepSpec(spec(points));
  let peak = process.memoryUsage().rss;
  const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t0 = performance.now();
  let first = 0;
  let firstDone = 0;
  const r = await runSweep(s, {
    out: join(dir, `out-${points}-${workers}-${Date.now()}.jsonl`), workers, chunkSize: 64,
    onProgress: ({ done }) => { if (!first) { first = performance.now() - t0; firstDone = done; } },
  });
  const ms = performance.now() - t0;
  clearInterval(iv);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { pps: (r.evaluated * 1000) / ms, steadyPps: ((r.evaluated - firstDone) * 1000) / (ms - first), startMs: first, peakRssMiB: peak / 2 ** 20, n: r.evaluated };
}

/** Points/s of one process alone, and the sum of two running at once (no pool, no I/O). */
async function machineCeiling(specFile: string): Promise<{ solo: number; pair: number }> {
  const args = ['--import', 'tsx', resolve('bench/sweep-point-loop.ts'), specFile, '3000'];
  const once = () => new Promise<number>((res, rej) => {
    execFile(process.execPath, args, (err, out) => (err ? rej(new Error(err.message, { cause: err })) : res(Number(out.trim()))));
  });
  const solo = await once();
  const [a, b] = await Promise.all([once(), once()]);
  return { solo, pair: a + b };
}

export default async function bench(): Promise<void> {
  const one = await measure(8000, 1);
  const two = await measure(8000, 2);
  console.log(`sweep llama-2-7b decode (GPU model), ${one.n} points, steady state after the first chunk (pool start ${one.startMs.toFixed(0)} / ${two.startMs.toFixed(0)} ms excluded):`);
  console.log(`  1 worker ${one.steadyPps.toFixed(0)} points/s, 2 workers ${two.steadyPps.toFixed(0)} points/s (target ≥ 1000) ${two.steadyPps >= 1000 ? 'OK' : 'MISSED'}, speed-up ${(two.steadyPps / one.steadyPps).toFixed(2)}× (target ≥ 1.6×) ${two.steadyPps / one.steadyPps >= 1.6 ? 'OK' : 'MISSED'}`);
  console.log(`  including pool start: 1 worker ${one.pps.toFixed(0)} points/s, 2 workers ${two.pps.toFixed(0)} points/s`);
  const ceiling = await machineCeiling(spec(8000));
  console.log(`  this machine's ceiling for this work: one process ${ceiling.solo.toFixed(0)} points/s, two concurrent processes ${ceiling.pair.toFixed(0)} points/s together = ${(ceiling.pair / ceiling.solo).toFixed(2)}× (${(os.availableParallelism())} cores)`);
  const small = await measure(2000, 2);
  const big = await measure(20000, 2);
  console.log(`peak RSS: ${small.n} points ${small.peakRssMiB.toFixed(0)} MiB, ${big.n} points ${big.peakRssMiB.toFixed(0)} MiB (ratio ${(big.peakRssMiB / small.peakRssMiB).toFixed(2)}; flat means ≈ 1)`);
}
