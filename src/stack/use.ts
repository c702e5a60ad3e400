/** A software stack as a run reports it (RunResult.stack, `--json`, reports). */
import type { ResolvedCalibration } from '../arch/calibration.ts';
import type { LaunchMode, Stack } from './schema.ts';
import type { StackStep } from './step-time.ts';

export interface StackUse {
  name: string;
  /** The stack file (shipped or user). */
  file?: string;
  launch: LaunchMode;
  fusions: Stack['fusions'];
  kvCacheWriteKernels: number;
  /** Attention backend per phase (GPU stacks). */
  attention?: { prefill: string; decode: string };
  /** GEMM kernel families in match order (GPU stacks). */
  gemm?: string[];
  /** The loop that runs elementwise kernels on strided views, and its loads in flight per thread (GPU stacks that describe it). */
  stridedLoop?: { kernel: string; elementsInFlightPerThread: number };
  /** Every stack factor the step used, marked config/default. */
  calibration: ResolvedCalibration[];
  /** The launch-mode terms of this step. */
  step: StackStep['breakdown'];
}
