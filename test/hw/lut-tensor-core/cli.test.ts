import { describe, expect, it } from 'vitest';
import { archPath, cli, modelPath } from '../../helpers.ts';

const M2 = archPath('lut/tmac-m2-ultra');
const BITNET = modelPath('bitnet-b1.58-3b');

describe('accelscope simulate on T-MAC CPUs', () => {
  it('--threads selects the thread count; fewer threads, fewer tokens/s', async () => {
    const tps = async (threads: string) => {
      const r = await cli('simulate', '--arch', M2, '--model', BITNET, '--quant', 'w1.58a8', '--context', '128', '--threads', threads, '--json');
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as { totals: { tokensPerSecond: number } }).totals.tokensPerSecond;
    };
    const one = await tps('1');
    const four = await tps('4');
    expect(four).toBeGreaterThan(one);
  });
  it('default is all cores', async () => {
    const r = await cli('simulate', '--arch', M2, '--model', BITNET, '--quant', 'w1.58a8', '--context', '128', '--json');
    const ops = (JSON.parse(r.stdout) as { ops: { breakdown?: Record<string, number> }[] }).ops;
    expect(ops.find((o) => o.breakdown?.['threads'] !== undefined)!.breakdown!['threads']).toBe(16);
  });
  it('more threads than cores: one-line error, exit 2', async () => {
    const r = await cli('simulate', '--arch', M2, '--model', BITNET, '--quant', 'w1.58a8', '--context', '128', '--threads', '17');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*--threads 17 exceeds the 16 cores of Apple M2 Ultra CPU/);
  });
});
