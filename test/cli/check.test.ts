import { describe, expect, it } from 'vitest';
import { cli, archPath } from '../helpers.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

describe('accelscope check', () => {
  it('runs the datapaths of an arch kind and passes (exit 0)', async () => {
    const r = await cli('check', '--arch', archPath('fpga/u280-flightllm'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dsp48e2-int8x2 .* PASS/);
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
    expect(r.stdout).toMatch(/pim-aim-bf16 .* PASS/);
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
