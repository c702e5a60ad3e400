/**
 * The `lut` section of a lut-tensor-core arch config: mpGEMM (low-bit weights × 8/16-bit
 * activations) by table lookup instead of multiplication. `variant` selects the machine:
 *  - 'tensor-core': a LUT Tensor Core (Mo et al., ISCA 2025): LUT units with an elongated
 *    M×N×K tile, tables held in registers, bit-serial weight planes, next to a host GPU whose
 *    ordinary MAC/vector units (the shared `compute` section) run everything that is not a
 *    low-bit weight GEMM.
 *  - 'cpu': T-MAC-style CPU kernels (Wei et al., EuroSys 2025): tables in SIMD registers, looked
 *    up with TBL/PSHUFB-like instructions, cores with a per-core and a shared memory bandwidth.
 * Every field is structure read by the model; nothing here is a fitted constant.
 */
import { archSchema, type ArchConfig } from '../../arch/base.ts';
import { LUT_CALIBRATION } from './calibration.ts';

const pos = { type: 'number', exclusiveMinimum: 0 } as const;
const posInt = { type: 'integer', minimum: 1 } as const;

export interface LutTableConfig {
  /** Activations per table (g): a table holds the 2^g signed sums of g activations. */
  groupSize: number;
  /** Store only 2^(g-1) entries; the other half are the negations (sign flip at lookup). */
  symmetrization: boolean;
  /** Bits of one table entry (16: fp16/int16 sums; 8: T-MAC's int8-quantized tables). */
  entryBits: number;
  /** 'fused': the table is built in the epilogue of the op that produced the activations. */
  precompute: 'fused' | 'separate';
}

export interface LutTensorCoreSection {
  variant: 'tensor-core';
  clockHz: number;
  /** LUT units in the chip. */
  units: number;
  /** Per unit and cycle: tile.m × tile.n lookups, each covering tile.k (= g) activations of one bit plane. */
  tile: { m: number; n: number; k: number };
  table: Omit<LutTableConfig, 'groupSize'> & {
    /** Where a unit holds its tables (energy level of a table read). Default 'register'. */
    storage?: 'register' | 'sram';
    /** Table bytes one unit can hold (tile.m rows × entries × entry bytes must fit). */
    capacityBytesPerUnit?: number;
  };
  /** Operand bytes (weight planes + table refills) each unit can read per cycle from its register file/SRAM. */
  operandBytesPerCyclePerUnit: number;
  /** Weight bit-widths the bit-serial datapath accepts (planes). */
  weightBits: number[];
  /** Activation compute dtypes the tables can be built from. */
  activationDtypes: string[];
  /** Loaded DRAM latency before the first tile's operands arrive (pipeline fill), seconds. */
  dramLatencySeconds?: number;
  /** Published area of one LUT unit relative to a MAC tensor core of the same tile throughput (reported, not used for timing). */
  areaRelativeToMacTensorCore?: number;
}

export interface LutCpuSection {
  variant: 'cpu';
  /** Sustained core clock under all-core SIMD load, Hz. */
  clockHz: number;
  /** Cores the kernels may use (the default thread count). */
  cores: number;
  simd: {
    widthBits: number;
    /** SIMD instructions issued per cycle per core (vector pipes). */
    vectorOpsPerCycle: number;
    /** Table-lookup instructions (TBL / PSHUFB) per cycle per core. */
    tableLookupsPerCycle: number;
    /** Bytes of table one lookup instruction indexes (16 for a one-register TBL/PSHUFB). */
    tableBytes: number;
  };
  table: LutTableConfig & {
    /**
     * Accumulator lanes the int8 lookup results are added into: 16 or 32 (widening adds, exact),
     * or 8 (T-MAC "fast aggregation": halving adds in the int8 lanes, lossy, one op per lookup).
     */
    accumulatorBits: number;
    /** Activations sharing one table-quantization scale (T-MAC's act group). */
    scaleGroupActivations: number;
  };
  memory: {
    /**
     * What one core was measured to stream from DRAM on its own. Optional when the three
     * memory-level-parallelism fields below are given; with both, the lower bound holds.
     */
    perCoreBandwidthBps?: number;
    /**
     * Little's law for one core: cache lines it keeps in flight to DRAM (L1 fill buffers plus
     * the L2 prefetch/miss queue it can drive), the line size, and the loaded DRAM latency.
     * perCore = outstandingLinesPerCore × lineBytes / loadedLatencySeconds.
     */
    outstandingLinesPerCore?: number;
    lineBytes?: number;
    loadedLatencySeconds?: number;
    /** Cores sharing one cluster fabric port, and that port's bandwidth (optional). */
    clusterCores?: number;
    clusterBandwidthBps?: number;
    /** What all cores together can stream (sustained, below the DRAM peak). */
    sharedBandwidthBps: number;
  };
  /**
   * Thread synchronization of the runtime (llama.cpp's ggml_barrier after every graph node):
   * each arriving thread increments one shared counter (one contended cache-line transfer each,
   * serialized) and the waiters see the release after one more transfer. Threads fill clusters
   * in order (memory.clusterCores); arrivals from outside the counter's cluster, and the release
   * once the threads span clusters, pay the cross-cluster latency. Absent: synchronization is free.
   */
  sync?: {
    /** Contended cache-line transfer between two cores of one cluster, seconds. */
    coreToCoreLatencySeconds: number;
    /** The same between cores of different clusters (default: coreToCoreLatencySeconds). */
    crossClusterLatencySeconds?: number;
  };
}

export type LutSection = LutTensorCoreSection | LutCpuSection;

export interface LutArchConfig extends ArchConfig {
  lut: LutSection;
}

const tableProps = {
  symmetrization: { type: 'boolean', description: 'Store 2^(g-1) entries instead of 2^g (LUT[-i] = -LUT[i]).' },
  entryBits: { type: 'integer', enum: [8, 16, 32], description: 'Bits of one table entry.' },
  precompute: { enum: ['fused', 'separate'], description: 'Table precompute fused into the previous op, or a separate kernel.' },
} as const;

const tensorCoreSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['variant', 'clockHz', 'units', 'tile', 'table', 'operandBytesPerCyclePerUnit', 'weightBits', 'activationDtypes'],
  properties: {
    variant: { const: 'tensor-core' },
    clockHz: { ...pos, description: 'Clock of the LUT units, Hz.' },
    units: { ...posInt, description: 'LUT units in the chip.' },
    tile: {
      type: 'object',
      additionalProperties: false,
      required: ['m', 'n', 'k'],
      properties: { m: posInt, n: posInt, k: { type: 'integer', minimum: 1, maximum: 8 } },
      description: 'Elongated LUT tile: M rows of tables × N weight columns × K activations per table (K = g).',
    },
    table: {
      type: 'object',
      additionalProperties: false,
      required: ['symmetrization', 'entryBits', 'precompute'],
      properties: {
        ...tableProps,
        storage: { enum: ['register', 'sram'], description: "Where a unit holds its tables (default 'register')." },
        capacityBytesPerUnit: { ...pos, description: 'Table bytes one unit can hold.' },
      },
    },
    operandBytesPerCyclePerUnit: { ...pos, description: 'Register-file/SRAM bytes per cycle per unit for weight planes and table refills.' },
    weightBits: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1, maximum: 8 } },
    activationDtypes: { type: 'array', minItems: 1, items: { enum: ['fp16', 'bf16', 'int8'] } },
    dramLatencySeconds: { type: 'number', minimum: 0, description: 'Loaded DRAM latency paid once per kernel (pipeline fill), seconds.' },
    areaRelativeToMacTensorCore: pos,
  },
};

const cpuSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['variant', 'clockHz', 'cores', 'simd', 'table', 'memory'],
  properties: {
    variant: { const: 'cpu' },
    clockHz: { ...pos, description: 'Sustained core clock, Hz.' },
    cores: { ...posInt, description: 'Cores the kernels may use (default thread count).' },
    simd: {
      type: 'object',
      additionalProperties: false,
      required: ['widthBits', 'vectorOpsPerCycle', 'tableLookupsPerCycle', 'tableBytes'],
      properties: {
        widthBits: { type: 'integer', enum: [128, 256, 512] },
        vectorOpsPerCycle: pos,
        tableLookupsPerCycle: pos,
        tableBytes: posInt,
      },
    },
    table: {
      type: 'object',
      additionalProperties: false,
      required: ['groupSize', 'symmetrization', 'entryBits', 'precompute', 'accumulatorBits', 'scaleGroupActivations'],
      properties: {
        groupSize: { type: 'integer', minimum: 1, maximum: 8 },
        ...tableProps,
        accumulatorBits: { type: 'integer', enum: [8, 16, 32], description: '16/32: widening adds (exact); 8: T-MAC fast aggregation (halving adds, lossy).' },
        scaleGroupActivations: posInt,
      },
    },
    memory: {
      type: 'object',
      additionalProperties: false,
      required: ['sharedBandwidthBps'],
      // A per-core limit must come from somewhere: a measurement, or Little's law.
      anyOf: [
        { required: ['perCoreBandwidthBps'] },
        { required: ['outstandingLinesPerCore', 'lineBytes', 'loadedLatencySeconds'] },
      ],
      properties: {
        perCoreBandwidthBps: { ...pos, description: 'Measured DRAM read bandwidth of one core, bytes/s.' },
        outstandingLinesPerCore: { ...pos, description: 'Cache lines one core keeps in flight to DRAM (Little\'s law).' },
        lineBytes: { ...posInt, description: 'Cache line size, bytes.' },
        loadedLatencySeconds: { ...pos, description: 'Loaded DRAM latency seen by a core, seconds.' },
        clusterCores: posInt,
        clusterBandwidthBps: pos,
        sharedBandwidthBps: pos,
      },
    },
    sync: {
      type: 'object',
      additionalProperties: false,
      required: ['coreToCoreLatencySeconds'],
      properties: {
        coreToCoreLatencySeconds: { type: 'number', minimum: 0, description: 'Contended cache-line transfer between two cores of one cluster, seconds.' },
        crossClusterLatencySeconds: { type: 'number', minimum: 0, description: 'Contended cache-line transfer between cores of different clusters, seconds (default: coreToCoreLatencySeconds).' },
      },
    },
  },
};

/** Discriminated on `variant` (if/then rather than oneOf, so an error names the right branch). */
export const lutSectionSchema = {
  type: 'object',
  required: ['variant'],
  properties: { variant: { enum: ['tensor-core', 'cpu'], description: "'tensor-core' (LUT Tensor Core units) or 'cpu' (T-MAC kernels)." } },
  allOf: [
    { if: { properties: { variant: { const: 'tensor-core' } } }, then: tensorCoreSchema },
    { if: { properties: { variant: { const: 'cpu' } } }, then: cpuSchema },
  ],
};

export const lutArchSchema = archSchema('lut-tensor-core', { name: 'lut', schema: lutSectionSchema, required: true }, false, LUT_CALIBRATION);
