/**
 * The `fpga` section of an fpga-dsp-chain arch config, declared once (TypeBox): the TypeScript
 * types (`Static<…>`), the strict JSON Schema (ranges, required fields) and the descriptions all
 * come from the declarations below. It holds the device (what the die offers) and the
 * accelerator built on it (FlightLLM-style: cores of matrix processing engines made of cascaded
 * DSP chains, a special-function unit, on-chip buffers, HBM/DDR placement). Every field is
 * required or, when optional, means "absent: not there" (no sparsity, no DDR). Calibration
 * factors are declared in calibration.ts. To add a field: add it to its object below.
 */
import { Type, type Static } from '@sinclair/typebox';
import { archSchema, type ArchConfig } from '../../arch/base.ts';
import { Enum } from '../../arch/typebox.ts';
import { FPGA_CALIBRATION } from './calibration.ts';

const positive = (description?: string) => Type.Number({ exclusiveMinimum: 0, ...(description ? { description } : {}) });
const posInt = (description?: string) => Type.Integer({ minimum: 1, ...(description ? { description } : {}) });
const nonNegInt = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
const opNames = () => Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Op names the rule applies to (q_proj, k_proj, gate_proj …).' });
/** `{const: v}` as the hand-written schema had it (no extra `type`), typed as the literal. */
const Const = <const T extends string>(v: T) => Type.Unsafe<T>({ const: v });

const DSP_KINDS = ['DSP48E2', 'DSP58'] as const;
const ON_CHIP = ['bram', 'uram'] as const;
const OFF_CHIP = ['hbm', 'ddr'] as const;
const MAC_DTYPES = ['fp16', 'bf16', 'fp8', 'int8', 'int4'] as const;

export type DspKind = (typeof DSP_KINDS)[number];
export type OnChipMemory = (typeof ON_CHIP)[number];
export type OffChipMemory = (typeof OFF_CHIP)[number];

export const fpgaDeviceSchema = Type.Object(
  {
    part: Type.String({ minLength: 1 }),
    dsp: Enum(DSP_KINDS, { description: 'DSP slice: DSP48E2 (27x18 multiply, 48-bit accumulate) or DSP58 (27x24, 58-bit).' }),
    dspSlices: posInt(),
    bram36Blocks: nonNegInt(),
    uramBlocks: nonNegInt(),
    bram36DataBytes: posInt('Data bytes per BRAM36 at the widths the buffers use (4096: 32 Kb data + 4 Kb parity unused).'),
    uramDataBytes: posInt('Data bytes per URAM288 (32768: 4K x 64 data bits).'),
    slrs: posInt('Super logic regions; at most one core each.'),
  },
  { additionalProperties: false },
);
export type FpgaDevice = Static<typeof fpgaDeviceSchema>;

/** N:M structured sparsity: n nonzeros kept per group of m (n may be an average over a mix of N:m groups). */
export const nmSparsitySchema = Type.Object(
  {
    ops: opNames(),
    pattern: Const('nm'),
    n: positive(),
    m: posInt(),
    indexBits: nonNegInt('Index bits stored and read per nonzero (log2 m for a position index).'),
  },
  { additionalProperties: false },
);
export type NmSparsity = Static<typeof nmSparsitySchema>;

/** Block sparsity: whole blockSize×blockSize weight blocks are zero; `density` of blocks kept. */
export const blockSparsitySchema = Type.Object(
  {
    ops: opNames(),
    pattern: Const('block'),
    blockSize: posInt(),
    density: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    indexBitsPerBlock: nonNegInt('Index bits per block (kept or skipped), stored and read for every block.'),
  },
  { additionalProperties: false },
);
export type BlockSparsity = Static<typeof blockSparsitySchema>;

export type SparsityRule = NmSparsity | BlockSparsity;
/** One sparsity rule: exactly one of the patterns (`oneOf`, as ajv reports it). */
const sparsityRuleSchema = Type.Unsafe<SparsityRule>({ oneOf: [nmSparsitySchema, blockSparsitySchema] });

export const mpeSchema = Type.Object(
  {
    chains: posInt('DSP chains per core (one output column or row per chain per pass).'),
    chainLength: posInt('DSPs cascaded through PCIN/PCOUT per chain: the K elements reduced per cycle.'),
    productsPerDsp: Type.Unsafe<Record<string, number>>({
      type: 'object',
      minProperties: 1,
      propertyNames: { enum: [...MAC_DTYPES] },
      additionalProperties: { type: 'integer', minimum: 1 },
      description: 'Products per DSP per cycle by MAC dtype (int8: 2 with WP486 packing on DSP48E2). A dtype not listed is unsupported.',
    }),
    extraPipelineStages: nonNegInt('Pipeline stages outside the cascade (operand registers, multiplier register, output register, buffer read).'),
    gemvWeightPortBytesPerCycle: posInt('Weight-buffer read width in matrix-vector mode: weights reach the chains at this many bytes per cycle.'),
    gemvColumnTile: posInt('Output columns one matrix-vector instruction computes (tiles are spread over the cores).'),
    packing: Enum(['shared-activation', 'dot-product'] as const, {
      description:
        "Where a DSP's several products go. shared-activation: two weights packed in the 27-bit port share one activation, the products feed different output columns (DSP48E2 INT8 packing, WP486); dot-product: they are summed along K (DSP58 INT8 mode).",
    }),
    packedLowFieldBits: posInt(
      'Low product field of packed products (18 on DSP48E2 per WP486). A cascade of L packed DSPs stays exact only while L·max|a·w| < 2^(bits−1); beyond that the chain runs one product per DSP.',
    ),
  },
  { additionalProperties: false },
);
export type Mpe = Static<typeof mpeSchema>;

export const sfuSchema = Type.Object(
  {
    elementsPerCycle: posInt('Elements the special-function unit of one core consumes per cycle.'),
    passes: Type.Object(
      { norm: posInt(), softmax: posInt(), elementwise: posInt() },
      { additionalProperties: false, description: 'Passes over the data per op type (a norm reads once for statistics, once to scale).' },
    ),
    latencyCycles: nonNegInt('Pipeline latency of one SFU op, cycles.'),
  },
  { additionalProperties: false },
);
export type Sfu = Static<typeof sfuSchema>;

export const bufferSpecSchema = Type.Object(
  {
    bytes: posInt('Capacity of this buffer in one core, bytes.'),
    memory: Enum(ON_CHIP, { description: 'Block RAM kind the buffer is built from.' }),
  },
  { additionalProperties: false },
);
export type BufferSpec = Static<typeof bufferSpecSchema>;

/** Per-core buffers by name; `global` holds the activations kept on chip, `weight` the double-buffered weight tiles. */
const buffersSchema = Type.Unsafe<Record<string, BufferSpec> & { global: BufferSpec; weight: BufferSpec }>({
  type: 'object',
  required: ['global', 'weight'],
  additionalProperties: bufferSpecSchema,
});

export const fpgaAcceleratorSchema = Type.Object(
  {
    clockHz: positive('Accelerator clock, Hz.'),
    cores: posInt('Compute cores (one per SLR), each with an MPE and an SFU.'),
    hbmChannelsPerCore: posInt('HBM pseudo-channels each core reads in parallel.'),
    mpe: mpeSchema,
    sparsity: Type.Optional(Type.Array(sparsityRuleSchema, { description: 'Structured weight sparsity per op (absent: dense).' })),
    sfu: sfuSchema,
    buffers: buffersSchema,
    alwaysOnChipDecode: Type.Boolean({ description: 'Decode keeps activations on chip between ops (FlightLLM "always-on-chip decode").' }),
    placement: Type.Object(
      { weights: Enum(OFF_CHIP), kv: Enum(OFF_CHIP), activations: Enum(OFF_CHIP) },
      { additionalProperties: false, description: 'Where each class of off-chip data lives.' },
    ),
    syncCyclesPerOp: nonNegInt('Cycles of the barrier that ends each op across cores (cross-SLR handshake).'),
  },
  { additionalProperties: false },
);
export type FpgaAccelerator = Static<typeof fpgaAcceleratorSchema>;

export const fpgaSectionSchema = Type.Object(
  {
    device: fpgaDeviceSchema,
    hbm: Type.Object({ pseudoChannels: posInt('HBM pseudo-channels sharing memory.bandwidthBps equally.') }, { additionalProperties: false }),
    ddr: Type.Optional(
      Type.Object(
        { type: Type.String(), capacityBytes: positive(), bandwidthBps: positive() },
        { additionalProperties: false, description: 'DDR beside the HBM (absent: none).' },
      ),
    ),
    accelerator: fpgaAcceleratorSchema,
  },
  { additionalProperties: false },
);
export type FpgaSection = Static<typeof fpgaSectionSchema>;

export interface FpgaArchConfig extends ArchConfig {
  fpga: FpgaSection;
}

export const fpgaArchSchema = archSchema('fpga-dsp-chain', { name: 'fpga', schema: fpgaSectionSchema, required: true }, false, FPGA_CALIBRATION);
