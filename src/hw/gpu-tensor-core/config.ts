/**
 * The GPU arch config as the model reads it: the `gpu` section's type (declared in schema.ts),
 * the calibration accessor and small helpers.
 */
import type { ArchConfig } from '../../arch/base.ts';
import type { ComputeDtype } from '../../quant/types.ts';
import { InfeasibleError } from '../../util/errors.ts';
import type { SimOptions } from '../model.ts';
import { calibrationOf } from '../../arch/calibration.ts';
import { GPU_CALIBRATION, type GpuCalibrationName } from './calibration.ts';

export type { GemmKernelClass, GpuSection, GpuTile } from './schema.ts';
import type { GemmKernelClass, GpuSection, GpuTile } from './schema.ts';

/** Tiles a kernel class may use. */
export function tilesFor(c: GpuArchConfig, kernel: GemmKernelClass): GpuTile[] {
  // Once per tile list (configs are not modified once validated; a sweep point copies only the
  // swept paths, so its points share the base's list): no array per GEMM timing.
  let byKernel = tilesByKernel.get(c.gpu.tiles);
  if (!byKernel) tilesByKernel.set(c.gpu.tiles, (byKernel = new Map<GemmKernelClass, GpuTile[]>()));
  let tiles = byKernel.get(kernel);
  if (!tiles) byKernel.set(kernel, (tiles = c.gpu.tiles.filter((t) => !t.kernels || t.kernels.includes(kernel))));
  return tiles;
}
const tilesByKernel = new WeakMap<readonly GpuTile[], Map<GemmKernelClass, GpuTile[]>>();

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
    throw new InfeasibleError(`${c.name} has no tensor-core rate for ${dtype} (has ${Object.keys(c.gpu.tensorFmaPerClockPerSm).join(', ')})`, {
      pointer: '/gpu/tensorFmaPerClockPerSm',
    });
  }
  return v;
}
