import { archSchema } from '../../arch/base.ts';
import { GPU_CALIBRATION } from './calibration.ts';

/**
 * Defaults of optional structural fields: declared once here, emitted as the schema's `default`
 * keywords below (what `accelscope config` fills in) and read by the model when a field is absent.
 */
export const STRUCTURE_DEFAULTS = {
  maxCtasPerSm: 1,
  l2BytesPerClockPerSm: 64,
  dramLatencySeconds: 600e-9,
  blockQ: 128,
  blockKv: 128,
  decodeSplitMinKeys: 256,
  sfuOpsPerClockPerSm: 16,
  dequantOpsPerWeight: 2,
} as const;

const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const posInt = { type: 'integer', minimum: 1 } as const;
const DTYPES = ['fp64', 'fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'fp6', 'fp4', 'int8', 'int4', 'int2', 'int1', 'ternary'];

/**
 * The `gpu` section: the structure the cycle-approximate model reads (docs/models/gpu-tensor-core.md).
 * Calibration factors are declared in calibration.ts (the `calibration` section accepts those names only).
 */
export const gpuSectionSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sms: { ...posInt, description: 'Streaming multiprocessors.' },
    clockHz: { ...positive, description: 'Sustained tensor clock, Hz (the clock the datasheet tensor peaks are quoted at).' },
    tensorFmaPerClockPerSm: {
      type: 'object',
      description: 'Dense tensor-core multiply-accumulates per clock per SM, by compute dtype.',
      propertyNames: { enum: DTYPES },
      additionalProperties: positive,
      minProperties: 1,
    },
    cudaCoreFlopsPerClockPerSm: { ...positive, description: 'FP32 CUDA-core FLOPs per clock per SM (an FMA is 2).' },
    sharedMemoryBytesPerSm: { ...positive, description: 'Shared memory a CTA may use per SM, bytes.' },
    maxCtasPerSm: { ...posInt, default: STRUCTURE_DEFAULTS.maxCtasPerSm, description: 'Most GEMM CTAs resident per SM (register file and warp limits).' },
    l2BytesPerClockPerSm: { ...positive, default: STRUCTURE_DEFAULTS.l2BytesPerClockPerSm, description: 'L2 → SM load bandwidth per SM per clock, bytes.' },
    dramLatencySeconds: { ...positive, default: STRUCTURE_DEFAULTS.dramLatencySeconds, description: 'Unloaded DRAM load latency, seconds (pipeline fill, memory-level parallelism).' },
    dram: {
      type: 'object',
      additionalProperties: false,
      required: ['busWidthBits', 'pinRateBps'],
      description: 'The DRAM interface behind memory.bandwidthBps (bandwidth = bus width × pin rate / 8, checked by the preset tests).',
      properties: {
        busWidthBits: { ...posInt, description: 'Total DRAM bus width, bits.' },
        pinRateBps: { ...positive, description: 'Data rate per pin, bit/s.' },
        channels: { ...posInt, description: 'Independent memory controllers / channels.' },
      },
    },
    tiles: {
      type: 'array',
      minItems: 1,
      description: 'CTA tiles the library heuristic chooses from.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['m', 'n', 'k', 'stages'],
        properties: {
          m: posInt, n: posInt, k: posInt,
          stages: { ...posInt, description: 'Shared-memory pipeline stages (operand tiles in flight).' },
          clusterM: { ...posInt, description: 'CTAs of a thread-block cluster along M that share (multicast) one B tile load (default 1).' },
          clusterN: { ...posInt, description: 'CTAs of a cluster along N that share one A tile load (default 1).' },
          kernels: {
            type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['dense', 'mixed-input'] },
            description: "Kernel classes built with this tile (default: all). 'dense': operands in the MMA dtype; 'mixed-input': an operand converted in the main loop (weight-only quantization).",
          },
          tensorRateScale: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'Fraction of tensorFmaPerClockPerSm the tile\'s MMA instruction sustains (default 1; legacy mma.sync on Hopper < 1).' },
          dequant: { enum: ['serial', 'overlapped'], description: "Conversion of a mixed-input operand: 'serial' adds to the MMA main loop (default), 'overlapped' runs beside the MMAs (software-pipelined kernels such as Marlin)." },
          warpM: { ...posInt, description: 'Rows of the tile one MMA-issuing warp (group) owns; B is read from shared memory m/warpM times per k-step (default min(m, 64)).' },
          warpN: { ...posInt, description: "Columns one warp (group) owns; A is read n/warpN times per k-step (default min(n, 64) with operandSource 'registers', n with 'smem')." },
          operandSource: { enum: ['registers', 'smem'], description: "Where the MMA reads A/B: 'registers' (mma.sync after ldmatrix, default) or 'smem' (wgmma descriptors)." },
        },
      },
    },
    splitK: {
      type: 'object',
      additionalProperties: false,
      required: ['maxSplits', 'minKPerSplit'],
      properties: {
        maxSplits: { ...posInt, description: 'Largest split-K factor the heuristic tries (powers of two up to it).' },
        minKPerSplit: { ...posInt, description: 'Smallest K slice one split may take.' },
      },
    },
    attention: {
      type: 'object',
      additionalProperties: false,
      properties: {
        blockQ: { ...posInt, default: STRUCTURE_DEFAULTS.blockQ, description: 'FlashAttention query rows per CTA (prefill).' },
        blockKv: { ...posInt, default: STRUCTURE_DEFAULTS.blockKv, description: 'Keys per inner iteration.' },
        decodeSplitMinKeys: { ...posInt, default: STRUCTURE_DEFAULTS.decodeSplitMinKeys, description: 'Flash-decoding: fewest keys one KV split processes.' },
        sfuOpsPerClockPerSm: { ...positive, default: STRUCTURE_DEFAULTS.sfuOpsPerClockPerSm, description: 'Special-function (exp) ops per clock per SM for softmax.' },
        softmaxOverlap: { type: 'boolean', description: 'The softmax of one block runs beside the MMAs of another (FlashAttention-3 on Hopper); default false (FlashAttention-2: in turn).' },
      },
    },
    dequantOpsPerWeight: { type: 'number', minimum: 0, default: STRUCTURE_DEFAULTS.dequantOpsPerWeight, description: 'CUDA-core ops to dequantize one weight-only-quantized weight (unpack, convert, scale).' },
    l2ToSmWireMm: { type: 'number', minimum: 0, description: 'Mean on-die distance, mm, a byte travels between an L2 slice and an SM; charged as noc energy (bytes × mm) on every L2↔SM byte. Absent: not charged.' },
    fusion: {
      type: 'object',
      additionalProperties: false,
      description: 'Kernel fusions the software stack applies.',
      properties: {
        fusedQkv: { type: 'boolean', description: 'q/k/v projections run as one GEMM (input read once, one launch).' },
        fusedGateUp: { type: 'boolean', description: 'gate and up projections run as one GEMM.' },
        fusedResidualNorm: { type: 'boolean', description: 'residual add fused into the following norm (one launch, the sum is not re-read).' },
        fusedActivation: { type: 'boolean', description: 'activation (silu·mul) fused into the GEMM epilogue: no launch and no traffic of its own beyond its output.' },
        fusedRotary: { type: 'boolean', description: 'rotary embedding applied inside the attention kernel.' },
      },
    },
  },
  required: ['sms', 'clockHz', 'tensorFmaPerClockPerSm', 'cudaCoreFlopsPerClockPerSm', 'sharedMemoryBytesPerSm', 'tiles', 'splitK'],
};

export const gpuArchSchema = archSchema('gpu-tensor-core', { name: 'gpu', schema: gpuSectionSchema, required: true }, true, GPU_CALIBRATION);
