import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { ROOT, makeArch } from '../helpers.ts';
import { buildDatapath, type DatapathSpec } from '../../src/numeric/spec.ts';
import { runCheck } from '../../src/numeric/check.ts';
import { makeCase } from '../../src/numeric/cases.ts';
import { dsp48e2Int8x2, dsp58Int8x3 } from '../../src/numeric/datapaths/dsp48.ts';
import { HBM_PIM, pimDatapath } from '../../src/numeric/datapaths/pim.ts';
import { loadQuant } from '../../src/config/load.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { claimedDatapathSpecs } from '../../src/hw/fpga-dsp-chain/datapath.ts';
import { claimedPimDatapaths } from '../../src/hw/pim-dram/datapath.ts';
import { getModel } from '../../src/hw/registry.ts';
import type { FpgaArchConfig } from '../../src/hw/fpga-dsp-chain/config.ts';
import type { PimArchConfig } from '../../src/hw/pim-dram/schema.ts';

const w4a8 = loadQuant(resolve(ROOT, 'workloads/quant/flightllm-w4a8.json'));
const u280 = (over: object = {}) => makeArch<FpgaArchConfig>('fpga/u280-flightllm', over);
const exact = (d: ReturnType<typeof dsp48e2Int8x2>, c: ReturnType<typeof makeCase>) => {
  const o = d.run(c);
  return [...o.computed].every((v, i) => v === o.reference[i]);
};

describe('buildDatapath: spec → numeric model, with the claim and shape attached', () => {
  it('every family builds; claim and shape travel with it', () => {
    const specs: DatapathSpec[] = [
      { family: 'dsp-packed', dsp: 'DSP48E2', aFormat: 'int8', wFormat: 'int4', chainLength: 16, lowFieldBits: 18, share: 'activation', claim: 'c1' },
      { family: 'dsp-mac', dsp: 'DSP58', aFormat: 'int8', wFormat: 'int8', claim: 'c2' },
      { family: 'dsp-dot', dsp: 'DSP58', aFormat: 'int8', wFormat: 'int8', elements: 3, claim: 'c3' },
      { family: 'pim', options: { ...HBM_PIM, banks: 1 }, claim: 'c4', shape: { M: 2, N: 4, K: 512 } },
    ];
    const ds = specs.map(buildDatapath);
    expect(ds.map((d) => d.name)).toEqual(['dsp48e2-int8x2-L16', 'dsp58-int8', 'dsp58-int8x3', 'pim-hbm-fp16']);
    expect(ds.map((d) => d.claim)).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(ds[3]!.shape).toEqual({ M: 2, N: 4, K: 512 });
    const r = runCheck(ds, { shape: { M: 4, N: 8, K: 128 } });
    expect(r.pass).toBe(true);
    expect(r.datapaths.map((d) => d.shape.K)).toEqual([128, 128, 128, 512]);
    expect(r.datapaths[1]!.bound).toBe('exact (58-bit accumulator wraps modulo 2^58)');
  });
});

describe('packed DSP products sharing the activation (FlightLLM MPE) — boundaries', () => {
  const allMax = makeCase('all-max', { M: 2, N: 4, K: 32 }, 1);
  it('sharedActivationCascade7FitsAnd8Overflows: INT8 × INT8 in an 18-bit low field', () => {
    expect(exact(dsp48e2Int8x2({ share: 'activation', chainLength: 7 }), allMax)).toBe(true);
    expect(exact(dsp48e2Int8x2({ share: 'activation', chainLength: 8 }), allMax)).toBe(false);
  });
  it('int4 weights × int8 activations: a cascade of 127 fits the 18-bit low field, 128 overflows (128·2^10 = 2^17)', () => {
    const c = makeCase('all-max', { M: 1, N: 2, K: 256 }, 1); // −8 × −128 = 2^10 per product
    expect(exact(dsp48e2Int8x2({ share: 'activation', chainLength: 127, aFormat: 'int8', wFormat: 'int4' }), c)).toBe(true);
    expect(exact(dsp48e2Int8x2({ share: 'activation', chainLength: 128, aFormat: 'int8', wFormat: 'int4' }), c)).toBe(false);
  });
  it('portThatJustFits: an INT8 operand shifted by 18 fits the 27-bit port, by 19 it wraps (−128·2^19 − 128 < −2^26)', () => {
    const ok = dsp48e2Int8x2({ share: 'activation', chainLength: 1, lowFieldBits: 18 }).run(allMax);
    expect(ok.note).toBeUndefined();
    const bad = dsp48e2Int8x2({ share: 'activation', chainLength: 1, lowFieldBits: 19 }).run(allMax);
    expect(bad.note).toMatch(/did not fit the 27×18 ports/);
    expect([...bad.computed]).not.toEqual([...bad.reference]);
  });
  it('DSP58: a 24-bit B port and 58-bit P; the same packing is exact', () => {
    const d = dsp48e2Int8x2({ dsp: 'DSP58', share: 'activation', chainLength: 7 });
    expect(d.name).toBe('dsp58-int8x2');
    expect(d.operands).toMatch(/24-bit port/);
    for (const k of ['random', 'outliers', 'all-max', 'signed-zero'] as const) expect(exact(d, makeCase(k, { M: 3, N: 5, K: 40 }, 2)), k).toBe(true);
  });
  it('dot-product mode of any width is exact; a non-positive width is a coded error', () => {
    expect(exact(dsp58Int8x3('int8', 'int8', 2), makeCase('outliers', { M: 2, N: 3, K: 31 }, 4))).toBe(true);
    expect(() => dsp58Int8x3('int8', 'int8', 0)).toThrow(/dot-product elements must be a positive integer \(got 0\)/);
  });
});

describe('fpga-dsp-chain claims (src/hw/fpga-dsp-chain/datapath.ts)', () => {
  it("U280 under W4A8: packed, its real cascade of 16, the config's 18-bit field, weights packed", () => {
    expect(claimedDatapathSpecs(u280(), w4a8)).toEqual([
      expect.objectContaining({
        family: 'dsp-packed',
        dsp: 'DSP48E2',
        chainLength: 16,
        lowFieldBits: 18,
        share: 'activation',
        aFormat: 'int8',
        wFormat: 'int4',
      }),
    ]);
  });
  it('no scheme: the schemes its DSP dtypes run (w8a8 unpacked at 16, w4a8 packed); a float scheme claims nothing', () => {
    expect(claimedDatapathSpecs(u280()).map((s) => s.family)).toEqual(['dsp-mac', 'dsp-packed']);
    expect(claimedDatapathSpecs(u280(), parseQuantScheme('w4a16-g128'))).toEqual([]);
  });
  it('VHK158 claims the packing on DSP58; the model exposes it through the contract', () => {
    const c = makeArch<FpgaArchConfig>('fpga/vhk158-flightllm');
    const specs = getModel('fpga-dsp-chain').claimedDatapaths!(c, w4a8);
    expect(specs).toEqual([expect.objectContaining({ family: 'dsp-packed', dsp: 'DSP58', chainLength: 16 })]);
    expect(runCheck(specs.map(buildDatapath)).pass).toBe(true);
  });
  it("dot-product packing claims the DSP's vector mode; a cascade longer than the check K widens K to two cascades", () => {
    const c = u280({ fpga: { device: { dsp: 'DSP58' }, accelerator: { mpe: { packing: 'dot-product', productsPerDsp: { int8: 3 }, chainLength: 200 } } } });
    const [s] = claimedDatapathSpecs(c, parseQuantScheme('w8a8'));
    expect(s).toMatchObject({ family: 'dsp-dot', dsp: 'DSP58', elements: 3, shape: { K: 1200 } });
  });
});

describe('pim-dram claims (src/hw/pim-dram/datapath.ts)', () => {
  it('Aquabolt-XL: banks = 1, checked at K = 4096; fp16 schemes only', () => {
    const c = makeArch<PimArchConfig>('pim/hbm-pim-aquabolt-xl');
    const [s] = claimedPimDatapaths(c) as [Extract<DatapathSpec, { family: 'pim' }>];
    expect(s.options).toMatchObject({ operandDtype: 'fp16', bankDtype: 'fp16', structure: 'simd', lanes: 16, banks: 1 });
    expect(s.shape).toEqual({ M: 4, N: 16, K: 4096 });
    expect(claimedPimDatapaths(c, parseQuantScheme('fp16'))).toHaveLength(1);
    expect(claimedPimDatapaths(c, parseQuantScheme('w8a8'))).toEqual([]);
  });
  it('the claimed order (whole K in one fp16 unit) errs more than the kind default (K over 16 banks), both within bound', () => {
    const shape = { M: 4, N: 16, K: 4096 };
    const r = runCheck([pimDatapath({ ...HBM_PIM, banks: 1 }), pimDatapath(HBM_PIM)], { shape });
    expect(r.pass).toBe(true);
    const [one, split] = r.datapaths;
    expect(one!.maxRelErr).toBeGreaterThan(split!.maxRelErr);
  });
});
