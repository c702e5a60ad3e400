/**
 * The GPU arch config as the model reads it: the `gpu` section's type, the calibration factors
 * it uses (named, with the default that applies when a config omits one) and small accessors.
 */
import type { ArchConfig } from '../../arch/base.ts';
import type { ComputeDtype } from '../../quant/types.ts';
import { InfeasibleError } from '../../util/errors.ts';
import type { SimOptions } from '../model.ts';
import { calibrationOf } from '../../arch/calibration.ts';
import { GPU_CALIBRATION, type GpuCalibrationName } from './calibration.ts';

export interface GpuTile {
  m: number;
  n: number;
  k: number;
  stages: number;
  /** Thread-block cluster: CTAs along M sharing a multicast B tile, along N sharing an A tile. */
  clusterM?: number;
  clusterN?: number;
  /**
   * Kernel classes built with this tile (absent: every class). 'dense': operands already in the
   * MMA dtype (cuBLAS-style); 'mixed-input': an operand converted in the main loop (weight-only
   * W4A16/W8A16 kernels such as Marlin or Machete).
   */
  kernels?: GemmKernelClass[];
  /** Fraction of `tensorFmaPerClockPerSm` the tile's MMA instruction sustains (mma.sync on Hopper < 1; default 1). */
  tensorRateScale?: number;
  /**
   * 'serial' (default): converted operands are dequantized between the shared-memory load and the
   * MMA in the same warps, adding to the main loop. 'overlapped': a software-pipelined mixed-input
   * kernel interleaves the CUDA-core conversion with the tensor-core MMAs of the previous k-step,
   * so the loop takes the longer of the two (Marlin).
   */
  dequant?: 'serial' | 'overlapped';
  /** Rows / columns of the tile one MMA-issuing unit (warp group for wgmma, warp for mma.sync) owns: shared-memory operand re-reads. Defaults: min(m, 64), n. */
  warpM?: number;
  warpN?: number;
  /**
   * Where the MMA reads its A/B operands: 'registers' (mma.sync: ldmatrix from shared memory into
   * registers first; the default) or 'smem' (Hopper wgmma reading shared-memory descriptors).
   */
  operandSource?: 'registers' | 'smem';
}

export type GemmKernelClass = 'dense' | 'mixed-input';

/** Tiles a kernel class may use. */
export function tilesFor(c: GpuArchConfig, kernel: GemmKernelClass): GpuTile[] {
  return c.gpu.tiles.filter((t) => !t.kernels || t.kernels.includes(kernel));
}

export interface GpuSection {
  sms: number;
  clockHz: number;
  tensorFmaPerClockPerSm: Partial<Record<ComputeDtype, number>>;
  cudaCoreFlopsPerClockPerSm: number;
  sharedMemoryBytesPerSm: number;
  maxCtasPerSm?: number;
  l2BytesPerClockPerSm?: number;
  dramLatencySeconds?: number;
  dram?: { busWidthBits: number; pinRateBps: number; channels?: number };
  tiles: GpuTile[];
  splitK: { maxSplits: number; minKPerSplit: number };
  attention?: { blockQ?: number; blockKv?: number; decodeSplitMinKeys?: number; sfuOpsPerClockPerSm?: number; softmaxOverlap?: boolean };
  dequantOpsPerWeight?: number;
  /** Mean on-die wire distance a byte crosses between an L2 slice and an SM (crossbar), mm; absent: no wire energy charged. */
  l2ToSmWireMm?: number;
  fusion?: {
    fusedQkv?: boolean;
    fusedGateUp?: boolean;
    fusedResidualNorm?: boolean;
    fusedActivation?: boolean;
    fusedRotary?: boolean;
  };
}

export interface GpuArchConfig extends ArchConfig {
  compute: NonNullable<ArchConfig['compute']>;
  gpu: GpuSection;
}

/** A calibration factor's value for this config (the declaration's default when the config has none). */
export function cal(c: GpuArchConfig, name: GpuCalibrationName): number {
  return calibrationOf(c, GPU_CALIBRATION, name);
}

export { STRUCTURE_DEFAULTS } from './schema.ts';
import { STRUCTURE_DEFAULTS } from './schema.ts';

/** State of the L2 when a kernel starts (SimOptions key `l2State`). */
export type L2State = 'cold' | 'flushed';

/**
 * 'flushed': the L2 is full of dirty lines (kernel benchmarks write a large buffer before each
 * timed call, e.g. data/measured), so every line the kernel brings in first evicts a
 * dirty one that is written back to DRAM. 'cold' (default): clean L2, nothing to write back.
 */
export function l2StateOf(options: SimOptions | undefined): L2State {
  const s = options?.['l2State'];
  return s === 'flushed' ? 'flushed' : 'cold';
}

export function l2CapacityBytes(c: GpuArchConfig): number {
  return c.onChip?.find((l) => l.level === 'l2')?.capacityBytes ?? 0;
}

export function l2BandwidthBps(c: GpuArchConfig): number {
  const l2 = c.onChip?.find((l) => l.level === 'l2');
  const perSm = (c.gpu.l2BytesPerClockPerSm ?? STRUCTURE_DEFAULTS.l2BytesPerClockPerSm) * c.gpu.clockHz * c.gpu.sms;
  return l2 ? Math.min(l2.bandwidthBps, perSm) : perSm;
}

/** Tensor-core FMA/clock/SM for a dtype, or InfeasibleError naming the dtypes the device has. */
export function tensorFma(c: GpuArchConfig, dtype: ComputeDtype): number {
  const v = c.gpu.tensorFmaPerClockPerSm[dtype];
  if (v === undefined) {
    throw new InfeasibleError(`${c.name} has no tensor-core rate for ${dtype} (has ${Object.keys(c.gpu.tensorFmaPerClockPerSm).join(', ')})`, { pointer: '/gpu/tensorFmaPerClockPerSm' });
  }
  return v;
}
