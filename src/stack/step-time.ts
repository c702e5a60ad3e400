/**
 * A step's wall time under a stack's launch mode, from the device time of each kernel (the
 * hardware model's op times) and the stack's factors (src/stack/factors.ts):
 *   cuda-graph: hostStep + Σ device + kernels · graphKernelGapSeconds (one replay; the host
 *               issues nothing per kernel);
 *   eager / runtime: two streams. The host issues kernel i at h_i = hostStep + i · hostLaunch;
 *               the device starts it at max(h_i, end of kernel i−1). A step of small kernels is
 *               host-bound (≈ kernels · hostLaunch), one of large kernels device-bound.
 * An op that stands for several kernels (a split-KV attention and its combine) is split evenly;
 * an op absorbed by another kernel (0 launches) adds its device time to the previous kernel.
 */
import { calibrationOf } from '../arch/calibration.ts';
import { STACK_FACTORS, type StackFactorName } from './factors.ts';
import type { Stack } from './schema.ts';

export interface KernelTime {
  /** Device seconds of the op (all its kernels). */
  seconds: number;
  /** Launches it stands for. */
  kernels: number;
}

export interface StackStep {
  seconds: number;
  breakdown: {
    /** Σ device time of the kernels. */
    deviceSeconds: number;
    kernels: number;
    /** Host time the step spends issuing work (hostStep + kernels · hostLaunch in eager mode). */
    hostSeconds: number;
    /** CUDA-graph gaps between kernels. */
    gapSeconds: number;
    /** Device idle while waiting for the host (eager: host-bound stretches; both: hostStep). */
    hostWaitSeconds: number;
  };
}

export function stackFactor(stack: Stack, name: StackFactorName): number {
  return calibrationOf(stack, STACK_FACTORS, name);
}

export function stackStepTime(kernels: readonly KernelTime[], stack: Stack): StackStep {
  const hostStep = stackFactor(stack, 'hostStepSeconds');
  let device = 0;
  let n = 0;
  for (const k of kernels) {
    device += k.seconds;
    n += k.kernels;
  }
  if (stack.launch === 'cuda-graph') {
    const gap = stackFactor(stack, 'graphKernelGapSeconds');
    const gapSeconds = n * gap;
    return {
      seconds: hostStep + device + gapSeconds,
      breakdown: { deviceSeconds: device, kernels: n, hostSeconds: hostStep, gapSeconds, hostWaitSeconds: hostStep },
    };
  }
  const launch = stackFactor(stack, 'hostLaunchSeconds');
  let host = hostStep;
  let end = 0;
  for (const k of kernels) {
    if (k.kernels === 0) {
      end += k.seconds;
      continue;
    }
    const each = k.seconds / k.kernels;
    for (let i = 0; i < k.kernels; i++) {
      host += launch;
      end = Math.max(end, host) + each;
    }
  }
  return { seconds: end, breakdown: { deviceSeconds: device, kernels: n, hostSeconds: host, gapSeconds: 0, hostWaitSeconds: end - device } };
}
