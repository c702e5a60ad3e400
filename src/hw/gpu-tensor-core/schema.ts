/**
 * The `gpu` section of a gpu-tensor-core arch config, declared once: the TypeScript types
 * (GpuSection, GpuTile: `Static<…>`), the strict JSON Schema (ranges, required fields,
 * descriptions) and the structural defaults (`default` keywords, STRUCTURE_DEFAULTS) all come
 * from the declarations below (docs/models/gpu-tensor-core.md). Calibration factors are declared
 * in calibration.ts (the `calibration` section accepts those names only).
 */
import { Type, type Static } from '@sinclair/typebox';
import { archSchema } from '../../arch/base.ts';
import { Enum, KeyedNumbers } from '../../arch/typebox.ts';
import { GPU_CALIBRATION } from './calibration.ts';
import type { ComputeDtype } from '../../quant/types.ts';

/** Defaults of optional structural fields: emitted as `default` keywords below, read by the model when a field is absent. */
export const STRUCTURE_DEFAULTS = {
  maxCtasPerSm: 1,
  l2BytesPerClockPerSm: 64,
  dramLatencySeconds: 600e-9,
  maxThreadsPerSm: 2048,
  blockQ: 128,
  blockKv: 128,
  decodeSplitMinKeys: 256,
  sfuOpsPerClockPerSm: 16,
  dequantOpsPerWeight: 2,
} as const;

const positive = (description?: string) => Type.Number({ exclusiveMinimum: 0, ...(description ? { description } : {}) });
const posInt = (description?: string) => Type.Integer({ minimum: 1, ...(description ? { description } : {}) });
const DTYPES: readonly ComputeDtype[] = ['fp64', 'fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'fp6', 'fp4', 'int8', 'int4', 'int2', 'int1', 'ternary'];

export const GEMM_KERNEL_CLASSES = ['dense', 'mixed-input'] as const;
export type GemmKernelClass = (typeof GEMM_KERNEL_CLASSES)[number];

/** One CTA tile the library heuristic may choose. */
export const gpuTileSchema = Type.Object(
  {
    m: posInt(),
    n: posInt(),
    k: posInt(),
    stages: posInt('Shared-memory pipeline stages (operand tiles in flight).'),
    clusterM: Type.Optional(posInt('CTAs of a thread-block cluster along M that share (multicast) one B tile load (default 1).')),
    clusterN: Type.Optional(posInt('CTAs of a cluster along N that share one A tile load (default 1).')),
    kernels: Type.Optional(
      Type.Array(Enum(GEMM_KERNEL_CLASSES), {
        minItems: 1,
        uniqueItems: true,
        description:
          "Kernel classes built with this tile (default: all). 'dense': operands in the MMA dtype; 'mixed-input': an operand converted in the main loop (weight-only quantization).",
      }),
    ),
    tensorRateScale: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description: "Fraction of tensorFmaPerClockPerSm the tile's MMA instruction sustains (default 1; legacy mma.sync on Hopper < 1).",
      }),
    ),
    dequant: Type.Optional(
      Enum(['serial', 'overlapped'] as const, {
        description:
          "Conversion of a mixed-input operand: 'serial' adds to the MMA main loop (default), 'overlapped' runs beside the MMAs (software-pipelined kernels such as Marlin).",
      }),
    ),
    warpM: Type.Optional(
      posInt('Rows of the tile one MMA-issuing warp (group) owns; B is read from shared memory m/warpM times per k-step (default min(m, 64)).'),
    ),
    warpN: Type.Optional(
      posInt("Columns one warp (group) owns; A is read n/warpN times per k-step (default min(n, 64) with operandSource 'registers', n with 'smem')."),
    ),
    operandSource: Type.Optional(
      Enum(['registers', 'smem'] as const, {
        description: "Where the MMA reads A/B: 'registers' (mma.sync after ldmatrix, default) or 'smem' (wgmma descriptors).",
      }),
    ),
  },
  { additionalProperties: false },
);
export type GpuTile = Static<typeof gpuTileSchema>;

/**
 * Board-power components and the DVFS range (power.ts, docs/models/gpu-tensor-core.md § Power).
 * Absent: no power-limited clock (every kernel at clockHz) and the energy of the tables only.
 */
export const gpuPowerSchema = Type.Object(
  {
    maxClockHz: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1e11,
      description: 'Highest SM clock the governor picks when the board power allows (max boost), Hz.',
    }),
    minClockHz: Type.Number({ exclusiveMinimum: 0, maximum: 1e11, description: 'Lowest clock of the DVFS range the governor throttles down to, Hz.' }),
    maxVoltageV: Type.Number({ exclusiveMinimum: 0, maximum: 5, description: 'Core voltage at maxClockHz, V.' }),
    minVoltageV: Type.Number({ exclusiveMinimum: 0, maximum: 5, description: 'Core voltage at minClockHz, V (linear in clock between the two).' }),
    registerFileBankBytes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2 ** 30,
        description:
          'Bytes of one register-file bank an MMA reads its accumulators and fragments from (one SM sub-partition); register traffic is charged at the SRAM energy of an array that size. Absent: the register-table energy.',
      }),
    ),
    activeSm: Type.Object(
      {
        pjPerCycle: Type.Number({
          minimum: 0,
          maximum: 1e6,
          description: 'Clock tree and idle dynamic energy of one active SM per clock, pJ, at nodeNm and the table voltage.',
        }),
        nodeNm: Type.Number({
          minimum: 1,
          maximum: 1000,
          description: 'Process node pjPerCycle was measured at (scaled to process.nodeNm like the logic tables).',
        }),
      },
      { additionalProperties: false },
    ),
    leakage: Type.Object(
      {
        wattsPerSm: Type.Number({ minimum: 0, maximum: 1000, description: 'Leakage of one SM at referenceTempC, W.' }),
        referenceTempC: Type.Number({ minimum: -100, maximum: 250, description: 'Junction temperature wattsPerSm was measured at, °C.' }),
        idleTempC: Type.Number({ minimum: -100, maximum: 250, description: 'Junction temperature of the idle board whose draw is power.idleW, °C.' }),
        junctionTempC: Type.Number({ minimum: -100, maximum: 250, description: 'Junction temperature under sustained load, °C.' }),
        doublingC: Type.Number({ minimum: 1, maximum: 1000, description: 'Temperature rise that doubles leakage, °C (leakage ∝ 2^(T/doublingC)).' }),
      },
      { additionalProperties: false },
    ),
    thermal: Type.Optional(
      Type.Object(
        {
          stages: Type.Array(
            Type.Object(
              {
                name: Type.String({ minLength: 1, maxLength: 64, description: 'What the stage stands for (die and interface, heat sink, …).' }),
                resistanceCPerW: Type.Number({ minimum: 0, maximum: 100, description: 'Thermal resistance of the stage, °C per W.' }),
                timeConstantS: Type.Number({ exclusiveMinimum: 0, maximum: 1e5, description: 'Time constant R·C of the stage, s.' }),
              },
              { additionalProperties: false },
            ),
            {
              minItems: 1,
              maxItems: 8,
              description:
                'Foster RC network from the junction to the coolant: after t s at P W from the idle board the die is at leakage.idleTempC + Σ R_i·(1 − e^(−t/τ_i))·(P − power.idleW) °C (thermal.ts).',
            },
          ),
        },
        {
          additionalProperties: false,
          description:
            'Thermal state per run (docs/models/gpu-tensor-core.md § Thermal state): a run given a die temperature (SimOptions.dieTempC, set from its heating history) charges the leakage at that temperature instead of leakage.junctionTempC. Absent: every kernel at junctionTempC.',
        },
      ),
    ),
    mma: Type.Object(
      {
        pjPerMac: Type.Number({
          minimum: 0,
          maximum: 1000,
          description:
            'Energy per issued tensor-core MAC of 16-bit operands beyond the multiplier and adder of the tables (operand delivery inside the MMA unit: operand buffers, broadcast wires, the dot-product tree registers), pJ at nodeNm and the table voltage; scaled by operand bytes / 2 for other dtypes.',
        }),
        nodeNm: Type.Number({ minimum: 1, maximum: 1000, description: 'Process node pjPerMac is given at (scaled to process.nodeNm like the logic tables).' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'Board-power components and the DVFS range behind the power-limited clock (power.tdpW is the board limit).' },
);
export type GpuPowerSection = Static<typeof gpuPowerSchema>;

/** The `gpu` section: the structure the cycle-approximate model reads. */
export const gpuSectionSchema = Type.Object(
  {
    sms: posInt('Streaming multiprocessors.'),
    clockHz: positive('Sustained tensor clock, Hz (the clock the datasheet tensor peaks are quoted at).'),
    tensorFmaPerClockPerSm: KeyedNumbers(
      DTYPES,
      { type: 'number', exclusiveMinimum: 0 },
      { minProperties: 1, description: 'Dense tensor-core multiply-accumulates per clock per SM, by compute dtype.' },
    ),
    cudaCoreFlopsPerClockPerSm: positive('FP32 CUDA-core FLOPs per clock per SM (an FMA is 2).'),
    sharedMemoryBytesPerSm: positive('Shared memory a CTA may use per SM, bytes.'),
    maxCtasPerSm: Type.Optional(
      Type.Integer({ minimum: 1, default: STRUCTURE_DEFAULTS.maxCtasPerSm, description: 'Most GEMM CTAs resident per SM (register file and warp limits).' }),
    ),
    l2BytesPerClockPerSm: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, default: STRUCTURE_DEFAULTS.l2BytesPerClockPerSm, description: 'L2 → SM load bandwidth per SM per clock, bytes.' }),
    ),
    dramLatencySeconds: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        default: STRUCTURE_DEFAULTS.dramLatencySeconds,
        description: 'Unloaded DRAM load latency, seconds (pipeline fill, memory-level parallelism).',
      }),
    ),
    maxThreadsPerSm: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: STRUCTURE_DEFAULTS.maxThreadsPerSm,
        description:
          'Most threads resident per SM (CUDA C++ Programming Guide, technical specifications per compute capability: 2048 on 7.0, 8.0 and 9.0; 1536 on 8.6, 8.7 and 8.9). Bounds the loads in flight of a strided elementwise loop.',
      }),
    ),
    dram: Type.Optional(
      Type.Object(
        {
          busWidthBits: posInt('Total DRAM bus width, bits.'),
          pinRateBps: positive('Data rate per pin, bit/s.'),
          channels: Type.Optional(posInt('Independent memory controllers / channels.')),
        },
        {
          additionalProperties: false,
          description: 'The DRAM interface behind memory.bandwidthBps (bandwidth = bus width × pin rate / 8, checked by the preset tests).',
        },
      ),
    ),
    tiles: Type.Array(gpuTileSchema, { minItems: 1, description: 'CTA tiles the library heuristic chooses from.' }),
    splitK: Type.Object(
      {
        maxSplits: posInt('Largest split-K factor the heuristic tries (powers of two up to it).'),
        minKPerSplit: posInt('Smallest K slice one split may take.'),
      },
      { additionalProperties: false },
    ),
    attention: Type.Optional(
      Type.Object(
        {
          blockQ: Type.Optional(Type.Integer({ minimum: 1, default: STRUCTURE_DEFAULTS.blockQ, description: 'FlashAttention query rows per CTA (prefill).' })),
          blockKv: Type.Optional(Type.Integer({ minimum: 1, default: STRUCTURE_DEFAULTS.blockKv, description: 'Keys per inner iteration.' })),
          blockKvNonCausal: Type.Optional(
            Type.Integer({
              minimum: 1,
              description:
                'Keys per inner iteration of a prefill without a mask (no causal mask, window or chunk), when the kernel picks a wider key block there (FlashAttention-3, head dim 128: 176); absent: blockKv.',
            }),
          ),
          decodeSplitMinKeys: Type.Optional(
            Type.Integer({ minimum: 1, default: STRUCTURE_DEFAULTS.decodeSplitMinKeys, description: 'Flash-decoding: fewest keys one KV split processes.' }),
          ),
          sfuOpsPerClockPerSm: Type.Optional(
            Type.Number({
              exclusiveMinimum: 0,
              default: STRUCTURE_DEFAULTS.sfuOpsPerClockPerSm,
              description: 'Special-function (exp) ops per clock per SM for softmax.',
            }),
          ),
          softmaxOverlap: Type.Optional(
            Type.Boolean({
              description: 'The softmax of one block runs beside the MMAs of another (FlashAttention-3 on Hopper); default false (FlashAttention-2: in turn).',
            }),
          ),
          intraWarpgroupPipeline: Type.Optional(
            Type.Boolean({
              description:
                "With softmaxOverlap (FlashAttention-3 ping-pong): each warpgroup issues GEMM-II (P·V) of the previous block beside GEMM-I of this one, so GEMM-II runs under its own softmax (FA3's IntraWGOverlap); default true. false: the paper's ablation 'no GEMM-softmax pipelining'.",
            }),
          ),
          tensorRateScale: Type.Optional(
            Type.Number({
              exclusiveMinimum: 0,
              maximum: 1,
              description:
                "Fraction of tensorFmaPerClockPerSm the attention kernel's MMA instruction sustains (default 1; a software stack's mma.sync backend on Hopper sets mmaSyncRateScale here).",
            }),
          ),
          mmaRows: Type.Optional(
            Type.Integer({
              minimum: 1,
              description:
                "Rows of the attention kernel's smallest MMA tile: decode pads the query rows of a KV head to it (default: the smallest dense GEMM tile height, wgmma m64 on Hopper; a software stack's decode backend may set its own, e.g. 16 for m16n8k16 mma.sync warps).",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    mmaSyncRateScale: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        default: 1,
        description:
          'Fraction of tensorFmaPerClockPerSm that kernels built on the sm80 mma.sync instruction sustain on this device (Hopper: below 1, its full rate needs wgmma). Read when a software stack names mma.sync kernels (docs/models/software-stacks.md).',
      }),
    ),
    dequantOpsPerWeight: Type.Optional(
      Type.Number({
        minimum: 0,
        default: STRUCTURE_DEFAULTS.dequantOpsPerWeight,
        description: 'CUDA-core ops to dequantize one weight-only-quantized weight (unpack, convert, scale).',
      }),
    ),
    l2ToSmWireMm: Type.Optional(
      Type.Number({
        minimum: 0,
        description:
          'Mean on-die distance, mm, a byte travels between an L2 slice and an SM; charged as noc energy (bytes × mm) on every L2↔SM byte. Absent: not charged.',
      }),
    ),
    power: Type.Optional(gpuPowerSchema),
    fusion: Type.Optional(
      Type.Object(
        {
          fusedQkv: Type.Optional(Type.Boolean({ description: 'q/k/v projections run as one GEMM (input read once, one launch).' })),
          fusedGateUp: Type.Optional(Type.Boolean({ description: 'gate and up projections run as one GEMM.' })),
          fusedResidualNorm: Type.Optional(Type.Boolean({ description: 'residual add fused into the following norm (one launch, the sum is not re-read).' })),
          fusedActivation: Type.Optional(
            Type.Boolean({ description: 'activation (silu·mul) fused into the GEMM epilogue: no launch and no traffic of its own beyond its output.' }),
          ),
          fusedRotary: Type.Optional(Type.Boolean({ description: 'rotary embedding applied inside the attention kernel.' })),
        },
        { additionalProperties: false, description: 'Kernel fusions the software stack applies.' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type GpuSection = Static<typeof gpuSectionSchema>;

export const gpuArchSchema = archSchema('gpu-tensor-core', { name: 'gpu', schema: gpuSectionSchema, required: true }, true, GPU_CALIBRATION);
