/**
 * An elementwise kernel on strided views, as a framework's generic strided loop runs it
 * (docs/models/software-stacks.md § Strided elementwise loops). PyTorch runs an elementwise op
 * whose operands are not all contiguous with `launch_legacy_kernel<128, unroll>`: each thread
 * handles `elementsPerThread` elements one after another, and for each it computes the offsets,
 * loads the inputs, computes and stores before the next element's loads issue (the store through
 * one `char*`-derived pointer may alias the next loads, so they are not hoisted). A thread then
 * has the loads of `elementsInFlightPerThread` element(s) outstanding at a time, and the
 * device's resident threads bound the bytes in flight: by Little's law the loads take
 *
 *   rounds  = ⌈threads / resident threads⌉ · ⌈elementsPerThread / elementsInFlightPerThread⌉
 *   chain   = rounds · DRAM latency
 *
 * where threads = ⌈elements / elementsPerThread⌉ and resident threads = SMs · maxThreadsPerSm.
 * Stores do not wait. The first round's latency is the pipeline fill every kernel pays
 * (vector.ts), so the loop adds (rounds − 1) · latency as a floor beside the bandwidth term.
 * A contiguous (vectorized) kernel loads all of its elements at once: one round.
 */
import type { ElementwiseOp } from '../../workload/graph.ts';
import type { StridedLoop } from '../../stack/schema.ts';
import { STRUCTURE_DEFAULTS, type GpuArchConfig } from './config.ts';

export interface StridedLoopTiming {
  /** Dependent load latencies each thread waits through, over every wave of resident threads. */
  rounds: number;
  /** Threads of the grid and threads resident at once. */
  threads: number;
  residentThreads: number;
  /** (rounds − 1) · latency: the time beyond the first latency (the kernel's fill). */
  seconds: number;
}

/** Elements per thread of the loop for an output element of `outputBytes`. */
export function loopElementsPerThread(loop: StridedLoop, outputBytes: number): number {
  return outputBytes >= 4 ? loop.elementsPerThreadWide : loop.elementsPerThread;
}

/** The latency chain of an elementwise op run by the stack's strided loop. */
export function stridedLoopTiming(op: ElementwiseOp, c: GpuArchConfig, loop: StridedLoop, outputBytes: number): StridedLoopTiming {
  const g = c.gpu;
  const elements = op.elements * (op.count ?? 1);
  const perThread = loopElementsPerThread(loop, outputBytes);
  const threads = Math.ceil(elements / perThread);
  const residentThreads = g.sms * (g.maxThreadsPerSm ?? STRUCTURE_DEFAULTS.maxThreadsPerSm);
  const waves = Math.ceil(threads / residentThreads);
  const rounds = elements > 0 ? waves * Math.ceil(perThread / loop.elementsInFlightPerThread) : 0;
  const latency = g.dramLatencySeconds ?? STRUCTURE_DEFAULTS.dramLatencySeconds;
  return { rounds, threads, residentThreads, seconds: Math.max(0, rounds - 1) * latency };
}
