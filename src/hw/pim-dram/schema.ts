/**
 * The `pim` section of a pim-dram arch config, declared once (TypeBox): the TypeScript types
 * (`Static<…>`), the strict JSON Schema and its descriptions all come from the declarations
 * below. It holds the DRAM (a timing preset from memory/presets.ts plus overrides), the
 * per-bank processing units, the global buffer that broadcasts the input vector, where partial
 * sums are reduced, the host unit that runs what PIM cannot, how ops are dispatched between
 * them, and NeuPIMs-style concurrency options. To add a field: add it to its object below.
 */
import { Type, type Static } from '@sinclair/typebox';
import { archSchema, type ArchConfig } from '../../arch/base.ts';
import { Enum, KeyedNumbers } from '../../arch/typebox.ts';
import { PIM_CALIBRATION } from './calibration.ts';
import type { DramOrganization, DramTiming } from '../../memory/timing.ts';
import { TIMING_KEYS } from '../../memory/timing.ts';
import { dramPresetNames } from '../../memory/presets.ts';
import type { ComputeDtype } from '../../quant/types.ts';

const positive = (description?: string) => Type.Number({ exclusiveMinimum: 0, ...(description ? { description } : {}) });
const posInt = (description?: string) => Type.Integer({ minimum: 1, ...(description ? { description } : {}) });
const DTYPES: readonly ComputeDtype[] = ['fp64', 'fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'fp6', 'fp4', 'int8', 'int4', 'int2', 'int1', 'ternary'];
const POLICIES = ['auto', 'pim', 'host'] as const;
const UNIT_OPS = ['mac', 'add', 'mul', 'relu'] as const;
const REDUCTION_LOCATIONS = ['bank', 'buffer-die', 'host'] as const;

export type PimUnitOp = (typeof UNIT_OPS)[number];
export type ReductionLocation = (typeof REDUCTION_LOCATIONS)[number];
export type DispatchPolicy = (typeof POLICIES)[number];

/** A host made of systolic arrays (systolic.ts): geometry, clock, scratchpad and dataflow. */
export const systolicHostSchema = Type.Object(
  {
    arrays: posInt(),
    rows: posInt(),
    cols: posInt(),
    clockHz: positive(),
    scratchpadBytes: posInt('Operand scratchpad, bytes (half holds one L2 tile: double buffering).'),
    stationary: Enum(['weights', 'activations'] as const, {
      description: 'Operand preloaded into the PEs: weights (tokens stream) or activations (weights stream).',
    }),
    arrayMode: Enum(['broadcast', 'independent'] as const, {
      description: 'broadcast: arrays share one stationary tile and split the streamed rows; independent: stationary tiles spread over the arrays in waves.',
    }),
  },
  {
    additionalProperties: false,
    description:
      'Systolic-array host: GEMMs timed per stationary tile (preload rows cycles, then the streamed rows), L2 tiles sized to half the scratchpad. Absent: GEMMs at matrixOpsPerSecond.',
  },
);
export type SystolicHost = Static<typeof systolicHostSchema>;

/**
 * The fixed command program of a PIM kernel (issue 26): the tiles it pads to and the mode-switch
 * accesses around it (HBM-PIM: SAITPublic/PIMSimulator src/tests/PIMKernel.cpp executeGemv /
 * executeEltwise). A separate block so the rest of the section is unchanged when it is absent.
 */
export const pimKernelProgramSchema = Type.Object(
  {
    outputTile: Type.Optional(
      Enum(['system', 'channel'] as const, {
        description:
          "'system': one output tile spans all channels (channels x units x accumulatorRegisters), inputs never split across channels, small matrices padded (HBM-PIM). 'channel' (default): outputs spread over channels, inputs split when outputs cannot fill them.",
      }),
    ),
    padTiles: Type.Optional(
      Type.Boolean({ description: 'The last input tile / element group runs the whole tile of commands (a fixed CRF program). Default false.' }),
    ),
    modeSwitchesPerKernel: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 64,
        description: 'Reserved-row accesses around each kernel (park-in/out, SB/HAB/PIM mode changes, CRF programming). Default 0.',
      }),
    ),
    modeSwitchesPerPass: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 64,
        description: 'Reserved-row accesses before each GEMV pass after the first (PIM mode left and re-entered per output tile and vector). Default 0.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'The fixed PIM command program (docs/models/pim-dram.md "Tile padding and mode switches"). Absent: per-channel tiles, no padding, no mode switches.',
  },
);
export type PimKernelProgram = Static<typeof pimKernelProgramSchema>;

export const pimSectionSchema = Type.Object(
  {
    dram: Type.Object(
      {
        timing: Enum(dramPresetNames(), {
          description: 'DRAM timing preset (src/memory/presets.ts): HBM2_2000, HBM2_PIMSIM, HBM2_NEUPIMS, HBM3_6400, GDDR6_14000, LPDDR5_6400.',
        }),
        timingOverrides: Type.Optional(
          Type.Unsafe<Partial<DramTiming>>({
            type: 'object',
            additionalProperties: false,
            description: "Single timing fields replacing the preset's (cycles; tCK_ps in picoseconds).",
            properties: Object.fromEntries(TIMING_KEYS.map((k) => [k, { type: 'number', minimum: 0 }])),
          }),
        ),
        org: Type.Optional(
          Type.Unsafe<Partial<DramOrganization>>(
            // Bounded at load (docs/reliability.md): the bank model allocates per bank group and bank.
            Type.Object(
              {
                bankGroups: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
                banksPerGroup: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
                rowBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 20 })),
                burstBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
              },
              { additionalProperties: false },
            ),
          ),
        ),
        channels: posInt('Independent channels (HBM pseudo-channels) in the system.'),
      },
      { additionalProperties: false },
    ),
    unit: Type.Object(
      {
        banksPerUnit: posInt('Banks sharing one processing unit (HBM-PIM: 2; AiM/Newton: 1).'),
        lanes: posInt('Multiply-accumulate lanes per unit.'),
        clockHz: positive(),
        dtype: Enum(['fp16', 'bf16', 'int8'] as const, { description: 'Multiplier precision.' }),
        accumulatorDtype: Enum(['fp16', 'bf16', 'fp32', 'int32'] as const, {
          description: 'Accumulator precision inside the unit (checked by numeric/ through `accelscope check`).',
        }),
        // The command-level schedule issues one burst per register: bounded so that a config cannot make it run for hours
        // (HBM-PIM has 8 GRF registers per unit, AiM 32 output registers; docs/models/pim-dram.md).
        accumulatorRegisters: Type.Integer({
          minimum: 1,
          maximum: 4096,
          description: 'Output rows one unit accumulates at once (HBM-PIM GRF_B: 8; at most 4096).',
        }),
        ops: Type.Array(Enum(UNIT_OPS), { uniqueItems: true, minItems: 1 }),
        columnSpacing: Type.Optional(
          Enum(['nCCDL', 'nCCDS'] as const, { description: 'Spacing of back-to-back all-bank column (MAC) commands. Default nCCDL.' }),
        ),
      },
      { additionalProperties: false },
    ),
    globalBuffer: Type.Object(
      { bytes: posInt('Bytes of input vector held per broadcast (HBM-PIM GRF_A: 8 × 32 B; AiM: 2 KB).') },
      { additionalProperties: false },
    ),
    mapping: Type.Optional(
      Type.Object(
        {
          loopOrder: Enum(['output-stationary', 'input-stationary'] as const, {
            description:
              'output-stationary: inputs re-broadcast per output tile, each output read once (HBM-PIM). input-stationary: each input tile broadcast once, partial sums read per output tile (AiM-style). Default output-stationary.',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    reduction: Type.Object(
      {
        location: Enum(REDUCTION_LOCATIONS),
        order: Enum(['lanes-then-banks', 'banks-then-lanes'] as const, {
          description: 'Order of the partial-sum reduction: lanes first, then banks/channels (what numeric/ models).',
        }),
      },
      { additionalProperties: false },
    ),
    host: Type.Object(
      {
        name: Type.String(),
        matrixOpsPerSecond: KeyedNumbers(DTYPES, { type: 'number', exclusiveMinimum: 0 }),
        vectorOpsPerSecond: positive(),
        systolic: Type.Optional(systolicHostSchema),
      },
      { additionalProperties: false },
    ),
    dispatch: Type.Object(
      {
        gemm: Enum(POLICIES),
        attention: Enum(POLICIES),
        elementwise: Enum(POLICIES),
        pimMaxVectors: Type.Optional(
          posInt('Ops with more vectors per matrix (GEMM M, queries per KV head) go to the host whatever the policy. Default: no limit.'),
        ),
      },
      { additionalProperties: false },
    ),
    kernel: Type.Optional(pimKernelProgramSchema),
    concurrency: Type.Object(
      {
        dualRowBuffer: Type.Boolean({ description: 'NeuPIMs dual row buffers: host (NPU) memory traffic proceeds while banks compute.' }),
        subBatchInterleave: Type.Boolean({ description: 'NeuPIMs sub-batch interleaving: two sub-batches pipeline host and PIM work.' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type PimSection = Static<typeof pimSectionSchema>;

export interface PimArchConfig extends ArchConfig {
  pim: PimSection;
}

export const pimArchSchema = archSchema('pim-dram', { name: 'pim', schema: pimSectionSchema, required: true }, false, PIM_CALIBRATION);
