/**
 * GPU tensor-core model. Until the cycle-approximate model lands (issue 5) it evaluates the
 * roofline of the config's peaks; the structure it will read is already in the `gpu` section.
 */
import type { ArchConfig } from '../../config/arch.ts';
import type { Ceilings, HardwareModel } from '../model.ts';
import { rooflineOpResult } from '../roofline/roofline.ts';
import { gpuArchSchema } from './schema.ts';

export interface GpuArchConfig extends ArchConfig {
  compute: NonNullable<ArchConfig['compute']>;
  gpu: { sms: number; clockHz: number; [k: string]: unknown };
}

export function gpuCeilings(c: GpuArchConfig): Ceilings {
  return {
    matrix: c.compute.matrixOpsPerSecond,
    vector: c.compute.vectorOpsPerSecond,
    memory: [
      { level: 'dram', bandwidthBps: c.memory.bandwidthBps, capacityBytes: c.memory.capacityBytes },
      ...(c.onChip ?? []).map((l) => ({ level: l.level, bandwidthBps: l.bandwidthBps, capacityBytes: l.capacityBytes })),
    ],
  };
}

export const gpuTensorCoreModel: HardwareModel<GpuArchConfig> = {
  kind: 'gpu-tensor-core',
  description: 'NVIDIA-style GPU: SMs with tensor cores, L2, HBM/GDDR.',
  schema: gpuArchSchema,
  ceilings: gpuCeilings,
  clockHz: (c) => c.gpu.clockHz,
  simulate: (op, c, q) => rooflineOpResult(op, c, gpuCeilings(c), q, c.gpu.clockHz),
};
