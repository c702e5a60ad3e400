import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archPath, cli, modelPath, ROOT } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-sweep-out-'));
const spec = join(dir, 'spec.json');
writeFileSync(
  spec,
  JSON.stringify({
    name: 'out-path',
    arch: archPath('gpu/h100-sxm'),
    parameters: [{ pointer: '/gpu/sms', values: [66, 132] }],
    quant: ['w16a16'],
    workloads: [{ model: modelPath('qwen2-0.5b'), phase: 'decode', batch: [1], context: [128] }],
    objectives: ['latency'],
    strategy: { kind: 'grid' },
  }),
);

describe('sweep --out is checked before any point runs', () => {
  it('an --out that is a directory is a one-line error (was: the whole sweep ran, then a stack trace)', async () => {
    const out = join(dir, 'results');
    mkdirSync(out);
    const r = await cli('sweep', spec, '--out', out, '--workers', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${out}: is a directory; name a results file (JSON lines)\n`);
    expect(readdirSync(out)).toEqual([]);
  });

  it('--workers 0 is rejected before the sweep header is printed', async () => {
    const r = await cli('sweep', spec, '--out', join(dir, 'w0.jsonl'), '--workers', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --workers must be a positive integer (got 0)\n');
  });

  it('an --out under a plain file is a one-line error, nothing written', async () => {
    writeFileSync(join(dir, 'plain'), 'x');
    const r = await cli('sweep', spec, '--out', join(dir, 'plain', 'r.jsonl'), '--workers', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/progress/);
    expect(r.stderr).toMatch(/\nerror: .*plain\/r\.jsonl\.(partial|lock): cannot write file \(E(NOTDIR|EXIST)\)\n$/);
  });
});

describe('a finished results file is the same bytes whatever the worker count', () => {
  it('lines are sorted by point index (streamed in finishing order while running)', async () => {
    const a = join(dir, 'w1.jsonl');
    const b = join(dir, 'w2.jsonl');
    const shipped = join(ROOT, 'workloads/sweeps/h100-decode.json');
    expect((await cli('sweep', shipped, '--out', a, '--workers', '1')).code).toBe(0);
    expect((await cli('sweep', shipped, '--out', b, '--workers', '2')).code).toBe(0);
    const ta = readFileSync(a, 'utf8');
    expect(readFileSync(b, 'utf8')).toBe(ta);
    expect(
      ta
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).index),
    ).toEqual([...Array(72).keys()]);
    expect(readdirSync(dir).filter((f) => /\.(partial|tmp-\d+)$/.test(f))).toEqual([]);
  }, 60_000);
});

describe('--resume on a finished file', () => {
  it('a shard\'s finished file resumed as the whole sweep evaluates the missing points (was: "done", half the points)', async () => {
    const out = join(dir, 'resume-shard.jsonl');
    expect((await cli('sweep', spec, '--out', out, '--workers', '1', '--shard', '0/2')).code).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(1);
    const r = await cli('sweep', spec, '--out', out, '--workers', '1', '--resume');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/done: 1 points evaluated, 1 resumed/);
    expect(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).index),
    ).toEqual([0, 1]);
    const again = await cli('sweep', spec, '--out', out, '--workers', '1', '--resume');
    expect(again.stderr).toMatch(/done: 0 points evaluated, 2 resumed/);
  }, 60_000);
});
