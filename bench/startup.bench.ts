/**
 * Start-up: wall time of `accelscope formats fp16 --codes --json` (the compiled bin, output
 * discarded) beside a bare `node -e 0`, measured in the same run, interleaved so that both see the
 * same machine load. Target ≤ 3× node -e 0. Also `--version` (start-up alone) and the same command
 * run from the TypeScript sources through tsx (what the bin did before the build step), and a
 * reference: a bare node script that builds the codes as objects and writes them as one
 * pretty-printed 7.9 MB string, as the command did before its output was streamed (one compact
 * code per line, 5.2 MB, src/cli/json-stream.ts). Each figure: median and min of the runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = resolve(ROOT, 'bin/accelscope.js');

function wallMs(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().trim()}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default function bench(): void {
  if (!existsSync(resolve(ROOT, 'dist/accelscope.mjs'))) {
    console.log('dist/accelscope.mjs is missing: run `npm run build` first');
    return;
  }
  const cases: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['accelscope formats fp16 --codes --json', [BIN, 'formats', 'fp16', '--codes', '--json']],
    ['accelscope --version', [BIN, '--version']],
    ['reference: bare script, 7.9 MB pretty JSON', [resolve(ROOT, 'bench/startup-floor.mjs')]],
    ['same formats command from the sources (tsx)', ['--import', 'tsx', resolve(ROOT, 'src/cli/bin.ts'), 'formats', 'fp16', '--codes', '--json']],
  ];
  const runs = 11;
  const times = cases.map(() => [] as number[]);
  for (const [, args] of cases) wallMs(args); // warm the file cache
  for (let i = 0; i < runs; i++) cases.forEach(([, args], j) => times[j]!.push(wallMs(args)));
  const base = median(times[0]!);
  const baseMin = Math.min(...times[0]!);
  console.log(`start-up over ${runs} interleaved runs (wall clock; a loaded machine inflates all of them alike; min is the least disturbed):`);
  cases.forEach(([name], j) => {
    const m = median(times[j]!);
    const lo = Math.min(...times[j]!);
    console.log(
      `  ${name.padEnd(50)} median ${m.toFixed(0).padStart(6)} ms ${(m / base).toFixed(2).padStart(6)}×   min ${lo.toFixed(0).padStart(6)} ms ${(lo / baseMin).toFixed(2).padStart(6)}×  node -e 0`,
    );
  });
  const ratio = median(times[1]!) / base;
  const ratioMin = Math.min(...times[1]!) / baseMin;
  console.log(
    `  formats fp16 --codes --json / node -e 0 = ${ratio.toFixed(2)}× median, ${ratioMin.toFixed(2)}× min (target ≤ 3×) ${ratio <= 3 ? 'OK' : 'MISSED'}`,
  );
}
