import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, modelPath, ROOT } from '../helpers.ts';
import { parseSizes } from '../../src/cli/commands/op-collective.ts';

describe('op <collective> --system', () => {
  it('prints nccl-tests-style rows; DGX A100 all-reduce of 4 GiB at ~240 GB/s busbw', async () => {
    const r = await cli('op', 'all-reduce', '--system', 'dgx-a100', '--bytes', '4G', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ kind: 'all-reduce', ranks: 8, nodes: 1 });
    expect(doc.rows[0].bytes).toBe(4 * 2 ** 30);
    expect(doc.rows[0].busbwBps / 1e9).toBeCloseTo(239.9, 0);
    expect(doc.rows[0].busbwBps).toBeCloseTo((doc.rows[0].bytes / doc.rows[0].seconds) * 1.75, 0);
  });
  it('--algo forces an algorithm; one the topology lacks is an error listing what it offers', async () => {
    const ring = await cli('op', 'all-reduce', '--system', 'dgx-h100', '--bytes', '1G', '--algo', 'ring', '--json');
    const nvls = await cli('op', 'all-reduce', '--system', 'dgx-h100', '--bytes', '1G', '--json');
    expect(JSON.parse(nvls.stdout).rows[0].algorithm).toBe('nvls');
    expect(JSON.parse(ring.stdout).rows[0].seconds).toBeGreaterThan(JSON.parse(nvls.stdout).rows[0].seconds);
    const bad = await cli('op', 'all-reduce', '--system', 'dgx-a100', '--bytes', '1G', '--algo', 'nvls');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--algo nvls: not offered .* \(offered: ring\)/);
  });
  it('sizes parse with binary suffixes; bad sizes, ranks and flags are one-line errors', async () => {
    expect(parseSizes('8,64K,1M,2G')).toEqual([8, 65536, 2 ** 20, 2 * 2 ** 30]);
    for (const [args, re] of [
      [['--system', 'dgx-h100', '--bytes', '1X'], /--bytes takes sizes/],
      [['--system', 'dgx-h100', '--ranks', '9'], /--ranks must be an integer from 1 to 8/],
      [['--bytes', '8'], /needs --system/],
      [['--system', 'dgx-h100', '--arch', 'x.json'], /does not take --arch/],
    ] as [string[], RegExp][]) {
      const r = await cli('op', 'all-gather', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
    }
  });
});

describe('op gemm|attention --system --tp', () => {
  it('column split: N / tp, no communication; row split: K / tp plus an all-reduce of the M × N partial sums', async () => {
    const col = JSON.parse(
      (await cli('op', 'gemm', '--system', 'dgx-h100', '--tp', '8', '--m', '16', '--n', '8192', '--k', '8192', '--dtype', 'fp16', '--json')).stdout,
    )[0];
    expect(col.shape).toMatchObject({ m: 16, n: 1024, k: 8192 });
    expect(col.collective).toBeUndefined();
    expect(col.flops).toBe(2 * 16 * 1024 * 8192);
    const row = JSON.parse(
      (await cli('op', 'gemm', '--system', 'dgx-h100', '--tp', '8', '--split', 'row', '--m', '16', '--n', '8192', '--k', '8192', '--dtype', 'fp16', '--json'))
        .stdout,
    )[0];
    expect(row.shape).toMatchObject({ m: 16, n: 8192, k: 1024 });
    expect(row.collective).toMatchObject({ kind: 'all-reduce', bytes: 16 * 8192 * 2, ranks: 8 });
    expect(row.totalSeconds).toBeCloseTo(row.seconds + row.collective.seconds, 15);
  });
  it('attention splits the heads (GQA: KV heads replicated when fewer than tp)', async () => {
    const r = JSON.parse(
      (
        await cli(
          'op',
          'attention',
          '--system',
          'dgx-h100',
          '--tp',
          '8',
          '--heads',
          '32',
          '--kv-heads',
          '4',
          '--head-dim',
          '128',
          '--context',
          '1024',
          '--json',
        )
      ).stdout,
    )[0];
    expect(r.shape).toMatchObject({ heads: 4, kvHeads: 1 });
  });
  it('errors: an indivisible split names the flag; --tp without --system; --arch with --system', async () => {
    const a = await cli('op', 'gemm', '--system', 'dgx-h100', '--tp', '3', '--m', '16', '--n', '8192', '--k', '8192');
    expect(a.stderr).toMatch(/--n 8192 is not divisible by 3/);
    expect((await cli('op', 'gemm', '--tp', '2', '--arch', 'x.json', '--m', '1', '--n', '1', '--k', '1')).stderr).toMatch(/--tp needs --system/);
    expect((await cli('op', 'gemm', '--system', 'dgx-h100', '--arch', 'x.json', '--m', '1', '--n', '1', '--k', '1')).stderr).toMatch(/give --arch or --system/);
  });
});

describe('quant --system', () => {
  it('one row per format on the system; fp8 halves the layer weights per device (the vocabulary tables stay 16-bit)', async () => {
    const r = await cli(
      'quant',
      '--model',
      modelPath('llama-3-70b'),
      '--system',
      'dgx-h100',
      '--tp',
      '8',
      '--context',
      '1024',
      '--batch',
      '4',
      '--formats',
      'w16a16,fp8',
      '--json',
    );
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).rows;
    expect(rows).toHaveLength(2);
    expect(rows[0].archName).toContain('TP 8');
    const ratio = rows[1].weightBytes / rows[0].weightBytes;
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(0.52);
    expect(rows[1].latencySeconds).toBeLessThan(rows[0].latencySeconds);
  });
});

describe('sweep over plans', () => {
  it('searches the TP × PP plans of a DGX H100: the ones that do not fit or exceed 8 GPUs are infeasible with the reason', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'accelscope-plans-')), 'plans.jsonl');
    const r = await cli('sweep', join(ROOT, 'workloads/sweeps/dgx-h100-plans.json'), '--out', out, '--workers', '1');
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(16);
    const at = (tp: number, pp: number) => lines.find((l) => l.point.params['/plan/tp'] === tp && l.point.params['/plan/pp'] === pp);
    expect(at(1, 1).ok).toBe(false);
    expect(at(1, 1).reason).toMatch(/does not fit/);
    expect(at(8, 2).reason).toMatch(/16 devices but NVIDIA DGX H100 has 8/);
    expect(at(8, 1).ok).toBe(true);
    expect(at(8, 1).objectives.devices).toBe(8);
    expect(at(8, 1).objectives.latencySeconds).toBeLessThan(at(2, 1).objectives.latencySeconds);
    expect(lines.filter((l) => l.ok)).toHaveLength(9);
  });

  it('a /plan/ parameter without a system, or an unknown plan key, is a spec error naming the pointer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accelscope-planspec-'));
    const spec = (extra: object) => {
      const f = join(dir, `s${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(f, JSON.stringify({ workloads: [{ model: modelPath('llama-3-8b'), phase: 'decode', batch: [1], context: [8] }], ...extra }));
      return f;
    };
    const noSystem = await cli(
      'sweep',
      spec({ arch: join(ROOT, 'arch-configs/gpu/h100-sxm.json'), parameters: [{ pointer: '/plan/tp', values: [2] }] }),
      '--out',
      join(dir, 'a.jsonl'),
    );
    expect(noSystem.code).toBe(2);
    expect(noSystem.stderr).toMatch(/\/parameters\/0\/pointer: \/plan\/tp: plan parameters need a "system"/);
    const badKey = await cli('sweep', spec({ system: 'dgx-h100', parameters: [{ pointer: '/plan/xp', values: [2] }] }), '--out', join(dir, 'b.jsonl'));
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/unknown plan key/);
  });
});
