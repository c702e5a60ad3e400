/**
 * A host's per-kernel launch cost from one measured step that the host bounds (hosts/*.json,
 * docs/models/software-stacks.md § Hosts). In an eager step the host issues the kernels one after
 * another and the device runs each no earlier than its issue (src/stack/step-time.ts); when the
 * device is never the bottleneck the step ends when the last kernel, issued last, finishes:
 *   measured = kernels · hostLaunch + last kernel's device time.
 * The kernel count and the last kernel's time come from the model's run of that step under the
 * stack (its device times do not depend on the host). A step whose device time reaches the host
 * time it implies is not host-bound and gives no figure: an error, not a number.
 */
import type { RunResult } from '../engine/run.ts';
import { hostLaunchOfHostBoundStep } from '../stack/host.ts';

export interface HostBoundDerivation {
  measuredSeconds: number;
  kernels: number;
  /** Device time of the step's last kernel (the lm_head GEMV of a decode step). */
  lastKernelSeconds: number;
  /** Σ device time of the step's kernels (model). */
  deviceSeconds: number;
  hostLaunchSeconds: number;
}

export function hostLaunchFromRun(measuredSeconds: number, r: RunResult): HostBoundDerivation {
  const step = r.stack?.step;
  if (!step) throw new RangeError('a host-bound derivation needs a run under an eager software stack');
  const last = r.ops[r.ops.length - 1];
  if (!last) throw new RangeError('a host-bound derivation needs a step with kernels');
  const lastKernelSeconds = last.seconds / Math.max(1, last.count);
  const hostLaunchSeconds = hostLaunchOfHostBoundStep(measuredSeconds, step.kernels, lastKernelSeconds);
  // Host-bound: the host's issue time for everything before the last kernel exceeds the device's work.
  if (hostLaunchSeconds * step.kernels < step.deviceSeconds - lastKernelSeconds) {
    throw new RangeError(
      `the step is not host-bound: ${step.kernels} kernels at ${(hostLaunchSeconds * 1e6).toFixed(1)} µs issue in ${(hostLaunchSeconds * step.kernels * 1e3).toFixed(2)} ms, the device needs ${(step.deviceSeconds * 1e3).toFixed(2)} ms`,
    );
  }
  return { measuredSeconds, kernels: step.kernels, lastKernelSeconds, deviceSeconds: step.deviceSeconds, hostLaunchSeconds };
}
