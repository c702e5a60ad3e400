import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';

describe('accelscope formats', () => {
  it('lists every format with bits, range and overflow rule (JSON)', async () => {
    const r = await cli('formats', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; bits: number; max: number; minNormal: number | null; minSubnormal: number | null; overflow: string }[];
    const byName = Object.fromEntries(list.map((f) => [f.name, f]));
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining([
        'fp16',
        'bf16',
        'fp8-e4m3',
        'fp8-e5m2',
        'fp6-e3m2',
        'fp6-e2m3',
        'fp4-e2m1',
        'e8m0',
        'int4',
        'mxfp4',
        'mxint8',
        'nvfp4',
        'ternary',
        'binary',
      ]),
    );
    expect(byName['fp8-e4m3']).toMatchObject({ bits: 8, max: 448, minNormal: 2 ** -6, minSubnormal: 2 ** -9 });
    expect(byName['fp8-e4m3']!.overflow).toMatch(/NaN/);
    expect(byName['fp8-e5m2']!.overflow).toMatch(/Inf/);
    expect(byName['fp4-e2m1']!.overflow).toMatch(/saturate/);
    expect(byName['int4-g128']).toMatchObject({ bitsPerElement: 4.125 });
  });

  it('--codes prints every code, null with the kind for NaN/Inf', async () => {
    const r = await cli('formats', 'fp8-e5m2', '--codes', '--json');
    const out = JSON.parse(r.stdout) as { codes: { code: number; value: number | null; special?: string }[] };
    expect(out.codes).toHaveLength(256);
    expect(out.codes[0x7c]).toMatchObject({ value: null, special: '+Inf' });
    expect(out.codes[0xfd]).toMatchObject({ value: null, special: 'NaN' });
    expect(out.codes[0x7b]!.value).toBe(57344);
    const e4 = JSON.parse((await cli('formats', 'fp8-e4m3', '--codes', '--json')).stdout) as { codes: { special?: string }[] };
    expect(e4.codes.filter((c) => c.special).map((c) => c.special)).toEqual(['NaN', 'NaN']);
  });

  it('--encode gives code and decoded value of each number', async () => {
    const r = await cli('formats', 'fp8-e4m3', '--encode', '0.3,-7,1e9', '--json');
    const out = JSON.parse(r.stdout) as { values: { code: number; value: number | null; special?: string }[] };
    expect(out.values.map((v) => v.code)).toEqual([0x2a, 0xce, 0x7f]);
    expect(out.values.map((v) => v.value)).toEqual([0.3125, -7, null]);
    expect(out.values[2]!.special).toBe('NaN');
    const sat = JSON.parse((await cli('formats', 'fp8-e4m3', '--encode', '1e9', '--saturate', '--json')).stdout) as { values: { value: number }[] };
    expect(sat.values[0]!.value).toBe(448);
  });

  it('--encode of a block format takes one block and reports its shared scale', async () => {
    const r = await cli('formats', 'mxfp4', '--encode', '0.3,-7,1e9', '--json');
    const out = JSON.parse(r.stdout) as { scales: { value: number; code: number }[]; values: { value: number }[] };
    expect(out.scales).toEqual([{ value: 2 ** 27, code: 127 + 27, format: 'e8m0' }]);
    expect(out.values.map((v) => v.value)).toEqual([0, 0, 6 * 2 ** 27]); // JSON writes −0 as 0;
  });

  it('--encode of an integer format: one row, fp16 scale from absmax, RNE codes', async () => {
    const out = JSON.parse((await cli('formats', 'int4-g128', '--encode', '0.3,-7,1e9', '--json')).stdout) as {
      scales: { value: number }[];
      values: { code: number; value: number }[];
    };
    expect(out.scales).toHaveLength(1);
    expect(out.values.map((v) => v.code)).toEqual([0, 0, 7]);
    expect(out.values[2]!.value).toBe(7 * out.scales[0]!.value);
  });

  it('e8m0: --encode floors to a power of two, --codes ends with NaN', async () => {
    const enc = JSON.parse((await cli('formats', 'e8m0', '--encode', '3,0.25', '--json')).stdout) as { values: { code: number; value: number }[] };
    expect(enc.values).toMatchObject([
      { code: 128, value: 2 },
      { code: 125, value: 0.25 },
    ]);
    const codes = JSON.parse((await cli('formats', 'e8m0', '--codes', '--json')).stdout) as { codes: { value: number | null; special?: string }[] };
    expect(codes.codes[255]).toMatchObject({ value: null, special: 'NaN' });
    expect(codes.codes[127]!.value).toBe(1);
  });

  it('NAME alone prints that format; the table lists the overflow rule', async () => {
    const one = JSON.parse((await cli('formats', 'nvfp4', '--json')).stdout) as { scale: string; bitsPerElement: number };
    expect(one).toMatchObject({ bitsPerElement: 4.5, scale: 'E4M3 per 16 × fp32 per tensor' });
    const table = (await cli('formats')).stdout;
    expect(table).toMatch(/^fp8-e4m3 .* 448 .*NaN \(OCP non-saturating\)/m);
  });

  it('an unknown format is a one-line user error, exit 2', async () => {
    const r = await cli('formats', 'fp7', '--codes');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown number format 'fp7'/);
    expect((await cli('formats', 'fp16', '--encode', '1,x')).stderr).toMatch(/'x' is not a number/);
    expect((await cli('formats', 'fp32', '--codes')).stderr).toMatch(/at most 16 bits/);
  });
});
