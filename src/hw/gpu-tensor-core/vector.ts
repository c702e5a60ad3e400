/**
 * Norms, activations, rotary, residual adds, softmax and embedding gathers: bandwidth-bound
 * kernels on the CUDA cores. time = launch + DRAM latency + max(bytes / achievable bandwidth,
 * FLOPs / CUDA-core rate, strided-loop latency chain). Fusion flags remove a kernel's launch and
 * the traffic the fused kernel no longer moves. An op that reads strided views under a stack that
 * describes its strided loop (strided-loop.ts) cannot keep more loads in flight than its resident
 * threads hold: its loads take a chain of DRAM latencies that may outlast the bandwidth term.
 */
import type { Op } from '../../workload/graph.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { activationStorageBytes, opFlops, opTraffic } from '../../workload/ops.ts';
import { cal, l2CapacityBytes, STRUCTURE_DEFAULTS, type GpuArchConfig, type L2State } from './config.ts';
import type { StridedLoop } from '../../stack/schema.ts';
import { stridedLoopTiming } from './strided-loop.ts';

export interface VectorTiming {
  seconds: number;
  terms: { launch: number; fill: number; dram: number; compute: number; strided: number };
  bytes: { dram: number; writeback: number };
  bound: 'compute' | 'memory' | 'latency' | 'overhead';
  /** Which fusion absorbed this op, if any. */
  fusedInto?: string;
}

/** The fusion (if any) that absorbs an op, and the bytes it still moves on its own. */
export function vectorFusion(op: Op, c: GpuArchConfig, q: QuantScheme): { fusedInto?: string; bytes: number; launch: boolean } {
  const f = c.gpu.fusion ?? {};
  const bytes = opTraffic(op, q).total;
  if (op.kind === 'elementwise') {
    const one = op.elements * activationStorageBytes(q) * (op.count ?? 1);
    if (f.fusedResidualNorm && op.cls === 'residual' && op.fn === 'add') {
      // The add runs inside the next norm kernel: the sum is written once and not read back.
      return { fusedInto: 'fusedResidualNorm', bytes: Math.max(0, bytes - one), launch: false };
    }
    if (f.fusedActivation && op.cls === 'activation') {
      // Applied in the GEMM epilogue on values still in registers.
      return { fusedInto: 'fusedActivation', bytes: 0, launch: false };
    }
    if (f.fusedRotary && op.cls === 'rotary') {
      // Applied by the attention kernel to Q and K after it loads them.
      return { fusedInto: 'fusedRotary', bytes: 0, launch: false };
    }
  }
  return { bytes, launch: true };
}

export function vectorTiming(op: Op, c: GpuArchConfig, q: QuantScheme, l2State: L2State, stridedLoop?: StridedLoop): VectorTiming {
  const g = c.gpu;
  const fz = vectorFusion(op, c, q);
  const flops = opFlops(op);
  const launch = fz.launch ? cal(c, 'kernelLaunchSeconds') : 0;
  const fill = fz.launch ? (g.dramLatencySeconds ?? STRUCTURE_DEFAULTS.dramLatencySeconds) : 0;
  const writeback = l2State === 'flushed' ? Math.min(l2CapacityBytes(c), fz.bytes) : 0;
  const dramBytes = fz.bytes + writeback;
  const dram = dramBytes / (c.memory.bandwidthBps * cal(c, 'dramBandwidthEfficiency'));
  const compute = flops / (g.cudaCoreFlopsPerClockPerSm * g.sms * g.clockHz);
  // Loads of a strided loop: a latency chain (a memory-level-parallelism limit, so 'latency' when it dominates).
  const strided =
    stridedLoop && op.kind === 'elementwise' && op.stridedInputs && fz.launch ? stridedLoopTiming(op, c, stridedLoop, activationStorageBytes(q)).seconds : 0;
  const main = Math.max(dram, compute, strided);
  const seconds = launch + fill + main;
  const bound =
    main === 0 && launch === 0 ? 'overhead' : launch + fill > main || strided > Math.max(dram, compute) ? 'latency' : compute > dram ? 'compute' : 'memory';
  return {
    seconds,
    terms: { launch, fill, dram, compute, strided },
    bytes: { dram: dramBytes, writeback },
    bound,
    ...(fz.fusedInto ? { fusedInto: fz.fusedInto } : {}),
  };
}
