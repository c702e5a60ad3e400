/**
 * GPU tensor-core model, cycle-approximate (docs/models/gpu-tensor-core.md): GEMMs through CTA
 * tiles and waves (gemm.ts), FlashAttention / flash-decoding (attention.ts), bandwidth-bound
 * vector kernels (vector.ts). Every op pays a kernel launch unless a fusion flag absorbs it.
 * Joules come from energy/ only.
 */
import { GPU_CALIBRATION } from './calibration.ts';
import { gpuDatapaths } from './kind-datapaths.ts';
import type { Ceilings, HardwareModel, OpResult, SimOptions } from '../model.ts';
import type { Op, GemmOp } from '../../workload/graph.ts';
import type { ComputeDtype, QuantScheme } from '../../quant/types.ts';
import { opFlops, opMacs } from '../../workload/ops.ts';
import { energyOf } from '../../energy/account.ts';
import { gpuArchSchema } from './schema.ts';
import { l2StateOf, type GpuArchConfig } from './config.ts';
import { dtypeBytes, gemmTiming, type GemmFusion, type GemmPin } from './gemm.ts';
import { attentionTiming } from './attention.ts';
import { REGISTER_BYTES_PER_LANE_OP } from './attention-schedule.ts';
import { vectorTiming } from './vector.ts';
import { gemvTiming } from './gemv.ts';
import { familyArch, gemmFamilyOf, stackArch } from './stack-view.ts';
import type { GemmFamily } from '../../stack/schema.ts';
import { powerLimited, type KernelActivity } from './power.ts';
import { powerLimitCurve } from './limiter.ts';

export type { GpuArchConfig } from './config.ts';

export function gpuCeilings(c: GpuArchConfig): Ceilings {
  return {
    matrix: c.compute.matrixOpsPerSecond,
    vector: c.compute.vectorOpsPerSecond,
    memory: [
      { level: 'dram', bandwidthBps: c.memory.bandwidthBps, capacityBytes: c.memory.capacityBytes },
      ...(c.onChip ?? []).map((l) => ({ level: l.level, bandwidthBps: l.bandwidthBps, capacityBytes: l.capacityBytes })),
    ],
  };
}

/** The fused-GEMM role of a projection under the config's fusion flags. */
export function gemmFusionOf(op: GemmOp, c: GpuArchConfig): GemmFusion & { fusedInto?: string } {
  const f = c.gpu.fusion ?? {};
  const base = op.name.startsWith('experts.') ? op.name.slice(8) : op.name;
  if (f.fusedQkv && (base === 'k_proj' || base === 'v_proj')) return { noLaunch: true, noARead: true, fusedInto: 'fusedQkv' };
  if (f.fusedGateUp && base === 'up_proj') return { noLaunch: true, noARead: true, fusedInto: 'fusedGateUp' };
  return {};
}

/**
 * Energy traffic of bytes that move between the L2 and the SMs: the L2 access and the crossbar
 * wire they cross (noc, bytes × mm) when the config gives the distance.
 */
export function l2Traffic(c: GpuArchConfig, bytes: number): { level: string; bytes: number; mm?: number }[] {
  const mm = c.gpu.l2ToSmWireMm;
  return [{ level: 'l2', bytes }, ...(mm !== undefined ? [{ level: 'noc', bytes, mm }] : [])];
}

/**
 * Energy traffic of register-file bytes: with `gpu.power.registerFileBankBytes` the SRAM energy of
 * an array that size (a banked register file, not a flip-flop register); otherwise the register table.
 */
export function registerTraffic(c: GpuArchConfig, bytes: number): { level: string; bytes: number; sramBytes?: number } {
  const bank = c.gpu.power?.registerFileBankBytes;
  return bank !== undefined ? { level: 'sram', bytes, sramBytes: bank } : { level: 'register', bytes };
}

function simulateGemm(op: GemmOp, arch: GpuArchConfig, q: QuantScheme, options?: SimOptions, family?: GemmFamily, pin?: GemmPin): OpResult & { pin: GemmPin } {
  const fz = { ...gemmFusionOf(op, arch), ...(family?.outputBytes !== undefined ? { outputBytes: family.outputBytes } : {}) };
  // A stack's kernel family runs on its library's tiles; it may pad M up to the rows it supports.
  const c = family ? familyArch(arch, family) : arch;
  const timed = family?.minM !== undefined && op.m < family.minM ? { ...op, m: family.minM } : op;
  const t = gemmTiming(timed, c, q, l2StateOf(options), fz, pin);
  const inst = op.count ?? 1;
  // Instances (MoE experts) run as one grouped kernel: one launch, the rest scales.
  const seconds = t.terms.launch + inst * (t.seconds - t.terms.launch);
  const flops = opFlops(op);
  const dram = t.bytes.dram * inst;
  const energyPj = energyOf(
    {
      compute: [
        { key: `mac:${t.dtype}`, count: opMacs(op) },
        { key: 'vector:fp32', count: t.dequantOps * inst + (op.bias ? op.m * op.n * op.batch * inst : 0) },
      ],
      // Operand delivery the tiling implies: L2 → shared memory, shared-memory reads per warp,
      // register-file accumulator and fragment traffic per MMA instruction.
      traffic: [
        { level: 'dram', bytes: dram },
        ...l2Traffic(c, t.bytes.l2 * inst),
        { level: 'smem', bytes: (t.bytes.smem + t.bytes.smemRead) * inst },
        registerTraffic(c, t.bytes.register * inst),
      ],
      seconds,
    },
    c,
  );
  const p = t.plan;
  const util =
    t.bound === 'compute'
      ? (t.macs * inst) / (seconds * t.peakMacsPerSecond)
      : t.bound === 'memory'
        ? dram / (seconds * t.dramBandwidthBps)
        : Math.max((t.macs * inst) / (seconds * t.peakMacsPerSecond), dram / (seconds * t.dramBandwidthBps));
  return {
    pin: { tileIndex: p.tileIndex, splits: p.splits },
    cycles: Math.ceil(seconds * c.gpu.clockHz),
    seconds,
    flops,
    bytes: { dram, l2: t.bytes.l2 * inst, smem: (t.bytes.smem + t.bytes.smemRead) * inst, register: t.bytes.register * inst },
    energyPj,
    bound: t.bound,
    utilization: Math.min(1, util),
    breakdown: {
      launchS: t.terms.launch,
      fillS: t.terms.fill,
      computeS: t.terms.compute,
      dequantS: t.terms.dequant,
      dramS: t.terms.dram,
      l2S: t.terms.l2,
      epilogueS: t.terms.epilogue,
      splitKReduceS: t.terms.splitKReduce,
      pipelineS: t.terms.pipeline,
      tileRateScale: p.tile.tensorRateScale ?? 1,
      issuedMacs: t.issuedMacs * inst,
      tileM: p.tile.m,
      tileN: p.tile.n,
      tileK: p.tile.k,
      stages: p.tile.stages,
      splitK: p.splits,
      ctas: p.ctas,
      ctasPerSm: p.ctasPerSm,
      waves: p.waves,
      waveEfficiency: p.waveEfficiency,
      writebackBytes: t.bytes.writeback * inst,
    },
    dtype: t.dtype,
    notes: [
      ...(family
        ? [`kernel family ${family.family}${family.instruction ? ` (${family.instruction})` : ''}${timed !== op ? `, M padded to ${timed.m}` : ''}`]
        : []),
      `tile ${p.tile.m}x${p.tile.n}x${p.tile.k} (${p.tile.stages} stages), split-K ${p.splits}, ${p.ctas} CTAs in ${p.waves} wave(s)`,
      ...(fz.fusedInto ? [`part of a ${fz.fusedInto} GEMM: no launch, input read by its first member`] : []),
      ...(t.dequantOps > 0
        ? [
            p.tile.dequant === 'overlapped'
              ? 'mixed-input kernel: weights dequantized on CUDA cores beside the MMAs (pipelined)'
              : 'weights dequantized on CUDA cores before the MMA',
          ]
        : []),
    ],
  };
}

/** A GEMV on the CUDA cores (a stack's cuda-core-gemv family: TinyChat/AWQ, llama.cpp). */
function simulateGemv(op: GemmOp, c: GpuArchConfig, q: QuantScheme, options: SimOptions | undefined, family: GemmFamily): OpResult {
  const opsPerWeight = family.opsPerWeight ?? (c.gpu.dequantOpsPerWeight ?? 2) + 1;
  const dequantOpsPerWeight = family.dequantOpsPerWeight ?? 0;
  const t = gemvTiming(op, c, q, l2StateOf(options), opsPerWeight, false, dequantOpsPerWeight);
  const inst = op.count ?? 1;
  const seconds = t.terms.launch + inst * (t.seconds - t.terms.launch);
  const dram = t.bytes.dram * inst;
  const energyPj = energyOf(
    {
      compute: [{ key: 'vector:fp32', count: t.aluOps * inst }],
      traffic: [{ level: 'dram', bytes: dram }, ...l2Traffic(c, (t.bytes.dram - t.bytes.writeback) * inst)],
      seconds,
    },
    c,
  );
  const aluRate = (c.gpu.cudaCoreFlopsPerClockPerSm / 2) * c.gpu.sms * c.gpu.clockHz;
  return {
    cycles: Math.ceil(seconds * c.gpu.clockHz),
    seconds,
    flops: opFlops(op),
    bytes: { dram },
    energyPj,
    bound: t.bound,
    utilization: Math.min(1, t.bound === 'compute' ? (t.aluOps * inst) / (seconds * aluRate) : dram / (seconds * c.memory.bandwidthBps)),
    breakdown: {
      launchS: t.terms.launch,
      fillS: t.terms.fill,
      dramS: t.terms.dram,
      aluS: t.terms.alu,
      opsPerWeight,
      dequantOpsPerWeight,
      writebackBytes: t.bytes.writeback * inst,
    },
    dtype: 'vector',
    notes: [
      dequantOpsPerWeight > 0
        ? `kernel family ${family.family}: CUDA-core GEMV, ${dequantOpsPerWeight} instructions per weight to dequantize (once for all rows) + ${opsPerWeight} per weight per row`
        : `kernel family ${family.family}: CUDA-core GEMV, ${opsPerWeight} instructions per weight per row (dequantized in the inner loop)`,
    ],
  };
}

/**
 * The op at the clock the board power allows (power.ts): timed and charged at one clock, so timing
 * and energy agree; without a `gpu.power` section, at clockHz. A stack picks the kernel family and
 * the arch view the op runs on (stack-view.ts).
 */
function simulateOp(op: Op, arch: GpuArchConfig, q: QuantScheme, options?: SimOptions): OpResult {
  const stack = options?.stack;
  const c = stackArch(op, arch, stack);
  if (op.kind === 'gemm') {
    const family = gemmFamilyOf(op, q, stack);
    if (family?.kernel === 'cuda-core-gemv')
      return powerLimited(c, (cf) => activityOf(simulateGemv(op, cf, q, options, family), cf), options?.dieTempC, options?.loadedSeconds);
    // The plan is picked at the first clock tried (the top of the range) and kept at the others.
    let pin: GemmPin | undefined;
    return powerLimited(
      c,
      (cf) => {
        const { pin: chosen, ...result } = simulateGemm(op, cf, q, options, family, pin);
        pin ??= chosen;
        return activityOf(result, cf);
      },
      options?.dieTempC,
      options?.loadedSeconds,
    );
  }
  return powerLimited(c, (cf) => activityOf(simulateAtClock(op, cf, q, options), cf), options?.dieTempC, options?.loadedSeconds);
}

function activityOf(result: OpResult, c: GpuArchConfig): KernelActivity {
  const b = result.breakdown ?? {};
  const macs = b['issuedMacs'] ?? 0;
  const operandBytes = macs > 0 && result.dtype && result.dtype !== 'vector' ? dtypeBytes(result.dtype as ComputeDtype) : 0;
  return { result, activeSms: Math.min(c.gpu.sms, b['ctas'] ?? c.gpu.sms), issuedMacs: macs, operandBytes };
}

/** A non-GEMM op with every SM-clocked term at c.gpu.clockHz (c already the stack's view). */
function simulateAtClock(op: Op, c: GpuArchConfig, q: QuantScheme, options?: SimOptions): OpResult {
  const l2 = l2StateOf(options);
  const clock = c.gpu.clockHz;
  switch (op.kind) {
    case 'gemm': {
      const { pin: _pin, ...r } = simulateGemm(op, c, q, options);
      return r;
    }
    case 'attention': {
      // A stack that writes the KV cache with its own copy kernels: the attention kernel only reads it.
      const t = attentionTiming(op, c, q, l2, (options?.stack?.kvCacheWrite.kernels ?? 0) > 0);
      const energyPj = energyOf(
        {
          compute: [
            { key: `mac:${t.dtype}`, count: opMacs(op) },
            { key: 'vector:fp32', count: t.softmaxLaneOps },
          ],
          // K/V (and Q) blocks land in shared memory and are read once by the MMA per block; the
          // fp32 accumulators of S and O are read and written once per 32-byte-deep MMA instruction.
          traffic: [
            { level: 'dram', bytes: t.bytes.dram },
            ...l2Traffic(c, t.bytes.l2),
            { level: 'smem', bytes: 2 * t.bytes.l2 },
            registerTraffic(c, (t.issuedMacs * 8 * dtypeBytes(t.dtype)) / 32),
            // The softmax's operands: each of its lane operations reads and writes the register file.
            registerTraffic(c, t.softmaxLaneOps * REGISTER_BYTES_PER_LANE_OP),
          ],
          seconds: t.seconds,
        },
        c,
      );
      const util = t.bound === 'compute' ? opMacs(op) / (t.seconds * t.peakMacsPerSecond) : t.bytes.dram / (t.seconds * c.memory.bandwidthBps);
      return {
        cycles: Math.ceil(t.seconds * clock),
        seconds: t.seconds,
        flops: opFlops(op),
        bytes: {
          dram: t.bytes.dram,
          l2: t.bytes.l2,
          smem: 2 * t.bytes.l2,
          register: (t.issuedMacs * 8 * dtypeBytes(t.dtype)) / 32 + t.softmaxLaneOps * REGISTER_BYTES_PER_LANE_OP,
        },
        energyPj,
        bound: t.bound,
        utilization: Math.min(1, util),
        breakdown: {
          launchS: t.terms.launch,
          fillS: t.terms.fill,
          computeS: t.terms.compute,
          softmaxS: t.terms.softmax,
          dramS: t.terms.dram,
          l2S: t.terms.l2,
          combineS: t.terms.combine,
          ...(t.schedule
            ? {
                ctaOverheadS: t.terms.cta,
                pingPongWarpgroups: t.schedule.warpgroups,
                diagonalBlocks: t.schedule.diagonalBlocks,
                stepCycles: t.schedule.step.step,
                stepTensorCycles: t.schedule.step.tensor,
                stepChainCycles: t.schedule.step.chain,
              }
            : {}),
          ctas: t.ctas,
          kvSplits: t.kvSplits,
          issuedMacs: t.issuedMacs,
          softmaxLaneOps: t.softmaxLaneOps,
          writebackBytes: t.bytes.writeback,
        },
        dtype: t.dtype,
        notes: [
          t.phase === 'prefill'
            ? `FlashAttention prefill: ${t.ctas} CTAs (sequence × head × query block)${t.schedule ? `; ping-pong of ${t.schedule.warpgroups} warpgroups, step ${t.schedule.step.step.toFixed(0)} cycles (${t.schedule.step.bound}-bound: tensor ${t.schedule.step.tensor.toFixed(0)}, one warpgroup's GEMM-I + softmax ${t.schedule.step.chain.toFixed(0)})` : ''}`
            : `flash-decoding: ${t.ctas} CTAs, KV split ${t.kvSplits} way(s)`,
        ],
      };
    }
    case 'embedding':
    case 'norm':
    case 'elementwise':
    case 'softmax': {
      const t = vectorTiming(op, c, q, l2, options?.stack?.elementwise?.strided);
      const flops = opFlops(op);
      // Every byte the kernel reads or writes passes the L2 on its way between DRAM and the SMs.
      const moved = t.bytes.dram - t.bytes.writeback;
      const energyPj = energyOf(
        {
          compute: [{ key: 'vector:fp32', count: flops }],
          traffic: [{ level: 'dram', bytes: t.bytes.dram }, ...(moved > 0 ? l2Traffic(c, moved) : [])],
          seconds: t.seconds,
        },
        c,
      );
      const util = t.seconds > 0 ? t.bytes.dram / (t.seconds * c.memory.bandwidthBps) : 0;
      return {
        cycles: Math.ceil(t.seconds * clock),
        seconds: t.seconds,
        flops,
        bytes: { dram: t.bytes.dram },
        energyPj,
        bound: t.bound,
        utilization: Math.min(1, util),
        breakdown: {
          launchS: t.terms.launch,
          fillS: t.terms.fill,
          dramS: t.terms.dram,
          computeS: t.terms.compute,
          ...(t.terms.strided > 0 ? { stridedLoopS: t.terms.strided } : {}),
          writebackBytes: t.bytes.writeback,
        },
        dtype: 'vector',
        ...(t.fusedInto
          ? { notes: [`fused (${t.fusedInto}): no kernel of its own`] }
          : t.terms.strided > 0
            ? { notes: [`strided views (${options?.stack?.elementwise?.strided.kernel ?? 'strided loop'}): loads limited by the threads resident`] }
            : {}),
      };
    }
  }
}

export const gpuTensorCoreModel: HardwareModel<GpuArchConfig> = {
  kind: 'gpu-tensor-core',
  description: 'NVIDIA-style GPU: SMs with tensor cores, L2, HBM/GDDR; GEMMs through CTA tiles and waves.',
  schema: gpuArchSchema,
  calibration: GPU_CALIBRATION,
  datapaths: gpuDatapaths,
  ceilings: gpuCeilings,
  clockHz: (c) => c.gpu.clockHz,
  simulate: simulateOp,
  // Fusion roles depend on the op's name (GEMMs) and class (elementwise), not only its shape.
  memoKey: (op, c) => (op.kind === 'gemm' ? `|${gemmFusionOf(op, c).fusedInto ?? ''}` : op.kind === 'elementwise' ? `|${op.cls}` : ''),
  powerHistory: powerLimitCurve,
};
