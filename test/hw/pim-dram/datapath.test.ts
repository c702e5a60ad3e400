import { describe, expect, it } from 'vitest';
import { cli, makeArch } from '../../helpers.ts';
import { pimDatapathOptions } from '../../../src/hw/pim-dram/datapath.ts';
import type { PimArchConfig } from '../../../src/hw/pim-dram/schema.ts';
import { AIM_BF16, HBM_PIM, pimDatapath } from '../../../src/numeric/datapaths/pim.ts';
import { runCheck } from '../../../src/numeric/check.ts';

describe('per-bank precision and reduction order of the PIM configs', () => {
  it('Aquabolt-XL claims the fp16 SIMD-lane datapath numeric/ models, with its whole K in one unit', () => {
    const o = pimDatapathOptions(makeArch<PimArchConfig>('pim/hbm-pim-aquabolt-xl'));
    expect(o).toMatchObject({ operandDtype: HBM_PIM.operandDtype, structure: HBM_PIM.structure, bankDtype: HBM_PIM.bankDtype, lanes: HBM_PIM.lanes, banks: 1 });
  });

  it('GDDR6-AiM claims the bf16 adder-tree datapath with an fp32 accumulator', () => {
    const o = pimDatapathOptions(makeArch<PimArchConfig>('pim/gddr6-aim'));
    expect(o).toMatchObject({ operandDtype: AIM_BF16.operandDtype, structure: AIM_BF16.structure, bankDtype: AIM_BF16.bankDtype, lanes: AIM_BF16.lanes });
    // Input-stationary: 4096 inputs in 1024-element global-buffer tiles → 4 partial sums per output.
    expect(o.banks).toBe(4);
  });

  it('a narrow GEMV split over channels shows as banks = kSplit in the reduction order', () => {
    // Per-channel output tiles (the kSplit mapping); Aquabolt's own 'system' tile never splits K.
    const o = pimDatapathOptions(makeArch<PimArchConfig>('pim/hbm-pim-aquabolt-xl', { pim: { kernel: { outputTile: 'channel' } } }), {
      groups: 1,
      inputs: 4096,
      outputs: 64,
      vectors: 1,
      weightBits: 16,
      inputBits: 16,
    });
    expect(o.banks).toBe(32);
  });

  it("the configs' datapaths pass the numeric check within their bounds", () => {
    for (const f of ['pim/hbm-pim-aquabolt-xl', 'pim/gddr6-aim', 'pim/neupims']) {
      const r = runCheck([pimDatapath(pimDatapathOptions(makeArch<PimArchConfig>(f)))]);
      expect(r.pass, f).toBe(true);
    }
  });

  it('int8 units have no numeric datapath: a coded error', () => {
    expect(() => pimDatapathOptions(makeArch<PimArchConfig>('pim/hbm-pim-aquabolt-xl', { pim: { unit: { dtype: 'int8' } } }))).toThrow(
      /no numeric PIM datapath for int8 units/,
    );
  });

  it('`accelscope check --arch` on a PIM config runs the pim datapaths and passes', async () => {
    const r = await cli('check', '--arch', 'arch-configs/pim/hbm-pim-aquabolt-xl.json', '--quant', 'fp16');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/pim-fp16-simd-acc-fp16 .* PASS/); // the datapath the config claims (banks = 1), not the kind's fixed HBM_PIM
  });
});
