import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, archPath, buildFor, makeArch } from '../../helpers.ts';
import { loadArch, validateArch } from '../../../src/config/load.ts';
import { simulatePim, pimPeakFlops, planOp } from '../../../src/hw/pim-dram/model.ts';
import { resolveDram } from '../../../src/hw/pim-dram/dram.ts';
import { mapGemv } from '../../../src/hw/pim-dram/mapping.ts';
import type { PimArchConfig } from '../../../src/hw/pim-dram/schema.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import type { AttentionOp, GemmOp, Op } from '../../../src/workload/graph.ts';
import { standaloneGemm } from '../../../src/workload/graph.ts';
import { run } from '../../../src/engine/run.ts';
import { getModel } from '../../../src/hw/registry.ts';
import { memoryEnergy } from '../../../src/energy/account.ts';
import { cli } from '../../helpers.ts';

const fp16 = parseQuantScheme('fp16');
const aquabolt = (o: object = {}) => makeArch<PimArchConfig>('pim/hbm-pim-aquabolt-xl', o);
const gemv = (n: number, k: number, m = 1): GemmOp => standaloneGemm(m, n, k, { name: 'g', cls: 'mlp', phase: 'decode' });
const onPim = { pim: { dispatch: { gemm: 'pim', attention: 'pim', elementwise: 'pim' } } };
/** The schedule without the kernel program (per-channel tiles, no padding, no mode switches): test/hw/pim-dram/tiling.test.ts covers it. */
const bare = { outputTile: 'channel', padTiles: false, modeSwitchesPerKernel: 0, modeSwitchesPerPass: 0 };
const onPimBare = { pim: { ...onPim.pim, kernel: bare } };

describe('pim-dram configs', () => {
  it('every arch-configs/pim file validates, and pim-gpt extends gddr6-aim', () => {
    const files = readdirSync(resolve(ROOT, 'arch-configs/pim')).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['gddr6-aim.json', 'hbm-pim-aquabolt-xl.json', 'neupims.json', 'pim-gpt.json']);
    for (const f of files) expect(loadArch(archPath(`pim/${f}`)).kind).toBe('pim-dram');
    const g = loadArch(archPath('pim/pim-gpt')) as PimArchConfig;
    expect(g.pim.dram.channels).toBe(16);
    expect(g.pim.unit.lanes).toBe(16);
    expect(getModel('pim-dram').kind).toBe('pim-dram');
  });

  it('rejects an unknown field and an unknown timing preset with their pointers', () => {
    const c = aquabolt() as unknown as Record<string, unknown>;
    expect(() => validateArch({ ...c, pim: { ...(c['pim'] as object), extra: 1 } }, 'x.json')).toThrow(/unknown property 'extra'/);
    const bad = aquabolt({ pim: { dram: { timing: 'HBM9' } } });
    expect(() => validateArch(bad, 'x.json')).toThrow(/HBM2_PIMSIM/);
    expect(() => simulatePim(gemv(64, 64), bad, fp16)).toThrow(/unknown DRAM timing preset 'HBM9'/);
    const badUnit = aquabolt({ pim: { unit: { banksPerUnit: 3 } } });
    expect(() => resolveDram(badUnit)).toThrow(/banksPerUnit \(3\) must divide the 16 banks/);
  });

  it('peak: Aquabolt-XL 64 pseudo-channels × 8 PCUs × 16 lanes × 2 FLOP per nCCDL (4 ns) = 4.096 TFLOPS', () => {
    expect(pimPeakFlops(aquabolt())).toBeCloseTo(4.096e12, -6);
  });
});

describe('GEMV mapping and command schedule', () => {
  it('4096×4096 FP16: 2048 MAC commands per channel at nCCDL, 64 all-bank activations, weights read once in the banks', () => {
    const r = simulatePim(gemv(4096, 4096), aquabolt(onPimBare), fp16);
    expect(r.breakdown!['pimMacCycles']).toBe(2048 * 4);
    expect(r.breakdown!['pimRowActivations']).toBe(64);
    expect(r.bytes['pim-bank']).toBe(4096 * 4096 * 2);
    // Bus: 32 input tiles × 8 GRF_A writes + 8 PCUs × 8 GRF_B × 32 B read back, per channel.
    expect(r.bytes['dram']).toBe(64 * (32 * 8 + 64) * 32);
    expect(r.notes).toContain('ran on PIM units');
  });

  it('hand derivation: one more 128-input tile costs exactly 352 cycles (docs/models/pim-dram.md)', () => {
    const c = aquabolt(onPim);
    const busy = (k: number) => {
      const b = simulatePim(gemv(4096, k), c, fp16).breakdown!;
      return b['pimMacCycles']! + b['pimOverheadCycles']!;
    };
    // 7·nCCDL (GRF_A writes) + 2 × (nRP + nRCDRD + 31·nCCDL) + nRTP + RD→WR turnaround (nCL + nBL + 2 − nCWL).
    const T = resolveDram(c).timing;
    const perTile = 7 * T.nCCDL + 2 * (T.nRP + T.nRCDRD + 31 * T.nCCDL) + T.nRTP + (T.nCL + T.nBL + 2 - T.nCWL);
    expect(perTile).toBe(352);
    expect(busy(4096) - busy(3968)).toBe(perTile);
    expect(busy(3968) - busy(3840)).toBe(perTile);
  });

  it('an empty op (M = 0, no elements) costs nothing', () => {
    const c = aquabolt(onPim);
    const e = simulatePim(gemv(16, 16, 0), c, fp16);
    expect(e.seconds).toBe(0);
    expect(e.energyPj.offChip).toBe(0);
    const add: Op = { id: 'e', name: 'e', cls: 'residual', layer: 0, phase: 'decode', deps: [], kind: 'elementwise', fn: 'add', elements: 0, inputs: 2 };
    expect(simulatePim(add, c, fp16).seconds).toBe(0);
  });

  it("row-buffer hits: a unit's slice that just fills one row opens 1 row; one more input opens 2", () => {
    const c = aquabolt(onPimBare);
    // 8 outputs per PCU × 64 inputs × 2 B = 1 KB = one row per bank.
    const fits = simulatePim(gemv(4096, 64), c, fp16);
    const over = simulatePim(gemv(4096, 65), c, fp16);
    expect(fits.breakdown!['pimRowActivations']).toBe(1);
    expect(over.breakdown!['pimRowActivations']).toBe(2);
  });

  it('maps small matrices by splitting inputs over idle channels (kSplit) and large ones by outputs', () => {
    const c = aquabolt({ pim: { kernel: bare } });
    const d = resolveDram(c);
    const big = mapGemv({ groups: 1, inputs: 4096, outputs: 4096, vectors: 1, weightBits: 16, inputBits: 16 }, c, d);
    expect(big).toMatchObject({ kSplit: 1, outputTiles: 1, inputTiles: 32, outputsPerChannel: 4096 / 64, activeChannels: 64 });
    const narrow = mapGemv({ groups: 1, inputs: 4096, outputs: 64, vectors: 1, weightBits: 16, inputBits: 16 }, c, d);
    expect(narrow.kSplit).toBe(32);
    expect(narrow.inputsPerChannel).toBe(128);
    expect(narrow.partialsPerOutput).toBe(16 * 32);
    const many = mapGemv({ groups: 200, inputs: 128, outputs: 512, vectors: 4, weightBits: 16, inputBits: 16 }, c, d);
    expect(many).toMatchObject({ groupsPerChannel: 4, channelsPerGroup: 1, passes: 4 * 4 * 8 });
  });

  it('loop order: input-stationary broadcasts each input tile once and reads partial sums per output tile', () => {
    const aim = makeArch<PimArchConfig>('pim/gddr6-aim', { pim: { dispatch: { gemm: 'pim' } } });
    const d = resolveDram(aim);
    const job = { groups: 1, inputs: 4096, outputs: 4096, vectors: 1, weightBits: 16, inputBits: 16 };
    const is = mapGemv(job, aim, d);
    const os = mapGemv(job, { ...aim, pim: { ...aim.pim, mapping: { loopOrder: 'output-stationary' } } }, d);
    expect(is).toMatchObject({ loopOrder: 'input-stationary', inputTiles: 4, outputTiles: 128, passes: 4, partialsPerOutput: 4 });
    expect(os).toMatchObject({ loopOrder: 'output-stationary', passes: 128, partialsPerOutput: 1 });
    expect(is.passes * is.macCommandsPerPass).toBe(os.passes * os.macCommandsPerPass);
    const bf16 = parseQuantScheme('bf16');
    const tIs = simulatePim(gemv(4096, 4096), aim, bf16);
    const tOs = simulatePim(gemv(4096, 4096), { ...aim, pim: { ...aim.pim, mapping: { loopOrder: 'output-stationary' } } }, bf16);
    // Same MACs. Bus bursts per channel: output-stationary 128 passes × (4 tiles × 64 writes + 2 read-back);
    // input-stationary 4 passes × (64 writes + 128 output tiles × 2 read-back). 2 channels × 32 B.
    expect(tIs.breakdown!['pimMacCycles']).toBe(tOs.breakdown!['pimMacCycles']);
    expect(tOs.bytes['dram']).toBe(2 * 32 * 128 * (4 * 64 + 2));
    expect(tIs.bytes['dram']).toBe(2 * 32 * 4 * (64 + 128 * 2));
    expect(tIs.seconds).toBeLessThan(tOs.seconds);
  });

  it('PIM time grows linearly with the batch (weights re-streamed per vector)', () => {
    const c = aquabolt(onPim);
    const t1 = simulatePim(gemv(4096, 4096, 1), c, fp16).seconds;
    const t4 = simulatePim(gemv(4096, 4096, 4), c, fp16).seconds;
    expect(t4 / t1).toBeGreaterThan(3.8);
    expect(t4 / t1).toBeLessThan(4.05);
  });

  it('a unit slower than the column rate makes the op compute-bound and stretches the MAC cycles', () => {
    const slow = simulatePim(gemv(4096, 4096), aquabolt({ pim: { ...onPim.pim, unit: { lanes: 4 } } }), fp16);
    // 16 elements / 4 lanes = 4 clocks at 300 MHz = 13.3 ns → 14 DRAM cycles per MAC.
    expect(slow.bound).toBe('compute');
    expect(slow.breakdown!['pimMacCycles']).toBe(2048 * 14);
  });

  it('reducing lanes in the bank cuts the read-back: 4 bursts per pass instead of 64', () => {
    const host = simulatePim(gemv(4096, 4096), aquabolt(onPim), fp16);
    const bank = simulatePim(gemv(4096, 4096), aquabolt({ pim: { ...onPim.pim, reduction: { location: 'bank' } } }), fp16);
    expect(host.bytes['dram']! - bank.bytes['dram']!).toBe(64 * (64 - 4) * 32);
    expect(bank.seconds).toBeLessThan(host.seconds);
  });

  it('tFAW caps all-bank activations: a wide nFAW slows a row-switch-heavy GEMV', () => {
    const base = simulatePim(gemv(4096, 4096), aquabolt(onPim), fp16).seconds;
    const faw = simulatePim(gemv(4096, 4096), aquabolt({ pim: { ...onPim.pim, dram: { timingOverrides: { nFAW: 2000 } } } }), fp16).seconds;
    expect(faw).toBeGreaterThan(base);
  });
});

describe('dispatch between PIM and the host', () => {
  const norm: Op = { id: 'n', name: 'n', cls: 'norm', layer: 0, phase: 'decode', deps: [], kind: 'norm', norm: 'rms', rows: 8, dim: 4096 };

  it('norms and softmax go to the host, through the normal DRAM path', () => {
    const r = simulatePim(norm, aquabolt(onPim), fp16);
    expect(r.breakdown!['onPim']).toBe(0);
    expect(r.bytes['pim-bank']).toBeUndefined();
    expect(r.notes![0]).toMatch(/host GPU/);
  });

  it('auto picks PIM at batch 1 and the host at batch 8; forced policies are obeyed', () => {
    const c = aquabolt();
    expect(planOp(gemv(4096, 4096, 1), c, fp16).unit).toBe('pim');
    expect(planOp(gemv(4096, 4096, 8), c, fp16).unit).toBe('host');
    expect(planOp(gemv(4096, 4096, 8), aquabolt(onPim), fp16).unit).toBe('pim');
    expect(planOp(gemv(4096, 4096, 1), aquabolt({ pim: { dispatch: { gemm: 'host' } } }), fp16).unit).toBe('host');
  });

  it('a dtype the units cannot compute runs on the host with a note', () => {
    const r = simulatePim(gemv(4096, 4096), aquabolt({ pim: { unit: { dtype: 'int8' } } }), fp16);
    expect(r.breakdown!['onPim']).toBe(0);
    expect(r.notes!.join(' ')).toMatch(/units compute int8, op needs fp16/);
  });

  it('energy: off-chip = bank bytes × pim-bank-column + rows opened × dram-activate + bus bytes × dram', () => {
    const c = aquabolt(onPimBare);
    const r = simulatePim(gemv(4096, 4096), c, fp16);
    // 64 channels × 64 all-bank ACTs × 8 banks × 1 KB rows.
    const opened = 64 * 64 * 8 * 1024;
    const want =
      r.bytes['pim-bank']! * memoryEnergy('pim-bank-column', c).appliedPj +
      opened * memoryEnergy('dram-activate', c).appliedPj +
      r.bytes['dram']! * memoryEnergy('dram', c).appliedPj;
    expect(r.energyPj.offChip).toBeCloseTo(want, 3);
  });

  it('energy: PIM charges bank column access and row activations; the host path charges DRAM bytes', () => {
    const p = simulatePim(gemv(4096, 4096), aquabolt(onPim), fp16);
    const h = simulatePim(gemv(4096, 4096), aquabolt({ pim: { dispatch: { gemm: 'host' } } }), fp16);
    expect(p.energyPj.offChip).toBeGreaterThan(0);
    expect(p.energyPj.offChip).toBeLessThan(h.energyPj.offChip);
  });
});

describe('attention on PIM and NeuPIMs concurrency options', () => {
  const att: AttentionOp = {
    id: 'a',
    name: 'a',
    cls: 'attention',
    layer: 0,
    phase: 'decode',
    deps: [],
    kind: 'attention',
    batch: 64,
    heads: 32,
    kvHeads: 32,
    headDim: 128,
    qLen: 1,
    kvLen: 1024,
    causal: true,
    window: 0,
  };
  const neu = (dual: boolean, sub: boolean) =>
    makeArch<PimArchConfig>('pim/neupims', { pim: { concurrency: { dualRowBuffer: dual, subBatchInterleave: sub } } });

  it('blocked: QKᵀ and PV on PIM, softmax and the KV append on the host, in sequence', () => {
    const r = simulatePim(att, neu(false, false), fp16);
    const b = r.breakdown!;
    expect(b['pimSeconds']).toBeGreaterThan(0);
    expect(r.seconds).toBeCloseTo(b['pimSeconds']! + b['hostSoftmaxSeconds']! + b['hostKvAppendSeconds']!, 12);
    expect(b['blockedSeconds']).toBeCloseTo(r.seconds, 12);
  });

  it('dual row buffers hide the KV append under the PIM GEMVs; the saving shows in the breakdown', () => {
    const blocked = simulatePim(att, neu(false, false), fp16);
    const dual = simulatePim(att, neu(true, false), fp16);
    expect(dual.seconds).toBeLessThan(blocked.seconds);
    expect(dual.breakdown!['dualRowBufferSavedSeconds']).toBeCloseTo(blocked.seconds - dual.seconds, 12);
  });

  it("sub-batch interleaving overlaps one sub-batch's softmax with the other's PIM work", () => {
    const dual = simulatePim(att, neu(true, false), fp16);
    const both = simulatePim(att, neu(true, true), fp16);
    expect(both.breakdown!['subBatchSavedSeconds']).toBeGreaterThanOrEqual(0);
    expect(both.seconds).toBeLessThanOrEqual(dual.seconds);
  });

  it('pimMaxVectors: decode attention (1 query per KV head) runs on PIM, prefill attention (512) on the NPU', () => {
    const c = neu(false, false);
    expect(c.pim.dispatch.pimMaxVectors).toBe(8);
    expect(planOp(att, c, fp16).unit).toBe('pim+host');
    expect(planOp({ ...att, qLen: 8, kvLen: 1024 }, c, fp16).unit).toBe('pim+host');
    expect(planOp({ ...att, qLen: 9, kvLen: 1024 }, c, fp16).unit).toBe('host');
  });

  it('runs a whole decode step through the engine', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 8, context: 512 });
    const r = run(g, makeArch('pim/neupims'), fp16);
    expect(r.totals.seconds).toBeGreaterThan(0);
    const attn = r.ops.find((o) => o.kind === 'attention')!;
    expect(attn.breakdown!['onPim']).toBe(1);
    const qkv = r.ops.find((o) => o.cls === 'qkv_proj')!;
    expect(qkv.breakdown!['onPim']).toBe(0);
  });
});

describe('CLI', () => {
  it('simulate runs a decode step on a PIM config', async () => {
    const r = await cli(
      'simulate',
      '--arch',
      'arch-configs/pim/hbm-pim-aquabolt-xl.json',
      '--model',
      'workloads/models/llama-2-7b.json',
      '--phase',
      'decode',
      '--batch',
      '1',
      '--context',
      '512',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[pim-dram\]/);
  });
});
