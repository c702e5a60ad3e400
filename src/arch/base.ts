/**
 * The part of an arch config every hardware kind shares, its TypeScript type and its JSON Schema
 * fragment. A hardware model adds its own section (gpu, fpga, pim, lut) via archSchema().
 * Values are plain numbers in SI units; `sources` maps JSON pointers to where each value comes
 * from; `calibration` holds the calibration factors the kind declares (src/arch/calibration.ts).
 */
import type { ComputeDtype } from '../quant/types.ts';
import { energySectionSchema } from '../energy/schema.ts';
import { DRAM_PJ_PER_BYTE } from '../energy/tables.ts';
import type { EnergyOverride } from '../energy/account.ts';
import { validationSchema, type Validation } from './validation.ts';
import { calibrationSchema, type CalibrationDeclaration } from './calibration.ts';

export interface Calibration {
  value: number;
  source: string;
  description?: string;
}

export interface ArchConfig {
  name: string;
  kind: string;
  description?: string;
  /** Peak dense rates: matrix units per compute dtype, vector/scalar units (FLOP/s or OP/s). */
  compute?: {
    matrixOpsPerSecond: Partial<Record<ComputeDtype, number>>;
    vectorOpsPerSecond: number;
  };
  /** The main (off-chip) memory. */
  memory: {
    type: string;
    capacityBytes: number;
    bandwidthBps: number;
  };
  /** On-chip levels, outermost first (e.g. L2, then shared memory/L1). */
  onChip?: { level: string; capacityBytes: number; bandwidthBps: number }[];
  power?: { tdpW?: number; idleW?: number };
  process?: { nodeNm: number; name?: string };
  calibration?: Record<string, Calibration>;
  /** Energy-table overrides keyed by table key (src/energy/schema.ts, docs/energy.md). */
  energy?: Record<string, EnergyOverride>;
  sources?: Record<string, string>;
  /** Validation envelopes (src/arch/validation.ts): runs outside them warn. */
  validation?: Validation;
  /** The kind-specific section (gpu, fpga, pim, lut …). */
  [section: string]: unknown;
}

const positive = { type: 'number', exclusiveMinimum: 0 } as const;

export const archBaseProperties = {
  $schema: { type: 'string' },
  name: { type: 'string', minLength: 1, description: 'Display name of the design.' },
  kind: { type: 'string', description: 'Hardware model kind (registry key).' },
  description: { type: 'string' },
  compute: {
    type: 'object',
    additionalProperties: false,
    required: ['matrixOpsPerSecond', 'vectorOpsPerSecond'],
    properties: {
      matrixOpsPerSecond: {
        type: 'object',
        description: 'Dense peak of the matrix units per compute dtype, in FLOP/s (or OP/s for integers).',
        propertyNames: { enum: ['fp64', 'fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'fp6', 'fp4', 'int8', 'int4', 'int2', 'int1', 'ternary'] },
        additionalProperties: positive,
      },
      vectorOpsPerSecond: { ...positive, description: 'Peak of the vector/scalar units in FLOP/s (fp32 on GPUs).' },
    },
  },
  memory: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'capacityBytes', 'bandwidthBps'],
    properties: {
      // One of the technologies the energy tables price (an unknown one failed mid-run, exit 70; found by the CLI property test, #21).
      type: {
        enum: Object.keys(DRAM_PJ_PER_BYTE),
        description: 'DRAM technology (one the energy tables price): HBM2, HBM2e, HBM3, HBM3e, GDDR6, GDDR6X, LPDDR4, LPDDR5, DDR4, DDR5',
      },
      capacityBytes: { ...positive, description: 'Capacity in bytes (DRAM capacities are binary: 80 GiB).' },
      bandwidthBps: { ...positive, description: 'Peak bandwidth in bytes/s (decimal: 3.35e12).' },
    },
  },
  onChip: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['level', 'capacityBytes', 'bandwidthBps'],
      properties: { level: { type: 'string' }, capacityBytes: positive, bandwidthBps: positive },
    },
  },
  power: {
    type: 'object',
    additionalProperties: false,
    properties: { tdpW: positive, idleW: { type: 'number', minimum: 0 } },
  },
  process: {
    type: 'object',
    additionalProperties: false,
    required: ['nodeNm'],
    properties: { nodeNm: positive, name: { type: 'string' } },
  },
  energy: energySectionSchema,
  validation: validationSchema,
  sources: {
    type: 'object',
    description: 'JSON pointer of a value -> where it comes from (datasheet, paper section, repository file).',
    additionalProperties: { type: 'string' },
  },
} as const;

/** The full schema of one kind's arch config: the shared part plus the kind's own section. */
export function archSchema(
  kind: string,
  section?: { name: string; schema: object; required: boolean },
  requireCompute = false,
  calibration: CalibrationDeclaration = [],
): object {
  const properties: Record<string, unknown> = { ...archBaseProperties, kind: { const: kind }, calibration: calibrationSchema(calibration) };
  const required = ['name', 'kind', 'memory'];
  if (requireCompute) required.push('compute');
  if (section) {
    properties[section.name] = section.schema;
    if (section.required) required.push(section.name);
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required,
    properties,
  };
}
