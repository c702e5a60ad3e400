/**
 * LUT tensor-core model: mpGEMM by table lookup (hw/lut-tensor-core/README.md). One kind, two
 * machines selected by `lut.variant`: the LUT Tensor Core hardware ('tensor-core') and T-MAC
 * CPU kernels ('cpu'). Both count tables, lookups and bit planes with mpgemm.ts.
 */
import { LUT_CALIBRATION } from './calibration.ts';
import { lutDatapaths } from './kind-datapaths.ts';
import type { Ceilings, HardwareModel } from '../model.ts';
import { lutArchSchema, type LutArchConfig } from './schema.ts';
import { cpuCeilings, simulateCpu, type CpuArch } from './cpu.ts';
import { simulateTensorCore, tensorCoreCeilings, type TensorCoreArch } from './tensor-core.ts';

function ceilings(c: LutArchConfig): Ceilings {
  return c.lut.variant === 'cpu' ? cpuCeilings(c as CpuArch) : tensorCoreCeilings(c as TensorCoreArch);
}

export const lutTensorCoreModel: HardwareModel<LutArchConfig> = {
  kind: 'lut-tensor-core',
  description: 'Low-bit weight GEMMs by table lookup: LUT Tensor Core units (variant tensor-core) or T-MAC CPU kernels (variant cpu).',
  schema: lutArchSchema,
  calibration: LUT_CALIBRATION,
  datapaths: lutDatapaths,
  presetScheme: 'w2a16-g128',
  ceilings,
  clockHz: (c) => c.lut.clockHz,
  usesThreads: (c) => c.lut.variant === 'cpu',
  simulate: (op, c, q, options) => (c.lut.variant === 'cpu' ? simulateCpu(op, c as CpuArch, q, options) : simulateTensorCore(op, c as TensorCoreArch, q)),
};
