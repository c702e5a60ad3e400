/**
 * The GPU model's calibration factors: one global number each per device, never per shape. Every
 * shipped preset sets the first three with its own source; the two power-limiter factors are set
 * where a preset was calibrated on sustained runs (h100-sxm); the defaults apply to a config that
 * omits one.
 */
import type { CalibrationDeclaration } from '../../arch/calibration.ts';

export const GPU_CALIBRATION = [
  {
    name: 'dramBandwidthEfficiency',
    unit: 'fraction',
    min: 0,
    minExclusive: true,
    max: 1,
    default: 0.85,
    meaning: 'Fraction of the peak DRAM bandwidth a streaming kernel sustains.',
    source:
      'accelscope default: between the measured device-to-device copy fractions of the shipped presets (H100 SXM 0.89, A100 80GB ~0.88; arch-configs/gpu/*.json)',
  },
  {
    name: 'tensorCoreEfficiency',
    unit: 'fraction',
    min: 0,
    minExclusive: true,
    max: 1,
    default: 0.8,
    meaning:
      'Fraction of the tensor rate at the kernel clock a steady GEMM main loop sustains (issue gaps). Clock droop under the board power limit is modeled by gpu.power where a config gives it, not by this factor.',
    source:
      'accelscope default: the plateau of large cuBLAS GEMMs on an H100 SXM (~0.78-0.81 of the datasheet peak; data/measured H100 GEMM sweep, arch-configs/gpu/h100-sxm.json)',
  },
  {
    name: 'kernelLaunchSeconds',
    unit: 's',
    min: 0,
    max: 1e-3,
    default: 2e-6,
    meaning: 'GPU-side cost of one kernel: start of the grid and drain of its last CTAs.',
    source: 'accelscope default (placeholder, unverified): order of magnitude of public kernel-launch microbenchmarks (a few microseconds)',
  },
  {
    name: 'sustainedPowerFraction',
    unit: 'fraction',
    min: 0,
    minExclusive: true,
    max: 1,
    default: 1,
    fitByDefault: false,
    meaning:
      "Average power, as a fraction of power.tdpW and in the watts this model counts, a run may draw once it has loaded the board for much longer than powerLimitWindowSeconds (limiter.ts). 1: the board limit holds at every instant and a run's history changes nothing. Below 1: short runs are limited at tdpW, sustained ones at this fraction of it.",
    source: 'accelscope default: 1 (no history effect); a preset that sets it names the measured runs it was calibrated on',
  },
  {
    name: 'powerLimitWindowSeconds',
    unit: 's',
    min: 0,
    minExclusive: true,
    max: 100,
    default: 0.02,
    fitByDefault: false,
    usedBy: (c) => (c.calibration?.['sustainedPowerFraction']?.value ?? 1) < 1,
    meaning:
      'Time constant of the running average of board power the limiter holds (limiter.ts): after t s of load from idle a run may average idleW + (sustained − idleW)/(1 − e^(−t/τ)) W, at most tdpW. Has no effect while sustainedPowerFraction is 1.',
    source:
      "accelscope default (placeholder, unverified): tens of ms, the order of the H100 preset's calibrated value; unused while sustainedPowerFraction is 1",
  },
] as const satisfies CalibrationDeclaration;

export type GpuCalibrationName = (typeof GPU_CALIBRATION)[number]['name'];
