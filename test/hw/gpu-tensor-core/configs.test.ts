/** Every GPU preset validates, carries the structure the model reads, and sources every value. */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { ROOT } from '../../helpers.ts';
import { loadArch } from '../../../src/config/load.ts';
import { gpuTensorCoreModel, type GpuArchConfig } from '../../../src/hw/gpu-tensor-core/model.ts';
import { resolveCalibration } from '../../../src/arch/calibration.ts';
import { GPU_CALIBRATION } from '../../../src/hw/gpu-tensor-core/calibration.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { gemm } from './fixtures.ts';
import { validateArch } from '../../../src/config/load.ts';

const dir = `${ROOT}/arch-configs/gpu`;
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('GPU arch presets', () => {
  it('the six required presets exist', () => {
    for (const f of ['h100-sxm', 'a100-sxm-80gb', 'h200', 'l40s', 'rtx-4090', 'jetson-agx-orin']) expect(files).toContain(`${f}.json`);
  });

  for (const f of files) {
    it(`${f}: validates, is sourced, names its calibration, and simulates a GEMM`, () => {
      const c = loadArch(`${dir}/${f}`) as GpuArchConfig;
      expect(c.power?.tdpW).toBeGreaterThan(0);
      expect(c.power?.idleW).toBeGreaterThanOrEqual(0);
      const src = c.sources ?? {};
      const sourced = (ptr: string) => Object.keys(src).some((k) => ptr === k || ptr.startsWith(`${k}/`) || k.startsWith(`${ptr}/`));
      for (const key of Object.keys(c.gpu)) expect(sourced(`/gpu/${key}`), `/gpu/${key} has no source`).toBe(true);
      for (const ptr of ['/memory', '/compute/matrixOpsPerSecond', '/power/tdpW', '/power/idleW', '/onChip/0'])
        expect(sourced(ptr), `${ptr} has no source`).toBe(true);
      // every factor the model reads for this config (the limiter's window only under a sustained limit) is set, with a source
      for (const u of resolveCalibration(c, GPU_CALIBRATION)) {
        expect(u.origin, u.name).toBe('config');
        expect(c.calibration?.[u.name]?.source, u.name).toBeTruthy();
      }
      // The structural tensor rate reproduces the datasheet peak within 2 % for fp16.
      const peak = c.gpu.tensorFmaPerClockPerSm.fp16! * 2 * c.gpu.sms * c.gpu.clockHz;
      expect(Math.abs(peak / c.compute.matrixOpsPerSecond.fp16! - 1)).toBeLessThan(0.02);
      // The DRAM interface reproduces the quoted bandwidth: bus width × pin rate / 8 within 1 %.
      const dram = c.gpu.dram!;
      expect(Math.abs((dram.busWidthBits * dram.pinRateBps) / 8 / c.memory.bandwidthBps - 1)).toBeLessThan(0.01);
      const r = gpuTensorCoreModel.simulate(gemm(256, 4096, 4096), c, parseQuantScheme('fp16'));
      expect(r.seconds).toBeGreaterThan(0);
    });
  }

  it('the gpu section is strict: an unknown key names its pointer', () => {
    const c = loadArch(`${dir}/h100-sxm.json`);
    let err: unknown;
    try {
      validateArch({ ...c, gpu: { ...(c as GpuArchConfig).gpu, smCount: 1 } }, 'x.json');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'schema', file: 'x.json', pointer: '/gpu', message: "unknown property 'smCount'" });
  });
});
