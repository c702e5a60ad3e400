/**
 * Hardware kind → model. A new family is one folder under hw/ plus one line here; the type
 * makes tsc fail when a listed kind has no model.
 */
import type { ArchConfig } from '../config/arch.ts';
import type { HardwareModel } from './model.ts';
import { gpuTensorCoreModel } from './gpu-tensor-core/model.ts';
import { lutTensorCoreModel } from './lut-tensor-core/model.ts';
import { fpgaDspChainModel } from './fpga-dsp-chain/model.ts';
import { pimDramModel } from './pim-dram/model.ts';
import { AccelscopeError } from '../util/errors.ts';

export type HardwareKind = 'gpu-tensor-core' | 'lut-tensor-core' | 'fpga-dsp-chain' | 'pim-dram';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const HARDWARE_MODELS: Record<HardwareKind, HardwareModel<any>> = {
  'lut-tensor-core': lutTensorCoreModel,
  'gpu-tensor-core': gpuTensorCoreModel,
  'fpga-dsp-chain': fpgaDspChainModel,
  'pim-dram': pimDramModel,
};

export function hardwareKinds(): string[] {
  return Object.keys(HARDWARE_MODELS);
}

export function getModel(kind: string, where: { file?: string; pointer?: string } = {}): HardwareModel<ArchConfig> {
  const m = Object.hasOwn(HARDWARE_MODELS, kind) ? (HARDWARE_MODELS as Record<string, HardwareModel<ArchConfig>>)[kind] : undefined;
  if (!m) {
    throw new AccelscopeError('unknown-kind', `unknown hardware kind '${kind}' (known: ${hardwareKinds().join(', ')})`, where);
  }
  return m;
}
