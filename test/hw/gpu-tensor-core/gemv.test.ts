/**
 * The CUDA-core GEMV of weight-only decode (src/hw/gpu-tensor-core/gemv.ts) under the tinychat
 * stack (TinyChat 2.0's gemv_forward_cuda_new): the weight is dequantized once for all activation
 * rows, then multiply-accumulated per row, so the instruction count is N·K·(dequant + M·perRow).
 * On a Jetson AGX Orin (2048 CUDA cores at 1.3 GHz, 204.8 GB/s LPDDR5) batch-1 decode is
 * bandwidth-bound; the kernel turns ALU-bound at the first M where the instructions outrun the
 * weight stream — computed here from the config, checked on both sides of the switch.
 */
import { describe, expect, it } from 'vitest';
import { gpuTensorCoreModel, type GpuArchConfig } from '../../../src/hw/gpu-tensor-core/model.ts';
import { loadQuant } from '../../../src/config/load.ts';
import { loadStack } from '../../../src/config/load-stack.ts';
import { resolveShippedName } from '../../../src/catalog/resolve-name.ts';
import { makeArch, ROOT } from '../../helpers.ts';
import { gemm } from './fixtures.ts';

const orin = makeArch<GpuArchConfig>('gpu/jetson-agx-orin');
const tinychat = loadStack(resolveShippedName('stacks', 'tinychat', '--stack'));
const awq = loadQuant(`${ROOT}/workloads/quant/tinychat-awq-w4a16.json`);
const family = tinychat.gemm!.find((f) => f.kernel === 'cuda-core-gemv')!;
const n = 11008;
const k = 4096;
const sim = (m: number) => gpuTensorCoreModel.simulate(gemm(m, n, k), orin, awq, { stack: tinychat });

describe('TinyChat GEMV on a Jetson AGX Orin', () => {
  const lanesPerS = (orin.gpu.cudaCoreFlopsPerClockPerSm / 2) * orin.gpu.sms * orin.gpu.clockHz;
  const dramBps = orin.memory.bandwidthBps * orin.calibration!['dramBandwidthEfficiency']!.value;
  const aluS = (m: number) => (n * k * (family.dequantOpsPerWeight! + m * family.opsPerWeight!)) / lanesPerS;

  it('instructions: N·K·(dequant once + M × per row), exactly', () => {
    for (const m of [1, 2, 7]) expect(sim(m).breakdown!['aluS']).toBeCloseTo(aluS(m), 15);
    // the dequantization is not repeated per row: 7 rows cost far less than 7 × one row
    expect(sim(7).breakdown!['aluS']!).toBeLessThan(7 * sim(1).breakdown!['aluS']!);
  });

  it('bytes: 4.25 bits per weight (fp16 scale and fp16 zero per group of 128, as TinyChat stores them)', () => {
    expect(awq.weights.bitsPerElement).toBe(4.25);
    const r = sim(1);
    expect(r.bytes['dram']).toBe((n * k * 4.25) / 8 + k * 2 + n * 2);
  });

  it('batch 1 is bandwidth-bound; the first ALU-bound M is where the instructions outrun the weight stream', () => {
    const dramS = sim(1).breakdown!['dramS']!;
    expect(dramS).toBeCloseTo(sim(1).bytes['dram']! / dramBps, 15);
    expect(sim(1).bound).toBe('memory');
    // first M whose instruction time exceeds its DRAM time, from the config alone (weights at 4.25 bits,
    // plus one fp16 activation row and one fp16 output row per M)
    const dramOf = (m: number) => ((n * k * 4.25) / 8 + m * k * 2 + m * n * 2) / dramBps;
    let switchM = 0;
    for (let m = 1; m <= 7 && !switchM; m++) if (aluS(m) > dramOf(m)) switchM = m;
    // 2.28125 + 1.0625·M instructions against ~8.6 instruction-times per weight-stream time on the Orin: M = 7
    expect(switchM).toBe(7);
    expect(sim(switchM - 1).bound).toBe('memory');
    expect(sim(switchM).bound).toBe('compute');
    // beyond it the time grows with M; below it the time is the weight stream (flat in M but for the activation rows)
    expect(sim(7).seconds).toBeGreaterThan(sim(6).seconds);
    expect(sim(2).seconds / sim(1).seconds).toBeLessThan(1.002);
  });

  it('M = 8 leaves the GEMV (TinyChat calls it while M < 8) for the tensor-core AWQ GEMM', () => {
    expect(sim(7).notes![0]).toMatch(/awq-gemv/);
    expect(sim(8).notes![0]).toMatch(/awq-gemm/);
  });
});
