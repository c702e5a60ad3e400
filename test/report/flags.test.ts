import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers.ts';
import { runFixture } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-report-flags-'));
const run = join(dir, 'run.json');
writeFileSync(run, JSON.stringify(runFixture('decode')));
const sweep = join(dir, 'sweep.jsonl');
writeFileSync(
  sweep,
  [0, 1]
    .map((i) =>
      JSON.stringify({
        id: `p${i}`,
        index: i,
        spec: 's',
        point: { params: { '/gpu/sms': 66 * (i + 1) } },
        ok: true,
        objectives: { latencySeconds: 1 + i, energyPerTokenJ: 2 - i, tokensPerSecond: 10 },
      }),
    )
    .join('\n') + '\n',
);

describe('report flags that the input would ignore', () => {
  it('sweep-only flags on a run report are an error (were silently ignored), nothing written', async () => {
    const out = join(dir, 'run.html');
    const r = await cli('report', run, '-o', out, '-x', 'latencySeconds', '--title', 't');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*run\.json: --x, --title apply only to sweep reports; this is a run file\n$/);
    expect(existsSync(out)).toBe(false);
    expect((await cli('report', run, '-o', out)).code).toBe(0);
  });

  it('--maximize names must be objectives of the sweep (a typo was silently accepted)', async () => {
    const r = await cli('report', sweep, '-o', join(dir, 's.html'), '--maximize', 'tokensPerSecnd');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--maximize tokensPerSecnd: not a numeric objective of this sweep/);
    expect((await cli('report', sweep, '-o', join(dir, 's.html'), '--maximize', 'tokensPerSecond')).code).toBe(0);
  });

  it('-x and -y the same objective is an error', async () => {
    const r = await cli('report', sweep, '-o', join(dir, 's2.html'), '-x', 'latencySeconds', '-y', 'latencySeconds');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--x and --y are both latencySeconds/);
  });
});
