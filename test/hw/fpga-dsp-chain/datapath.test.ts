import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { ROOT, makeArch } from '../../helpers.ts';
import { loadQuant } from '../../../src/config/load.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { claimedDatapath } from '../../../src/hw/fpga-dsp-chain/datapath.ts';
import { simulateFpga } from '../../../src/hw/fpga-dsp-chain/model.ts';
import type { FpgaArchConfig } from '../../../src/hw/fpga-dsp-chain/config.ts';
import type { GemmOp } from '../../../src/workload/graph.ts';
import { dsp48e2Int8x2 } from '../../../src/numeric/datapaths/dsp48.ts';
import { makeCases } from '../../../src/numeric/cases.ts';

const w4a8 = loadQuant(resolve(ROOT, 'workloads/quant/flightllm-w4a8.json'));
const w8a8 = parseQuantScheme('w8a8');
const arch = (over: object = {}) => makeArch<FpgaArchConfig>('fpga/u280-flightllm', over);
const prefill: GemmOp = {
  id: 'g',
  name: 'v_proj',
  kind: 'gemm',
  cls: 'qkv_proj',
  layer: 0,
  phase: 'prefill',
  deps: [],
  m: 256,
  n: 4096,
  k: 4096,
  batch: 1,
  weight: 'layer',
  bias: false,
};

describe('claimed DSP48E2 datapath', () => {
  it('U280 under W4A8 claims WP486 packing on a cascade of 16, and the numeric model computes it exactly', () => {
    const d = claimedDatapath(arch(), w4a8);
    expect(d).toMatchObject({ name: 'dsp48e2-int8x2', productsPerDsp: 2, chainLength: 16, aFormat: 'int8', wFormat: 'int4' });
    const dp = dsp48e2Int8x2({ chainLength: d.chainLength, aFormat: d.aFormat, wFormat: d.wFormat });
    for (const c of makeCases({ M: 4, N: 8, K: 64 })) {
      const o = dp.run(c);
      expect([...o.computed]).toEqual([...o.reference]);
    }
  });

  it('packedCascadeThatJustFits: W8A8 packs on a cascade of 7, not 8 (the 18-bit low field overflows)', () => {
    expect(claimedDatapath(arch({ fpga: { accelerator: { mpe: { chainLength: 7 } } } }), w8a8).productsPerDsp).toBe(2);
    expect(claimedDatapath(arch({ fpga: { accelerator: { mpe: { chainLength: 8 } } } }), w8a8).productsPerDsp).toBe(1);
    // …and the numeric model agrees: a packed cascade of 8 at INT8 × INT8 goes wrong on the largest codes.
    const allMax = makeCases({ M: 2, N: 2, K: 8 }).find((c) => c.name === 'all-max')!;
    const bad = dsp48e2Int8x2({ chainLength: 8, aFormat: 'int8', wFormat: 'int8' }).run(allMax);
    expect([...bad.computed]).not.toEqual([...bad.reference]);
    const good = dsp48e2Int8x2({ chainLength: 7, aFormat: 'int8', wFormat: 'int8' }).run(allMax);
    expect([...good.computed]).toEqual([...good.reference]);
  });

  it('the timing model runs an unpackable chain at one product per DSP: matrix-matrix takes twice the cycles', () => {
    const packed = simulateFpga(prefill, arch(), w4a8).breakdown!['streamCycles']!;
    const r = simulateFpga(prefill, arch(), w8a8);
    expect(r.breakdown!['streamCycles']).toBe(2 * packed);
    expect(r.notes!.some((n) => n.startsWith('packing off'))).toBe(true);
  });
});
