import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/numeric/check.ts';
import { datapathsFor, datapathKinds, DATAPATHS } from '../../src/hw/datapaths.ts';
import { hardwareKinds } from '../../src/hw/registry.ts';
import { dsp48e2Int8x2 } from '../../src/numeric/datapaths/dsp48.ts';
import { mmaFloat } from '../../src/numeric/datapaths/tensor-core.ts';
import { makeCase } from '../../src/numeric/cases.ts';
import type { Datapath } from '../../src/numeric/datapath.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { lutIntDatapath } from '../../src/numeric/datapaths/lut.ts';
import { mustMinifloat } from '../../src/quant/minifloat.ts';
import { bitSerialDatapath } from '../../src/numeric/datapaths/bit-serial.ts';

const SMALL = { M: 4, N: 8, K: 128 };

describe('every registered datapath agrees with the reference on its cases', () => {
  for (const kind of datapathKinds()) {
    it(kind, () => {
      const r = runCheck(DATAPATHS[kind](), { shape: SMALL, seed: 7 });
      for (const d of r.datapaths) expect(d.failures, d.datapath).toEqual([]);
      expect(r.pass).toBe(true);
    });
  }
});

describe('check fails a datapath with a planted bug', () => {
  it('DSP48E2 packing without the WP486 correction term: the upper product is off by one', () => {
    const r = runCheck([dsp48e2Int8x2({ correction: false })], { shape: SMALL });
    expect(r.pass).toBe(false);
    expect(r.datapaths[0]!.failures.join()).toMatch(/random/);
    expect(r.datapaths[0]!.maxAbsErr).toBeGreaterThanOrEqual(1);
  });
  it('a tensor core that accumulates in fp16 instead of fp32 misses the fp32 bound', () => {
    const good = mmaFloat('fp16');
    const buggy: Datapath = {
      ...good,
      name: 'tc-fp16-acc16',
      run(c) {
        const o = good.run(c);
        // recompute with an fp16 accumulator (the planted bug)
        const half = (v: number) => mustMinifloat('fp16').round(v);
        const out = new Float64Array(o.computed.length);
        for (let i = 0; i < c.M; i++)
          for (let j = 0; j < c.N; j++) {
            let acc = 0;
            for (let k = 0; k < c.K; k++) acc = half(acc + c.a[i * c.K + k]! * c.w[j * c.K + k]!);
            out[i * c.N + j] = acc;
          }
        return { ...o, computed: out };
      },
    };
    const r = runCheck([good, buggy], { shape: SMALL });
    expect(r.datapaths.map((d) => d.pass)).toEqual([true, false]);
  });
});

describe('DSP48E2 INT8 packing: the cascade length that fits and one more', () => {
  const allMax = makeCase('all-max', { M: 2, N: 2, K: 8 }, 1); // every code −128: products 2^14
  it('chainLength7FitsTheLowField', () => {
    const o = dsp48e2Int8x2({ chainLength: 7 }).run(allMax);
    expect(Array.from(o.computed)).toEqual(Array.from(o.reference));
    expect(o.reference[0]).toBe(8 * 2 ** 14);
  });
  it('chainLength8OverflowsTheLowField', () => {
    const o = dsp48e2Int8x2({ chainLength: 8 }).run(allMax);
    expect(Array.from(o.computed)).not.toEqual(Array.from(o.reference));
  });
  it('odd M: the last token runs unpacked', () => {
    const c = makeCase('random', { M: 3, N: 4, K: 20 }, 3);
    const o = dsp48e2Int8x2().run(c);
    expect(Array.from(o.computed)).toEqual(Array.from(o.reference));
  });
});

describe('integer table lookup and bit-serial datapaths are exact per scale group', () => {
  it('LUT with symmetrized tables, int4 g32 weights, int8 activations', () => {
    const c = makeCase('outliers', { M: 3, N: 5, K: 64 }, 11);
    const o = lutIntDatapath('int4-g32').run(c);
    expect(o.computed.length).toBe(3 * 5 * 2);
    expect(Array.from(o.computed)).toEqual(Array.from(o.reference));
  });
  it('K not a multiple of the table group (K = 18, per-row weights)', () => {
    const c = makeCase('random', { M: 2, N: 3, K: 18 }, 5);
    const o = lutIntDatapath('int3').run(c);
    expect(Array.from(o.computed)).toEqual(Array.from(o.reference));
  });
  it('bit-serial: a 16-bit accumulator wraps where 32 bits do not', () => {
    const c = makeCase('all-max', { M: 1, N: 1, K: 64 }, 1); // int4 −8 × int8 −128, 64 terms = 65536
    expect(Array.from(bitSerialDatapath('int4', 'int8', 32).run(c).computed)).toEqual([65536]);
    expect(Array.from(bitSerialDatapath('int4', 'int8', 16).run(c).computed)).toEqual([0]);
  });
});

describe('registry', () => {
  it('maps each kind to its datapaths and a scheme to those that run it', () => {
    expect(datapathKinds().sort()).toEqual(['fpga-dsp-chain', 'gpu-tensor-core', 'lut-tensor-core', 'pim-dram']);
    expect(datapathKinds()).toEqual(hardwareKinds()); // derived from the hardware registry
    expect(datapathsFor('gpu-tensor-core', parseQuantScheme('w8a8')).map((d) => d.name)).toEqual(['tc-imma-int8-int8']);
    expect(datapathsFor('fpga-dsp-chain', parseQuantScheme('w4a16-g128'))).toEqual([]);
    expect(datapathsFor('lut-tensor-core', parseQuantScheme('w1.58a8')).map((d) => d.name)).toEqual(['lut-w-ternary-a-int8', 'bit-serial-w-ternary-a-int8']);
    expect(() => datapathsFor('systolic-npu')).toThrow(/no datapaths are registered for hardware kind 'systolic-npu'/);
  });
  it('check is deterministic for a seed', () => {
    const a = runCheck(DATAPATHS['pim-dram'](), { shape: SMALL, seed: 3 });
    const b = runCheck(DATAPATHS['pim-dram'](), { shape: SMALL, seed: 3 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
