/**
 * Issue 25 targets, measured on the compiled CLI (`node bin/accelscope.js sweep`, start-up
 * included) over a 10,000-point Llama-2-7B decode sweep on the H100 model:
 *   - points/s with 1 and 2 workers (target ≥ 5,000 with 2) and CPU time per point (target
 *     ≤ 0.3 ms per point per core: every thread's CPU time over the points);
 *   - the 1→2 worker speed-up against this machine's ceiling for the same work: two independent
 *     single-worker processes run at once vs one alone (target: speed-up ≥ 90% of the ceiling);
 *   - peak RSS of a 10⁴- and a 10⁶-point sweep (target: within 1.2×; the 10⁶ run takes minutes;
 *     ACCELSCOPE_BENCH_SWEEP_BIG=100000 runs a smaller "big" sweep instead).
 * Needs the build (npm run build; npm ci runs it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'accelscope-bench-sweep-'));

/** A grid of `points` points: bandwidth × SMs × 4 quant schemes × batch 8, decode at context 2048. */
function spec(points: number): string {
  const extra = points > 400_000 ? [{ pointer: '/gpu/clockHz', values: [1.5e9, 1.6e9, 1.7e9, 1.8e9, 1.98e9] }] : [];
  const bw = points / 8 / (extra.length ? 5 : 1);
  const f = join(dir, `spec-${points}.json`);
  writeFileSync(
    f,
    JSON.stringify({
      arch: join(ROOT, 'arch-configs/gpu/h100-sxm.json'),
      parameters: [{ pointer: '/memory/bandwidthBps', logRange: { start: 1e12, stop: 8e12, num: bw } }, { pointer: '/gpu/sms', values: [66, 132] }, ...extra],
      quant: ['w16a16', 'w8a8', 'w4a16-g128', 'fp8'],
      workloads: [{ model: join(ROOT, 'workloads/models/llama-2-7b.json'), phase: 'decode', batch: [8], context: [2048] }],
      strategy: { kind: 'grid' },
    }),
  );
  return f;
}

interface Run {
  seconds: number;
  cpuMs: number;
  maxRssMiB: number;
  out: string;
}

/** One `accelscope sweep` process: wall time from spawn to exit, its CPU time and peak RSS. */
function sweep(specFile: string, workers: number, tag: string, env: Record<string, string> = {}): Promise<Run> {
  const out = join(dir, `out-${tag}.jsonl`);
  const usage = join(dir, `usage-${tag}.json`);
  const t0 = performance.now();
  return new Promise((res, rej) => {
    const p = spawn(
      process.execPath,
      ['--import', join(ROOT, 'bench/cpu-usage.mjs'), join(ROOT, 'bin/accelscope.js'), 'sweep', specFile, '--out', out, '--workers', String(workers)],
      {
        env: { ...process.env, ...env, ACCELSCOPE_BENCH_USAGE: usage },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) return rej(new Error(`sweep exited ${code}: ${err.slice(-400)}`));
      const u = JSON.parse(readFileSync(usage, 'utf8')) as { cpuMs: number; maxRssKiB: number };
      res({ seconds, cpuMs: u.cpuMs, maxRssMiB: u.maxRssKiB / 1024, out });
    });
  });
}

const f0 = (v: number) => v.toFixed(0);

export default async function bench(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/accelscope.mjs'))) throw new Error('dist/accelscope.mjs is missing: npm run build');
  const n = 10_000;
  const s = spec(n);
  const one = await sweep(s, 1, 'w1');
  const two = await sweep(s, 2, 'w2');
  const same = readFileSync(one.out).equals(readFileSync(two.out));
  const [a, b] = await Promise.all([sweep(s, 1, 'pa'), sweep(s, 1, 'pb')]);
  const pair = Math.max(a.seconds, b.seconds);
  const pps1 = n / one.seconds;
  const pps2 = n / two.seconds;
  const speedup = pps2 / pps1;
  const ceiling = (2 * n) / pair / pps1;
  console.log(
    `sweep llama-2-7b decode on the H100 model, ${n} points, compiled CLI, start-up included (${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}):`,
  );
  console.log(`  1 worker  ${f0(pps1)} points/s, CPU ${(one.cpuMs / n).toFixed(3)} ms/point (all threads), ${one.seconds.toFixed(2)} s`);
  console.log(
    `  2 workers ${f0(pps2)} points/s (target ≥ 5000) ${pps2 >= 5000 ? 'OK' : 'MISSED'}, CPU ${(two.cpuMs / n).toFixed(3)} ms/point (target ≤ 0.3) ${two.cpuMs / n <= 0.3 ? 'OK' : 'MISSED'}, ${two.seconds.toFixed(2)} s`,
  );
  console.log(
    `  speed-up 1→2 workers ${speedup.toFixed(2)}×; ceiling (two 1-worker processes at once vs one alone) ${ceiling.toFixed(2)}×; speed-up / ceiling ${((100 * speedup) / ceiling).toFixed(0)}% (target ≥ 90%) ${speedup / ceiling >= 0.9 ? 'OK' : 'MISSED'}`,
  );
  console.log(`  results with 1 and 2 workers byte-identical: ${same ? 'yes' : 'NO'}`);
  // The sweep's V8 compiler settings (src/sweep/v8-tuning.ts) off, for comparison.
  const plain = await sweep(s, 2, 'w2-plain', { ACCELSCOPE_SWEEP_V8_TUNING: '0' });
  console.log(
    `  2 workers without the sweep's V8 settings (ACCELSCOPE_SWEEP_V8_TUNING=0): ${f0(n / plain.seconds)} points/s, CPU ${(plain.cpuMs / n).toFixed(3)} ms/point, ${plain.seconds.toFixed(2)} s; same results: ${readFileSync(plain.out).equals(readFileSync(two.out)) ? 'yes' : 'NO'}`,
  );
  const big = Number(process.env['ACCELSCOPE_BENCH_SWEEP_BIG'] ?? 1_000_000);
  const r4 = await sweep(s, 2, 'rss4');
  const rBig = await sweep(spec(big), 2, 'rssBig');
  const bigBytes = statSync(rBig.out).size;
  rmSync(rBig.out, { force: true });
  console.log(
    `peak RSS with 2 workers: ${n} points ${f0(r4.maxRssMiB)} MiB, ${big} points ${f0(rBig.maxRssMiB)} MiB (ratio ${(rBig.maxRssMiB / r4.maxRssMiB).toFixed(2)}, target ≤ 1.2) ${rBig.maxRssMiB / r4.maxRssMiB <= 1.2 ? 'OK' : 'MISSED'}; the ${big}-point run: ${f0(big / rBig.seconds)} points/s, ${(bigBytes / 2 ** 20).toFixed(0)} MiB of results`,
  );
  rmSync(dir, { recursive: true, force: true });
}
