/**
 * The FPGA arch config as the model reads it: the `fpga` section's types, declared once in
 * schema.ts (TypeBox) and re-exported here for the model's files.
 */
export type {
  BlockSparsity,
  BufferSpec,
  DspKind,
  FpgaAccelerator,
  FpgaArchConfig,
  FpgaDevice,
  FpgaSection,
  Mpe,
  NmSparsity,
  OffChipMemory,
  OnChipMemory,
  Sfu,
  SparsityRule,
} from './schema.ts';
