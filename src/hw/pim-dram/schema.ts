/**
 * The `pim` section of a pim-dram arch config: the DRAM (a timing preset from memory/presets.ts
 * plus overrides), the per-bank processing units, the global buffer that broadcasts the input
 * vector, where partial sums are reduced, the host unit that runs what PIM cannot, how ops are
 * dispatched between them, and NeuPIMs-style concurrency options.
 */
import { archSchema, type ArchConfig } from '../../config/arch.ts';
import type { DramOrganization, DramTiming } from '../../memory/timing.ts';
import { TIMING_KEYS } from '../../memory/timing.ts';
import { dramPresetNames } from '../../memory/presets.ts';
import type { ComputeDtype } from '../../quant/types.ts';

export type PimUnitOp = 'mac' | 'add' | 'mul' | 'relu';
export type ReductionLocation = 'bank' | 'buffer-die' | 'host';
export type DispatchPolicy = 'auto' | 'pim' | 'host';

export interface PimSection {
  dram: {
    timing: string;
    timingOverrides?: Partial<DramTiming>;
    org?: Partial<DramOrganization>;
    /** Independent channels (HBM pseudo-channels) in the whole system. */
    channels: number;
  };
  unit: {
    /** Banks sharing one processing unit (HBM-PIM: 2; AiM/Newton: 1). */
    banksPerUnit: number;
    /** Multiply-accumulate lanes per unit. */
    lanes: number;
    clockHz: number;
    /** Multiplier precision. */
    dtype: 'fp16' | 'bf16' | 'int8';
    /** Accumulator precision inside the unit (checked by numeric/ through `accelscope check`). */
    accumulatorDtype: 'fp16' | 'bf16' | 'fp32' | 'int32';
    /** Output rows one unit accumulates at once (HBM-PIM GRF_B: 8). */
    accumulatorRegisters: number;
    ops: PimUnitOp[];
    /** Spacing of back-to-back all-bank column (MAC) commands. Default nCCDL. */
    columnSpacing?: 'nCCDL' | 'nCCDS';
  };
  globalBuffer: {
    /** Bytes of input vector held per broadcast (HBM-PIM GRF_A: 8 × 32 B; AiM: 2 KB). */
    bytes: number;
  };
  /** How a GEMV is walked (mapping.ts). Default output-stationary. */
  mapping?: { loopOrder: 'output-stationary' | 'input-stationary' };
  reduction: {
    location: ReductionLocation;
    /** Order of the partial-sum reduction: lanes first, then banks/channels (what numeric/ models). */
    order: 'lanes-then-banks' | 'banks-then-lanes';
  };
  host: {
    name: string;
    matrixOpsPerSecond: Partial<Record<ComputeDtype, number>>;
    vectorOpsPerSecond: number;
    /** A systolic-array host (NeuPIMs' NPU): its GEMMs are timed tile by tile (systolic.ts) instead of at peak. */
    systolic?: SystolicHost;
  };
  dispatch: {
    gemm: DispatchPolicy;
    attention: DispatchPolicy;
    elementwise: DispatchPolicy;
    /** Ops with more input vectors sharing one matrix (GEMM M, attention queries per KV head) run on the host. */
    pimMaxVectors?: number;
  };
  /** How the device's fixed command program tiles a kernel (issue 26; absent: per-channel tiles, no padding, no mode switches). */
  kernel?: PimKernelProgram;
  concurrency: {
    /** NeuPIMs dual row buffers: host (NPU) memory traffic proceeds while banks compute. */
    dualRowBuffer: boolean;
    /** NeuPIMs sub-batch interleaving: two sub-batches pipeline host and PIM work. */
    subBatchInterleave: boolean;
  };
}

/**
 * The fixed command program of a PIM kernel (issue 26): the tiles it pads to and the mode-switch
 * accesses around it (HBM-PIM: SAITPublic/PIMSimulator src/tests/PIMKernel.cpp executeGemv /
 * executeEltwise). A separate block so the rest of the section is unchanged when it is absent.
 */
export interface PimKernelProgram {
  /**
   * 'system': one output tile spans every channel (channels × units × accumulatorRegisters
   * outputs), inputs are never split across channels, and a smaller matrix is padded to the tile.
   * 'channel' (default): outputs spread over the channels, inputs split when they cannot fill them.
   */
  outputTile?: 'system' | 'channel';
  /** The last input tile (GEMV) or element group (elementwise) runs the whole tile's commands. Default false. */
  padTiles?: boolean;
  /** Mode-switch accesses (a write or read to a reserved row of every bank) around each kernel. Default 0. */
  modeSwitchesPerKernel?: number;
  /** Mode-switch accesses before every GEMV pass after the first (PIM mode left and re-entered). Default 0. */
  modeSwitchesPerPass?: number;
}

/** A host made of systolic arrays (systolic.ts): geometry, clock, scratchpad and dataflow. */
export interface SystolicHost {
  arrays: number;
  /** PE rows (the reduction dimension K of a stationary tile) and columns. */
  rows: number;
  cols: number;
  clockHz: number;
  /** On-chip operand scratchpad, bytes; half of it holds one L2 tile (double buffering). */
  scratchpadBytes: number;
  /** Operand held in the PEs: 'weights' (classic WS: tokens stream) or 'activations' (weights stream). */
  stationary: 'weights' | 'activations';
  /** 'broadcast': all arrays hold the same stationary tile and split the streamed rows; 'independent': each array takes its own stationary tiles. */
  arrayMode: 'broadcast' | 'independent';
}

export interface PimArchConfig extends ArchConfig {
  pim: PimSection;
}

const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const posInt = { type: 'integer', minimum: 1 } as const;
const policy = { enum: ['auto', 'pim', 'host'] } as const;

export const pimSectionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['dram', 'unit', 'globalBuffer', 'reduction', 'host', 'dispatch', 'concurrency'],
  properties: {
    dram: {
      type: 'object',
      additionalProperties: false,
      required: ['timing', 'channels'],
      properties: {
        timing: { enum: dramPresetNames(), description: 'DRAM timing preset (src/memory/presets.ts): HBM2_2000, HBM2_PIMSIM, HBM2_NEUPIMS, HBM3_6400, GDDR6_14000, LPDDR5_6400.' },
        timingOverrides: {
          type: 'object',
          additionalProperties: false,
          description: 'Single timing fields replacing the preset\'s (cycles; tCK_ps in picoseconds).',
          properties: Object.fromEntries(TIMING_KEYS.map((k) => [k, { type: 'number', minimum: 0 }])),
        },
        org: {
          type: 'object',
          additionalProperties: false,
          properties: { bankGroups: posInt, banksPerGroup: posInt, rowBytes: posInt, burstBytes: posInt },
        },
        channels: { ...posInt, description: 'Independent channels (HBM pseudo-channels) in the system.' },
      },
    },
    unit: {
      type: 'object',
      additionalProperties: false,
      required: ['banksPerUnit', 'lanes', 'clockHz', 'dtype', 'accumulatorDtype', 'accumulatorRegisters', 'ops'],
      properties: {
        banksPerUnit: posInt,
        lanes: posInt,
        clockHz: positive,
        dtype: { enum: ['fp16', 'bf16', 'int8'] },
        accumulatorDtype: { enum: ['fp16', 'bf16', 'fp32', 'int32'] },
        // The command-level schedule issues one burst per register: bounded so that a config cannot make it run for hours
        // (HBM-PIM has 8 GRF registers per unit, AiM 32 output registers; docs/models/pim-dram.md).
        accumulatorRegisters: { ...posInt, maximum: 4096 },
        ops: { type: 'array', items: { enum: ['mac', 'add', 'mul', 'relu'] }, uniqueItems: true, minItems: 1 },
        columnSpacing: { enum: ['nCCDL', 'nCCDS'] },
      },
    },
    globalBuffer: { type: 'object', additionalProperties: false, required: ['bytes'], properties: { bytes: posInt } },
    mapping: {
      type: 'object',
      additionalProperties: false,
      required: ['loopOrder'],
      properties: {
        loopOrder: {
          enum: ['output-stationary', 'input-stationary'],
          description: 'output-stationary: inputs re-broadcast per output tile, each output read once (HBM-PIM). input-stationary: each input tile broadcast once, partial sums read per output tile (AiM-style). Default output-stationary.',
        },
      },
    },
    reduction: {
      type: 'object',
      additionalProperties: false,
      required: ['location', 'order'],
      properties: { location: { enum: ['bank', 'buffer-die', 'host'] }, order: { enum: ['lanes-then-banks', 'banks-then-lanes'] } },
    },
    host: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'matrixOpsPerSecond', 'vectorOpsPerSecond'],
      properties: {
        name: { type: 'string' },
        matrixOpsPerSecond: {
          type: 'object',
          propertyNames: { enum: ['fp64', 'fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'fp6', 'fp4', 'int8', 'int4', 'int2', 'int1', 'ternary'] },
          additionalProperties: positive,
        },
        vectorOpsPerSecond: positive,
        systolic: {
          type: 'object',
          additionalProperties: false,
          required: ['arrays', 'rows', 'cols', 'clockHz', 'scratchpadBytes', 'stationary', 'arrayMode'],
          description: 'Systolic-array host: GEMMs timed per stationary tile (preload rows cycles, then the streamed rows), L2 tiles sized to half the scratchpad. Absent: GEMMs at matrixOpsPerSecond.',
          properties: {
            arrays: posInt, rows: posInt, cols: posInt, clockHz: positive,
            scratchpadBytes: { ...posInt, description: 'Operand scratchpad, bytes (half holds one L2 tile: double buffering).' },
            stationary: { enum: ['weights', 'activations'], description: 'Operand preloaded into the PEs: weights (tokens stream) or activations (weights stream).' },
            arrayMode: { enum: ['broadcast', 'independent'], description: 'broadcast: arrays share one stationary tile and split the streamed rows; independent: stationary tiles spread over the arrays in waves.' },
          },
        },
      },
    },
    dispatch: {
      type: 'object',
      additionalProperties: false,
      required: ['gemm', 'attention', 'elementwise'],
      properties: {
        gemm: policy, attention: policy, elementwise: policy,
        pimMaxVectors: { ...posInt, description: 'Ops with more vectors per matrix (GEMM M, queries per KV head) go to the host whatever the policy. Default: no limit.' },
      },
    },
    kernel: {
      type: 'object',
      additionalProperties: false,
      description: 'The fixed PIM command program (docs/models/pim-dram.md "Tile padding and mode switches"). Absent: per-channel tiles, no padding, no mode switches.',
      properties: {
        outputTile: { enum: ['system', 'channel'], description: "'system': one output tile spans all channels (channels x units x accumulatorRegisters), inputs never split across channels, small matrices padded (HBM-PIM). 'channel' (default): outputs spread over channels, inputs split when outputs cannot fill them." },
        padTiles: { type: 'boolean', description: 'The last input tile / element group runs the whole tile of commands (a fixed CRF program). Default false.' },
        modeSwitchesPerKernel: { type: 'integer', minimum: 0, maximum: 64, description: 'Reserved-row accesses around each kernel (park-in/out, SB/HAB/PIM mode changes, CRF programming). Default 0.' },
        modeSwitchesPerPass: { type: 'integer', minimum: 0, maximum: 64, description: 'Reserved-row accesses before each GEMV pass after the first (PIM mode left and re-entered per output tile and vector). Default 0.' },
      },
    },
    concurrency: {
      type: 'object',
      additionalProperties: false,
      required: ['dualRowBuffer', 'subBatchInterleave'],
      properties: { dualRowBuffer: { type: 'boolean' }, subBatchInterleave: { type: 'boolean' } },
    },
  },
};

export const pimArchSchema = archSchema('pim-dram', { name: 'pim', schema: pimSectionSchema, required: true });
