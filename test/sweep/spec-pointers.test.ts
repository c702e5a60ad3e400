/** A sweep parameter that can never produce a valid arch stops the sweep before its first point. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archPath, cli, modelPath, userError } from '../helpers.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-sweep-ptr-'));
function spec(name: string, parameters: object[]): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(
    p,
    JSON.stringify({
      arch: archPath('gpu/h100-sxm'),
      parameters,
      quant: ['w16a16'],
      workloads: [{ model: modelPath('qwen2-0.5b'), phase: 'decode', batch: [1], context: [128] }],
    }),
  );
  return p;
}

describe('sweep parameter pointers', () => {
  it('a misspelt pointer is a one-line spec error at /parameters/i/pointer (was: every point infeasible, exit 0)', async () => {
    const f = spec('typo', [
      { pointer: '/memory/bandwidthBps', values: [1e12] },
      { pointer: '/gpu/smz', values: [66, 132] },
    ]);
    const e = userError(() => loadSweepSpec(f));
    expect(e.pointer).toBe('/parameters/1/pointer');
    expect(e.message).toBe("the arch has no /gpu/smz (/gpu: unknown property 'smz')");
    const out = join(dir, 'typo.jsonl');
    const r = await cli('sweep', f, '--out', out, '--workers', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${f}: /parameters/1/pointer: the arch has no /gpu/smz (/gpu: unknown property 'smz')\n`);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });

  it('a misspelt calibration factor is caught the same way, with the closest name', () => {
    const e = userError(() => loadSweepSpec(spec('cal', [{ pointer: '/calibration/tensorCoreEfficency/value', values: [0.7, 0.9] }])));
    expect(e.pointer).toBe('/parameters/0/pointer');
    expect(e.message).toMatch(/did you mean 'tensorCoreEfficiency'\?/);
  });

  it('values that all fail the schema are a spec error; one valid value keeps the sweep (the others are infeasible points)', () => {
    const e = userError(() => loadSweepSpec(spec('bad', [{ pointer: '/gpu/sms', values: [0, -1] }])));
    expect(e.message).toBe('no value of /gpu/sms passes the arch schema (/gpu/sms: must be >= 1)');
    expect(loadSweepSpec(spec('mixed', [{ pointer: '/gpu/sms', values: [0, 132] }])).parameters).toHaveLength(1);
  });

  it('a pointer to an optional field the base arch lacks is fine (the schema allows it)', () => {
    expect(loadSweepSpec(spec('optional', [{ pointer: '/gpu/maxCtasPerSm', values: [1, 2] }])).parameters).toHaveLength(1);
  });
});
