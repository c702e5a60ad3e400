/**
 * The `lut` section of a lut-tensor-core arch config, declared once (TypeBox): the TypeScript
 * types (`Static<…>`), the strict JSON Schema (ranges, required fields, descriptions) and the
 * defaults (`default` keywords, read back by LUT_DEFAULTS) all come from the declarations below.
 * mpGEMM (low-bit weights × 8/16-bit activations) by table lookup instead of multiplication;
 * `variant` selects the machine:
 *  - 'tensor-core': a LUT Tensor Core (Mo et al., ISCA 2025): LUT units with an elongated
 *    M×N×K tile, tables held in registers, bit-serial weight planes, next to a host GPU whose
 *    ordinary MAC/vector units (the shared `compute` section) run everything that is not a
 *    low-bit weight GEMM.
 *  - 'cpu': T-MAC-style CPU kernels (Wei et al., EuroSys 2025): tables in SIMD registers, looked
 *    up with TBL/PSHUFB-like instructions, cores with a per-core and a shared memory bandwidth.
 * Every field is structure read by the model; nothing here is a fitted constant. Calibration
 * factors are declared in calibration.ts. To add a field: add it to its object below.
 */
import { Type, type Static } from '@sinclair/typebox';
import { archSchema, type ArchConfig } from '../../arch/base.ts';
import { defaultsOf } from '../../arch/defaults.ts';
import { Enum } from '../../arch/typebox.ts';
import { LUT_CALIBRATION } from './calibration.ts';

const positive = (description?: string) => Type.Number({ exclusiveMinimum: 0, ...(description ? { description } : {}) });
const posInt = (description?: string) => Type.Integer({ minimum: 1, ...(description ? { description } : {}) });
/** `{const: v}` as the hand-written schema had it (no extra `type`), typed as the literal. */
const Const = <const T extends string>(v: T) => Type.Unsafe<T>({ const: v });
/** An integer out of a few values (`{type: 'integer', enum}`), typed as their union. */
const IntEnum = <const T extends number>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'integer', enum: [...values], ...(description ? { description } : {}) });

/** The table fields both machines share. */
const tableProps = {
  symmetrization: Type.Boolean({
    description: 'Store 2^(g-1) entries instead of 2^g (LUT[-i] = -LUT[i]: the other half are negations, a sign flip at lookup).',
  }),
  entryBits: IntEnum([8, 16, 32], "Bits of one table entry (16: fp16/int16 sums; 8: T-MAC's int8-quantized tables)."),
  precompute: Enum(['fused', 'separate'] as const, {
    description: 'Table precompute fused into the epilogue of the op that produced the activations, or a separate kernel.',
  }),
};

export const tensorCoreTableSchema = Type.Object(
  {
    ...tableProps,
    storage: Type.Optional(
      Enum(['register', 'sram'] as const, { default: 'register', description: 'Where a unit holds its tables (the energy level of a table read).' }),
    ),
    capacityBytesPerUnit: Type.Optional(positive('Table bytes one unit can hold (tile.m rows × entries × entry bytes must fit). Absent: not checked.')),
  },
  { additionalProperties: false },
);

export const lutTensorCoreSchema = Type.Object(
  {
    variant: Const('tensor-core'),
    clockHz: positive('Clock of the LUT units, Hz.'),
    units: posInt('LUT units in the chip.'),
    tile: Type.Object(
      { m: posInt(), n: posInt(), k: Type.Integer({ minimum: 1, maximum: 8 }) },
      {
        additionalProperties: false,
        description:
          'Elongated LUT tile: M rows of tables × N weight columns × K activations per table (K = g). Per unit and cycle: M × N lookups, each covering K activations of one bit plane.',
      },
    ),
    table: tensorCoreTableSchema,
    operandBytesPerCyclePerUnit: positive('Register-file/SRAM bytes per cycle per unit for weight planes and table refills.'),
    weightBits: Type.Array(Type.Integer({ minimum: 1, maximum: 8 }), {
      minItems: 1,
      description: 'Weight bit-widths the bit-serial datapath accepts (planes).',
    }),
    activationDtypes: Type.Array(Enum(['fp16', 'bf16', 'int8'] as const), {
      minItems: 1,
      description: 'Activation compute dtypes the tables can be built from.',
    }),
    dramLatencySeconds: Type.Optional(
      Type.Number({
        minimum: 0,
        default: 0,
        description: "Loaded DRAM latency paid once per kernel before the first tile's operands arrive (pipeline fill), seconds.",
      }),
    ),
    areaRelativeToMacTensorCore: Type.Optional(
      positive('Published area of one LUT unit relative to a MAC tensor core of the same tile throughput (reported, not used for timing).'),
    ),
  },
  { additionalProperties: false },
);
export type LutTensorCoreSection = Static<typeof lutTensorCoreSchema>;
export type LutTableConfig = Static<typeof tensorCoreTableSchema> & { groupSize: number };

export const lutCpuSchema = Type.Object(
  {
    variant: Const('cpu'),
    clockHz: positive('Sustained core clock under all-core SIMD load, Hz.'),
    cores: posInt('Cores the kernels may use (the default thread count).'),
    simd: Type.Object(
      {
        widthBits: IntEnum([128, 256, 512]),
        vectorOpsPerCycle: positive('SIMD instructions issued per cycle per core (vector pipes).'),
        tableLookupsPerCycle: positive('Table-lookup instructions (TBL / PSHUFB) per cycle per core.'),
        tableBytes: posInt('Bytes of table one lookup instruction indexes (16 for a one-register TBL/PSHUFB).'),
      },
      { additionalProperties: false },
    ),
    table: Type.Object(
      {
        groupSize: Type.Integer({ minimum: 1, maximum: 8, description: 'Activations per table (g): a table holds the 2^g signed sums of g activations.' }),
        ...tableProps,
        accumulatorBits: IntEnum(
          [8, 16, 32],
          '16/32: widening adds (exact); 8: T-MAC fast aggregation (halving adds in the int8 lanes, lossy, one op per lookup).',
        ),
        scaleGroupActivations: posInt("Activations sharing one table-quantization scale (T-MAC's act group)."),
      },
      { additionalProperties: false },
    ),
    memory: Type.Object(
      {
        perCoreBandwidthBps: Type.Optional(
          positive("Measured DRAM read bandwidth of one core, bytes/s. With the three Little's-law fields as well, the lower bound holds."),
        ),
        outstandingLinesPerCore: Type.Optional(
          positive("Cache lines one core keeps in flight to DRAM (Little's law: perCore = outstandingLinesPerCore × lineBytes / loadedLatencySeconds)."),
        ),
        lineBytes: Type.Optional(posInt('Cache line size, bytes.')),
        loadedLatencySeconds: Type.Optional(positive('Loaded DRAM latency seen by a core, seconds.')),
        clusterCores: Type.Optional(posInt('Cores sharing one cluster fabric port.')),
        clusterBandwidthBps: Type.Optional(positive("That port's bandwidth, bytes/s.")),
        sharedBandwidthBps: positive('What all cores together can stream (sustained, below the DRAM peak), bytes/s.'),
      },
      {
        additionalProperties: false,
        // A per-core limit must come from somewhere: a measurement, or Little's law.
        anyOf: [{ required: ['perCoreBandwidthBps'] }, { required: ['outstandingLinesPerCore', 'lineBytes', 'loadedLatencySeconds'] }],
      },
    ),
    sync: Type.Optional(
      Type.Object(
        {
          coreToCoreLatencySeconds: Type.Number({ minimum: 0, description: 'Contended cache-line transfer between two cores of one cluster, seconds.' }),
          crossClusterLatencySeconds: Type.Optional(
            Type.Number({
              minimum: 0,
              description: 'Contended cache-line transfer between cores of different clusters, seconds (absent: coreToCoreLatencySeconds).',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            "Thread synchronization of the runtime (llama.cpp's ggml_barrier after every graph node): each arriving thread increments one shared counter (one contended cache-line transfer each, serialized) and the waiters see the release after one more transfer. Threads fill clusters in order (memory.clusterCores); arrivals from outside the counter's cluster, and the release once the threads span clusters, pay the cross-cluster latency. Absent: synchronization is free.",
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type LutCpuSection = Static<typeof lutCpuSchema>;

export type LutSection = LutTensorCoreSection | LutCpuSection;

/** Discriminated on `variant` (if/then rather than oneOf, so an error names the right branch). */
export const lutSectionSchema = Type.Unsafe<LutSection>({
  type: 'object',
  required: ['variant'],
  properties: { variant: { enum: ['tensor-core', 'cpu'], description: "'tensor-core' (LUT Tensor Core units) or 'cpu' (T-MAC kernels)." } },
  allOf: [
    { if: { properties: { variant: { const: 'tensor-core' } } }, then: lutTensorCoreSchema },
    { if: { properties: { variant: { const: 'cpu' } } }, then: lutCpuSchema },
  ],
});

/** Defaults of optional fields, read from the `default` keywords above (the model uses these when a field is absent). */
export const LUT_DEFAULTS = {
  ...defaultsOf(tensorCoreTableSchema, ['storage']),
  ...defaultsOf(lutTensorCoreSchema, ['dramLatencySeconds']),
};

export interface LutArchConfig extends ArchConfig {
  lut: LutSection;
}

export const lutArchSchema = archSchema('lut-tensor-core', { name: 'lut', schema: lutSectionSchema, required: true }, false, LUT_CALIBRATION);
