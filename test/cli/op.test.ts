import { describe, expect, it } from 'vitest';
import { cli, archPath } from '../helpers.ts';
import { gpuTensorCoreModel } from '../../src/hw/gpu-tensor-core/model.ts';
import { loadArch } from '../../src/config/load.ts';
import { opQuantScheme } from '../../src/cli/commands/op.ts';

const H100 = archPath('gpu/h100-sxm');
const A100 = archPath('gpu/a100-sxm-80gb');

describe('op gemm', () => {
  it('prints one row per shape with time, cycles, bound, utilization and the breakdown', async () => {
    const r = await cli('op', 'gemm', '--m', '1,4096', '--n', '4096', '--k', '4096', '--dtype', 'bf16', '--arch', H100);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const s of ['1x4096x4096', '4096x4096x4096', 'cycles', 'bound', 'util', 'breakdown', 'tileM', 'calibration', 'dramBandwidthEfficiency'])
      expect(r.stdout).toContain(s);
  });

  it('--json: an array of rows, M varying fastest, then N, then K, then arch', async () => {
    const r = await cli('op', 'gemm', '--m', '1,16', '--n', '1024,2048', '--k', '512,4096', '--dtype', 'fp16', '--arch', H100, '--arch', A100, '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      arch: string;
      shape: { m: number; n: number; k: number };
      seconds: number;
      cycles: number;
      bound: string;
      utilization: number;
    }[];
    expect(rows).toHaveLength(16);
    const order = rows.map((x) => `${x.arch.includes('H100') ? 'H' : 'A'}:${x.shape.m}/${x.shape.n}/${x.shape.k}`);
    expect(order.slice(0, 5)).toEqual(['H:1/1024/512', 'H:16/1024/512', 'H:1/2048/512', 'H:16/2048/512', 'H:1/1024/4096']);
    expect(order[8]).toBe('A:1/1024/512');
    // The row is the model's own result.
    const direct = gpuTensorCoreModel.simulate(
      {
        id: 'g',
        name: 'gemm',
        cls: 'other',
        layer: 0,
        phase: 'decode',
        deps: [],
        kind: 'gemm',
        m: 16,
        n: 2048,
        k: 4096,
        batch: 1,
        weight: 'layer',
        bias: false,
      },
      loadArch(H100) as never,
      opQuantScheme('fp16'),
      { l2State: 'flushed' },
    );
    expect(rows[7]!.seconds).toBe(direct.seconds);
    expect(rows[7]!.cycles).toBe(direct.cycles);
  });

  it('--weights sets the weight format (int4-g128 moves about a quarter of the fp16 weight bytes)', async () => {
    const f16 = JSON.parse(
      (await cli('op', 'gemm', '--m', '1', '--n', '4096', '--k', '4096', '--dtype', 'fp16', '--arch', H100, '--l2', 'cold', '--json')).stdout,
    );
    const i4 = JSON.parse(
      (await cli('op', 'gemm', '--m', '1', '--n', '4096', '--k', '4096', '--dtype', 'fp16', '--weights', 'int4-g128', '--arch', H100, '--l2', 'cold', '--json'))
        .stdout,
    );
    expect(i4[0].bytes.dram / f16[0].bytes.dram).toBeGreaterThan(0.25);
    expect(i4[0].bytes.dram / f16[0].bytes.dram).toBeLessThan(0.3);
    expect(i4[0].seconds).toBeLessThan(f16[0].seconds);
  });
});

describe('op attention', () => {
  it('decode with GQA and prefill', async () => {
    const d = await cli(
      'op',
      'attention',
      '--phase',
      'decode',
      '--batch',
      '4',
      '--heads',
      '32',
      '--kv-heads',
      '8',
      '--head-dim',
      '128',
      '--context',
      '2048',
      '--arch',
      H100,
      '--json',
    );
    expect(d.code).toBe(0);
    const [row] = JSON.parse(d.stdout);
    expect(row.shape).toMatchObject({ phase: 'decode', batch: 4, heads: 32, kvHeads: 8, qLen: 1, kvLen: 2049 });
    expect(row.breakdown.kvSplits).toBeGreaterThan(1);
    const p = await cli('op', 'attention', '--phase', 'prefill', '--heads', '32', '--head-dim', '128', '--seq', '4096', '--arch', H100);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('FlashAttention prefill');
  });
});

describe('op: bad input is one line, exit 2', () => {
  const bad = async (re: RegExp, ...argv: string[]) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re);
  };
  it('names the flag', async () => {
    await bad(/--m takes positive integers, comma-separated \(got '1,x'\)/, 'op', 'gemm', '--m', '1,x', '--n', '8', '--k', '8', '--arch', H100);
    await bad(/op gemm needs --k/, 'op', 'gemm', '--m', '1', '--n', '8', '--arch', H100);
    await bad(/--dtype must be one of bf16, fp16, fp8, int8, tf32/, 'op', 'gemm', '--m', '1', '--n', '8', '--k', '8', '--dtype', 'fp64', '--arch', H100);
    await bad(/unknown number format 'int9'/, 'op', 'gemm', '--m', '1', '--n', '8', '--k', '8', '--weights', 'int9', '--arch', H100);
    await bad(/decode takes --context, not --seq/, 'op', 'attention', '--heads', '8', '--head-dim', '64', '--seq', '5', '--arch', H100);
    await bad(
      /--heads \(12\) must be a multiple of --kv-heads \(8\)/,
      'op',
      'attention',
      '--heads',
      '12',
      '--kv-heads',
      '8',
      '--head-dim',
      '64',
      '--context',
      '5',
      '--arch',
      H100,
    );
    await bad(/op gemm does not take --heads/, 'op', 'gemm', '--m', '1', '--n', '8', '--k', '8', '--heads', '2', '--arch', H100);
    await bad(/Invalid values/, 'op', 'conv', '--arch', H100);
    await bad(/^error: \/nope\.json: no such file/, 'op', 'gemm', '--m', '1', '--n', '8', '--k', '8', '--arch', '/nope.json');
  });
});
