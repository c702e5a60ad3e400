/**
 * Hardware kind → model. A new family is one folder under hw/ plus one line here; the type
 * makes tsc fail when a listed kind has no model.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { HardwareModel } from './model.ts';
import { gpuTensorCoreModel } from './gpu-tensor-core/model.ts';
import { lutTensorCoreModel } from './lut-tensor-core/model.ts';
import { fpgaDspChainModel } from './fpga-dsp-chain/model.ts';
import { pimDramModel } from './pim-dram/kind.ts';
import { AccelscopeError } from '../util/errors.ts';

export type HardwareKind = 'gpu-tensor-core' | 'lut-tensor-core' | 'fpga-dsp-chain' | 'pim-dram';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const HARDWARE_MODELS: Record<HardwareKind, HardwareModel<any>> = {
  'lut-tensor-core': lutTensorCoreModel,
  'gpu-tensor-core': gpuTensorCoreModel,
  'fpga-dsp-chain': fpgaDspChainModel,
  'pim-dram': pimDramModel,
};

/**
 * Kinds registered at run time (tests, out-of-tree models): the example kind of
 * docs/adding-a-hardware-model.md registers itself here. The shipped kinds are the lines above.
 */
const extraModels = new Map<string, HardwareModel<ArchConfig>>();

/** Registers a kind until the returned function is called; a kind already registered is an error. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registerHardwareModel(m: HardwareModel<any>): () => void {
  if (Object.hasOwn(HARDWARE_MODELS, m.kind) || extraModels.has(m.kind)) throw new Error(`hardware kind '${m.kind}' is already registered`);
  extraModels.set(m.kind, m as HardwareModel<ArchConfig>);
  return () => void extraModels.delete(m.kind);
}

export function hardwareKinds(): string[] {
  return [...Object.keys(HARDWARE_MODELS), ...extraModels.keys()];
}

export function getModel(kind: string, where: { file?: string; pointer?: string } = {}): HardwareModel<ArchConfig> {
  const m = Object.hasOwn(HARDWARE_MODELS, kind) ? (HARDWARE_MODELS as Record<string, HardwareModel<ArchConfig>>)[kind] : extraModels.get(kind);
  if (!m) {
    throw new AccelscopeError('unknown-kind', `unknown hardware kind '${kind}' (known: ${hardwareKinds().join(', ')})`, where);
  }
  return m;
}
