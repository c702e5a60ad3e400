/** The LUT datapath each lut-tensor-core config claims is checked by `accelscope check` (numeric/). */
import { describe, expect, it } from 'vitest';
import { archPath, cli } from '../../helpers.ts';

interface Report {
  pass: boolean;
  datapaths: { datapath: string; pass: boolean; exact: boolean; maxAbsErr: number }[];
}

describe('accelscope check on LUT configs', () => {
  it('the LUT Tensor Core design: tables, symmetrization and bit-plane recombination pass; integer activations bit-exact', async () => {
    const r = await cli('check', '--arch', archPath('lut/lut-tensor-core-a100'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.pass).toBe(true);
    const intPaths = rep.datapaths.filter((d) => d.datapath.endsWith('a-int8'));
    expect(intPaths.length).toBeGreaterThanOrEqual(3);
    for (const d of intPaths) {
      expect(d.exact).toBe(true);
      expect(d.maxAbsErr).toBe(0);
    }
    expect(rep.datapaths.some((d) => d.datapath.startsWith('lut-') && d.datapath.includes('fp16'))).toBe(true);
  });
  it('T-MAC on BitNet (w1.58a8): the ternary LUT datapath is bit-exact', async () => {
    const r = await cli('check', '--arch', archPath('lut/tmac-m2-ultra'), '--quant', 'w1.58a8', '--json');
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.datapaths.map((d) => d.datapath)).toContain('lut-w-ternary-a-int8');
    expect(rep.datapaths.every((d) => d.exact && d.maxAbsErr === 0)).toBe(true);
  });
});
