/**
 * What a software stack (src/stack/, docs/models/software-stacks.md) changes for the GPU model,
 * as a view of the arch config the existing timing functions read:
 *   - fusion flags from the stack's fusions (q/k/v and gate/up are already one GEMM in the kernel
 *     graph, so their flags are off);
 *   - the attention backend of the op's phase: its block sizes, whether softmax overlaps the
 *     MMAs, whether decode splits the KV sequence, and the rate of its MMA instruction
 *     (`mma.sync` runs at the device's `mmaSyncRateScale`; Hopper's full rate needs wgmma);
 *   - the GEMM kernel family for (activation dtype, weight bits, M): its library's CTA tiles and
 *     instruction, split-K policy, the rows it pads M to, the bytes it writes per output.
 */
import type { GemmOp, Op } from '../../workload/graph.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { opComputeDtype } from '../../workload/ops.ts';
import type { GemmFamily, MmaInstruction, Stack } from '../../stack/schema.ts';
import type { GpuArchConfig, GpuTile } from './config.ts';

export const DEFAULT_MMA_SYNC_RATE_SCALE = 1;

/** Fraction of the tensor rate an instruction sustains on this device. */
export function instructionRateScale(c: GpuArchConfig, instruction: MmaInstruction | undefined): number {
  return instruction === 'mma.sync' ? (c.gpu.mmaSyncRateScale ?? DEFAULT_MMA_SYNC_RATE_SCALE) : 1;
}

/** What a family matches on: the GEMM's compute dtype (workload/ops.ts) and its B operand's element bits. */
function gemmKey(op: GemmOp, q: QuantScheme): { act: string; weightBits: number } {
  const w = op.weight === 'layer' ? q.weights : op.weight === 'aux' ? q.embeddings : q.activations;
  return { act: opComputeDtype(op, q), weightBits: w.elementBits };
}

/** The stack's GEMM family for this op (first match), if any. */
export function gemmFamilyOf(op: GemmOp, q: QuantScheme, stack: Stack | undefined): GemmFamily | undefined {
  if (!stack?.gemm) return undefined;
  const { act, weightBits } = gemmKey(op, q);
  return stack.gemm.find(
    (f) =>
      (!f.activations || (f.activations as readonly string[]).includes(act)) &&
      (!f.weightBits || f.weightBits.includes(weightBits)) &&
      (f.maxM === undefined || op.m <= f.maxM),
  );
}

/** The arch config a family's kernels see: its tiles at its instruction's rate, its split-K policy. */
export function familyArch(c: GpuArchConfig, f: GemmFamily): GpuArchConfig {
  if (!f.tiles && f.splitK !== false && f.instruction === undefined) return c;
  const rate = instructionRateScale(c, f.instruction);
  const tiles: GpuTile[] = f.tiles
    ? f.tiles.map((t) => ({
        ...t,
        ...(rate !== 1 ? { tensorRateScale: rate } : {}),
        operandSource: f.instruction === 'mma.sync' ? ('registers' as const) : ('smem' as const),
      }))
    : c.gpu.tiles.map((t) => (rate !== 1 && !t.kernels?.includes('mixed-input') ? { ...t, tensorRateScale: Math.min(t.tensorRateScale ?? 1, rate) } : t));
  return { ...c, gpu: { ...c.gpu, tiles, ...(f.splitK === false ? { splitK: { ...c.gpu.splitK, maxSplits: 1 } } : {}) } };
}

/** The arch config an op sees under the stack: fusion flags and, for attention, the backend of its phase. */
export function stackArch(op: Op, c: GpuArchConfig, stack: Stack | undefined): GpuArchConfig {
  if (!stack) return c;
  const fusion = {
    fusedQkv: false,
    fusedGateUp: false,
    fusedResidualNorm: stack.fusions.residualNorm,
    fusedActivation: stack.fusions.activation === 'gemm-epilogue',
    fusedRotary: stack.fusions.rotary === 'attention',
  };
  let gpu = { ...c.gpu, fusion };
  if (op.kind === 'attention' && stack.attention) {
    const b = op.phase === 'prefill' ? stack.attention.prefill : stack.attention.decode;
    const rate = instructionRateScale(c, b.instruction);
    gpu = {
      ...gpu,
      attention: {
        ...c.gpu.attention,
        blockQ: b.blockQ,
        blockKv: b.blockKv,
        ...(b.blockKvNonCausal !== undefined ? { blockKvNonCausal: b.blockKvNonCausal } : {}),
        softmaxOverlap: b.softmaxOverlap,
        ...(b.intraWarpgroupPipeline !== undefined ? { intraWarpgroupPipeline: b.intraWarpgroupPipeline } : {}),
        ...(b.splitKv === false
          ? { decodeSplitMinKeys: Number.MAX_SAFE_INTEGER }
          : b.minKeysPerSplit !== undefined
            ? { decodeSplitMinKeys: b.minKeysPerSplit }
            : {}),
        ...(rate !== 1 ? { tensorRateScale: rate } : {}),
        // The rows a KV head's queries are padded to (an m16n8k16 mma.sync kernel: 16), when the backend says.
        ...(b.mmaRows !== undefined ? { mmaRows: b.mmaRows } : {}),
      },
    };
  }
  return { ...c, gpu };
}
