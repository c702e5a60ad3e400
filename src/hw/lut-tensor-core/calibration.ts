/**
 * The LUT model's calibration factors. They apply to the 'tensor-core' variant (a LUT unit beside
 * a host GPU's memory system); the 'cpu' variant (T-MAC) times memory from its measured per-core
 * and shared bandwidths and has no factor. Defaults leave the structure untouched (no launch
 * cost, the full bandwidth); the shipped preset sets both with its source.
 */
import type { CalibratedConfig, CalibrationDeclaration } from '../../arch/calibration.ts';

const tensorCoreVariant = (c: CalibratedConfig): boolean => (c['lut'] as { variant?: string } | undefined)?.variant === 'tensor-core';

export const LUT_CALIBRATION = [
  {
    name: 'dramBandwidthEfficiency',
    unit: 'fraction',
    min: 0,
    minExclusive: true,
    max: 1,
    default: 1,
    meaning: 'Fraction of the peak DRAM bandwidth the host memory system sustains for the LUT kernels.',
    source: "accelscope default: none applied (the peak); a preset sets its host GPU's measured fraction",
    usedBy: tensorCoreVariant,
  },
  {
    name: 'kernelLaunchSeconds',
    unit: 's',
    min: 0,
    max: 1e-3,
    default: 0,
    meaning: 'Host-side cost of starting and draining one LUT kernel (and a separate table precompute kernel).',
    source: "accelscope default: none charged; a preset sets its host GPU's value",
    usedBy: tensorCoreVariant,
  },
] as const satisfies CalibrationDeclaration;
