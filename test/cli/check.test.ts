import { describe, expect, it } from 'vitest';
import { cli, archPath, ROOT } from '../helpers.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

describe('accelscope check', () => {
  it('runs the datapaths the arch config claims and passes (exit 0)', async () => {
    // No --quant: the U280's int8 DSP dtype under w8a8 (packing off at a cascade of 16) and w4a8 (packed).
    const r = await cli('check', '--arch', archPath('fpga/u280-flightllm'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dsp48e2-int8 .* PASS/);
    expect(r.stdout).toMatch(/dsp48e2-int8x2-L16 .* PASS/);
    expect(r.stdout).toMatch(/claimed by the arch config/);
    expect(r.stdout).not.toMatch(/FAIL/);
  });

  it('--quant selects the datapaths that run a scheme; JSON report', async () => {
    const r = await cli('check', '--arch', archPath('gpu/h100-sxm'), '--quant', 'w8a8', '--json');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as { pass: boolean; datapaths: { datapath: string; maxAbsErr: number; sqnrDb: number | string }[] };
    expect(rep.pass).toBe(true);
    expect(rep.datapaths.map((d) => d.datapath)).toEqual(['tc-imma-int8-int8']);
    expect(rep.datapaths[0]).toMatchObject({ maxAbsErr: 0, sqnrDb: 'inf' });
  });

  it('an arch of a registered kind is validated; its kind picks the datapaths', async () => {
    const r = await cli('check', '--arch', archPath('pim/gddr6-aim'), '--quant', 'bf16');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pim-bf16-tree-acc-fp32 .* PASS/); // AiM's claim: bf16 tree, fp32 accumulator, input-stationary
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    const f = join(dir, 'pim.json');
    writeFileSync(f, JSON.stringify({ kind: 'pim-dram', name: 'x' }));
    expect((await cli('check', '--arch', f)).code).toBe(2);
  });

  it('an arch of an unregistered kind is read raw; no datapaths for it is a user error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    const g = join(dir, 'npu.json');
    writeFileSync(g, JSON.stringify({ kind: 'systolic-npu' }));
    const e = await cli('check', '--arch', g);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/npu\.json: \/kind: no datapaths are registered for hardware kind 'systolic-npu'/);
  });

  it('a scheme no datapath of the kind runs is a user error', async () => {
    const r = await cli('check', '--arch', archPath('fpga/u280-flightllm'), '--quant', 'mxfp4');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no datapath of fpga-dsp-chain runs quant scheme 'mxfp4'/);
  });
});

describe('check with a planted bug', () => {
  it('prints FAIL and raises check-failed (exit 1 from main)', async () => {
    const { checkHandler } = await import('../../src/cli/commands/check.ts');
    const { dsp48e2Int8x2 } = await import('../../src/numeric/datapaths/dsp48.ts');
    const { captureIo } = await import('../../src/cli/io.ts');
    const io = captureIo();
    let err: unknown;
    try {
      checkHandler({ seed: 1, json: false }, io, () => [dsp48e2Int8x2(), dsp48e2Int8x2({ correction: false })]);
    } catch (e) {
      err = e;
    }
    expect(io.stdout).toMatch(/dsp48e2-int8x2 .* PASS/);
    expect(io.stdout).toMatch(/dsp48e2-int8x2-nocorr .* FAIL/);
    expect(err).toMatchObject({ code: 'check-failed', message: '1 of 2 datapath(s) missed their bound: dsp48e2-int8x2-nocorr' });
  });
});

describe('check --arch runs the datapath the config claims', () => {
  const w4a8 = resolve(ROOT, 'workloads/quant/flightllm-w4a8.json');
  type Rep = {
    pass: boolean;
    datapaths: {
      datapath: string;
      pass: boolean;
      claim?: string;
      shape: { M: number; N: number; K: number };
      operands: string;
      bound: string;
      boundRatio: number;
      maxRelErr: number;
    }[];
  };

  it('U280 under its published W4A8 scheme: WP486 packing on its real cascade of 16, exact', async () => {
    const r = await cli('check', '--arch', archPath('fpga/u280-flightllm'), '--quant', w4a8, '--json');
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as Rep;
    expect(rep.datapaths.map((d) => d.datapath)).toEqual(['dsp48e2-int8x2-L16']);
    expect(rep.datapaths[0]!.operands).toMatch(
      /W int4 \(two output columns packed in the 27-bit port\) × A int8 \(18-bit port\), low field 18 bits, cascade of 16/,
    );
    expect(rep.datapaths[0]!.claim).toMatch(/cascades of 16 \(\/fpga\/accelerator\/mpe\/chainLength\)/);
  });

  it('a config claiming a packed cascade the DSP48E2 cannot hold fails check (exit 1)', async () => {
    // A 20-bit low field lets packingFits pass 16 INT8 products (16·2^14 < 2^19), so the config
    // claims a packed cascade of 16; the 27-bit port holds only an 18-bit shift of an INT8 operand.
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    const f = join(dir, 'u280-wide.json');
    writeFileSync(f, JSON.stringify({ extends: archPath('fpga/u280-flightllm'), overrides: { fpga: { accelerator: { mpe: { packedLowFieldBits: 20 } } } } }));
    const r = await cli('check', '--arch', f, '--quant', 'w8a8');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/dsp48e2-int8x2-L16-s20 .* FAIL/);
    expect(r.stderr).toMatch(/1 of 1 datapath\(s\) missed their bound: dsp48e2-int8x2-L16-s20/);
    // The real 18-bit field at the same cascade: packing off (16·2^14 ≥ 2^17), one product per DSP, passes.
    const ok = await cli('check', '--arch', archPath('fpga/u280-flightllm'), '--quant', 'w8a8');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/dsp48e2-int8 .* PASS/);
  });

  it('Aquabolt-XL: fp16 per-lane accumulation of a whole K = 4096 in one unit, within its stated bound', async () => {
    const r = await cli('check', '--arch', archPath('pim/hbm-pim-aquabolt-xl'), '--quant', 'fp16', '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as Rep).datapaths;
    expect(d.map((x) => x.datapath)).toEqual(['pim-fp16-simd-acc-fp16']);
    expect(d[0]!.shape).toEqual({ M: 4, N: 16, K: 4096 });
    expect(d[0]!.operands).toMatch(/→ fp16 per lane \(1 banks × 16 lanes\)/);
    expect(d[0]!.claim).toMatch(/accumulates 4096 terms per unit \(1 partial sum/);
    expect(d[0]!.bound).toMatch(/γ_\{2n\}\(u_fp16\)/);
    // fp16 accumulation over 256 terms per lane: real error, inside the bound.
    expect(d[0]!.maxRelErr).toBeGreaterThan(1e-4);
    expect(d[0]!.boundRatio).toBeGreaterThan(0);
    expect(d[0]!.boundRatio).toBeLessThanOrEqual(1);
    const text = await cli('check', '--arch', archPath('pim/hbm-pim-aquabolt-xl'));
    expect(text.stdout).toMatch(/· M 4 N 16 K 4096 ·/);
  });

  it('a scheme the PIM unit does not compute in claims nothing: a user error', async () => {
    const r = await cli('check', '--arch', archPath('pim/hbm-pim-aquabolt-xl'), '--quant', 'bf16');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no datapath of pim-dram runs quant scheme 'bf16'/);
  });
});
