/**
 * Property tests (fast-check) through the CLI: generated arch configs, model configs, sweep specs,
 * quant names and flag sets — ACCELSCOPE_PROPERTY_RUNS each (default 1,000) — each written to a
 * file and run as a command line through the CLI's real entry (`main(argv, io)` of
 * src/cli/main.ts, which returns the exit code the process would exit with, stdout and stderr
 * captured) in this process. Every case ends in exit 0 with a finite, physically possible result
 * or in one clean error: exit 2, one line on stderr (naming the file and JSON pointer when a
 * generated file is at fault), nothing on stdout, no stack, no output or temporary file left;
 * Object.prototype is unchanged after every case. The generators: cli-cases.ts; a sample of the
 * same cases runs as real processes in properties-spawned.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers.ts';
import { checkOutcome, GENERATORS, writeCase } from './cli-cases.ts';

const RUNS = Number(process.env['ACCELSCOPE_PROPERTY_RUNS'] ?? 1000);
const PROTO_BEFORE = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

function protoUnchanged(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTO_BEFORE);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

const SEEDS = { arch: 21, model: 22, quant: 23, sweep: 24, flags: 25 } as const;
const WHAT = {
  arch: 'arch configs: a shipped config with 1–3 values replaced, `simulate --arch <file>` (sometimes with --html)',
  model: 'model configs: a shipped HF config with sizes replaced, `simulate --model <file>`',
  quant: 'quant names: any text as `simulate --quant=<text>` on a GPU, an FPGA and a LUT design',
  sweep: 'sweep specs: a generated spec, `sweep <spec> --out <file>` (one shard, or the Pareto budget)',
  flags: 'flag sets: `op gemm` with generated flags',
} as const;

describe(`property tests through the CLI entry (${RUNS} cases each)`, () => {
  for (const name of Object.keys(GENERATORS) as (keyof typeof GENERATORS)[]) {
    it(
      `${WHAT[name]}: exit 0 with a plausible result or exit 2 with one clean line, nothing left behind`,
      async () => {
        const dir = mkdtempSync(join(tmpdir(), `accelscope-prop-${name}-`));
        await fc.assert(
          fc.asyncProperty(GENERATORS[name](dir), async (c) => {
            writeCase(c);
            const r = await cli(...c.argv);
            checkOutcome(c, r, dir);
            protoUnchanged();
          }),
          { numRuns: RUNS, seed: SEEDS[name] },
        );
      },
      name === 'sweep' ? 2_400_000 : 1_200_000,
    ); // a sweep whose spec loads starts its worker pool (~1 s a case here)
  }
});
