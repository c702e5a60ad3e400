/**
 * A GEMV-style kernel on the CUDA cores for weight-only quantized decode (TinyChat/AWQ
 * `gemv_forward_cuda`, llama.cpp `mul_mat_vec_q`): every weight is unpacked, converted and scaled
 * in the inner loop, once per activation row, then multiply-accumulated — no tensor cores.
 *   time = launch + DRAM latency + max(bytes / achievable bandwidth,
 *                                     N·K · (dequantOpsPerWeight + M·opsPerWeight) / (CUDA-core lanes · SMs · clock))
 * CUDA-core lanes = cudaCoreFlopsPerClockPerSm / 2 (an FMA is 2 FLOPs, one instruction).
 * dequantOpsPerWeight: work a kernel does once per weight whatever the rows (TinyChat's
 * gemv_forward_cuda_new dequantizes into registers before its loop over rows); 0 for a kernel
 * that dequantizes once per row.
 */
import type { GemmOp } from '../../workload/graph.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { activationStorageBytes } from '../../workload/ops.ts';
import { cal, l2CapacityBytes, STRUCTURE_DEFAULTS, type GpuArchConfig, type L2State } from './config.ts';

export interface GemvTiming {
  seconds: number;
  terms: { launch: number; fill: number; dram: number; alu: number };
  bytes: { dram: number; writeback: number };
  aluOps: number;
  bound: 'compute' | 'memory' | 'latency';
}

export function gemvTiming(
  op: GemmOp,
  c: GpuArchConfig,
  q: QuantScheme,
  l2State: L2State,
  opsPerWeight: number,
  noLaunch = false,
  dequantOpsPerWeight = 0,
): GemvTiming {
  const g = c.gpu;
  const w = op.weight === 'layer' ? q.weights : op.weight === 'aux' ? q.embeddings : q.activations;
  const act = activationStorageBytes(q);
  const weightBytes = ((op.k * op.n * w.bitsPerElement) / 8) * (op.weight === 'none' ? op.batch : 1);
  const read = weightBytes + op.batch * op.m * op.k * act;
  const write = op.batch * op.m * op.n * act;
  const writeback = l2State === 'flushed' ? Math.min(l2CapacityBytes(c), read + write) : 0;
  const dramBytes = read + write + writeback;
  const dram = dramBytes / (c.memory.bandwidthBps * cal(c, 'dramBandwidthEfficiency'));
  const aluOps = op.batch * op.n * op.k * (dequantOpsPerWeight + op.m * opsPerWeight);
  const alu = aluOps / ((g.cudaCoreFlopsPerClockPerSm / 2) * g.sms * g.clockHz);
  const launch = noLaunch ? 0 : cal(c, 'kernelLaunchSeconds');
  const fill = g.dramLatencySeconds ?? STRUCTURE_DEFAULTS.dramLatencySeconds;
  const main = Math.max(dram, alu);
  return {
    seconds: launch + fill + main,
    terms: { launch, fill, dram, alu },
    bytes: { dram: dramBytes, writeback },
    aluOps,
    bound: launch + fill > main ? 'latency' : alu > dram ? 'compute' : 'memory',
  };
}
