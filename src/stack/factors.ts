/**
 * The numeric knobs of a software stack, declared once like an arch kind's calibration factors
 * (src/arch/calibration.ts): name, unit, range, default, meaning, source. A stack file's
 * `calibration` section accepts these names only; every run with a stack lists the value it used
 * and whether the stack file set it (`config`) or the default applied. `accelscope calibrate`
 * enumerates this list to know what it may fit for a stack (one number per stack, never per shape).
 */
import type { CalibrationDeclaration } from '../arch/calibration.ts';

export const STACK_FACTORS = [
  {
    name: 'graphKernelGapSeconds',
    unit: 's',
    min: 0,
    max: 1e-4,
    default: 0,
    meaning: 'Device-side idle time between two consecutive kernels of a CUDA-graph replay (the next grid starts after the previous one drains), per kernel.',
    source: 'accelscope default 0 (no gap); each stack that replays CUDA graphs sets its own, sourced, value',
  },
  {
    name: 'hostLaunchSeconds',
    unit: 's',
    min: 0,
    max: 1e-3,
    default: 0,
    meaning:
      'Host (CPU) time to issue one kernel in eager mode: framework dispatch plus the driver launch call. The device runs kernel i no earlier than the host has issued it.',
    source: 'accelscope default 0 (host never the bottleneck); each eager stack sets its own, sourced, value',
  },
  {
    name: 'hostStepSeconds',
    unit: 's',
    min: 0,
    max: 1,
    default: 0,
    meaning: 'Host time per step the device waits for and that no kernel overlaps: graph launch, framework code before the first kernel.',
    source: 'accelscope default 0; each stack sets its own, sourced, value',
  },
] as const satisfies CalibrationDeclaration;

export type StackFactorName = (typeof STACK_FACTORS)[number]['name'];
