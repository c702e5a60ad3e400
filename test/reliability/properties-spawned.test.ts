/**
 * The property tests' cases (cli-cases.ts) on a sample run as real processes of the built CLI
 * (`node bin/accelscope.js …`): the exit code the shell sees, stdout and stderr as written, no
 * stack, no file left behind — what the in-process runs (properties.test.ts) cannot see, such as
 * an exit that bypasses `main`'s return value. ACCELSCOPE_SPAWNED_RUNS cases per generator
 * (default 20), two processes at a time.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers.ts';
import { checkOutcome, GENERATORS, writeCase, type Outcome } from './cli-cases.ts';

const RUNS = Number(process.env['ACCELSCOPE_SPAWNED_RUNS'] ?? 20);
const BIN = join(ROOT, 'bin/accelscope.js');

function spawnCli(argv: string[]): Promise<Outcome> {
  return new Promise((res) => {
    // A generous limit: a 4,095-layer model prints ~70 MB of per-op JSON (~10 s on a loaded 2-core machine).
    execFile(
      process.execPath,
      [BIN, ...argv],
      { cwd: ROOT, maxBuffer: 512 << 20, timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: unknown; killed?: boolean; signal?: string }) | null;
        const code = e ? (typeof e.code === 'number' ? e.code : -1) : 0;
        res({ code, stdout, stderr: code === -1 ? `${stderr}[killed: ${e?.signal ?? e?.message} — no answer within 300 s]` : stderr });
      },
    );
  });
}

const SEEDS = { arch: 121, model: 122, quant: 123, sweep: 124, flags: 125 } as const;

describe(`property test cases as real processes (${RUNS} per generator)`, () => {
  for (const name of Object.keys(GENERATORS) as (keyof typeof GENERATORS)[]) {
    it(`${name}: the process exits 0 with a plausible result or 2 with one line on stderr, nothing on stdout, no stack, no file left`, async () => {
      // Two folders, two cases in flight: each case writes its own files.
      const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), `accelscope-spawn-${name}-`)));
      const cases = dirs.map((d, i) => fc.sample(GENERATORS[name](d), { numRuns: Math.ceil(RUNS / 2), seed: SEEDS[name] + i }));
      await Promise.all(
        dirs.map(async (d, i) => {
          for (const c of cases[i]!.slice(0, i === 0 ? Math.ceil(RUNS / 2) : Math.floor(RUNS / 2))) {
            writeCase(c);
            checkOutcome(c, await spawnCli(c.argv), d);
          }
        }),
      );
    }, 900_000);
  }
});
