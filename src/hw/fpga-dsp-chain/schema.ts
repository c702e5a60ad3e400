/** JSON Schema of the `fpga` section (strict) and of a whole fpga-dsp-chain arch config. */
import { archSchema } from '../../arch/base.ts';
import { FPGA_CALIBRATION } from './calibration.ts';

const pos = { type: 'number', exclusiveMinimum: 0 } as const;
const posInt = { type: 'integer', minimum: 1 } as const;
const nonNegInt = { type: 'integer', minimum: 0 } as const;
const opNames = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'Op names the rule applies to (q_proj, k_proj, gate_proj …).' } as const;

const bufferSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['bytes', 'memory'],
  properties: {
    bytes: { ...posInt, description: 'Capacity of this buffer in one core, bytes.' },
    memory: { enum: ['bram', 'uram'], description: 'Block RAM kind the buffer is built from.' },
  },
};

export const fpgaSectionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['device', 'hbm', 'accelerator'],
  properties: {
    device: {
      type: 'object',
      additionalProperties: false,
      required: ['part', 'dsp', 'dspSlices', 'bram36Blocks', 'uramBlocks', 'bram36DataBytes', 'uramDataBytes', 'slrs'],
      properties: {
        part: { type: 'string', minLength: 1 },
        dsp: { enum: ['DSP48E2', 'DSP58'], description: 'DSP slice: DSP48E2 (27x18 multiply, 48-bit accumulate) or DSP58 (27x24, 58-bit).' },
        dspSlices: posInt,
        bram36Blocks: nonNegInt,
        uramBlocks: nonNegInt,
        bram36DataBytes: { ...posInt, description: 'Data bytes per BRAM36 (4096: 32 Kb data + 4 Kb parity unused).' },
        uramDataBytes: { ...posInt, description: 'Data bytes per URAM288 (32768: 4K x 64 data bits).' },
        slrs: { ...posInt, description: 'Super logic regions; at most one core each.' },
      },
    },
    hbm: {
      type: 'object',
      additionalProperties: false,
      required: ['pseudoChannels'],
      properties: { pseudoChannels: { ...posInt, description: 'HBM pseudo-channels sharing memory.bandwidthBps equally.' } },
    },
    ddr: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'capacityBytes', 'bandwidthBps'],
      properties: { type: { type: 'string' }, capacityBytes: pos, bandwidthBps: pos },
    },
    accelerator: {
      type: 'object',
      additionalProperties: false,
      required: ['clockHz', 'cores', 'hbmChannelsPerCore', 'mpe', 'sfu', 'buffers', 'alwaysOnChipDecode', 'placement', 'syncCyclesPerOp'],
      properties: {
        clockHz: { ...pos, description: 'Accelerator clock, Hz.' },
        cores: { ...posInt, description: 'Compute cores (one per SLR), each with an MPE and an SFU.' },
        hbmChannelsPerCore: { ...posInt, description: 'HBM pseudo-channels each core reads in parallel.' },
        mpe: {
          type: 'object',
          additionalProperties: false,
          required: ['chains', 'chainLength', 'productsPerDsp', 'extraPipelineStages', 'gemvWeightPortBytesPerCycle', 'gemvColumnTile', 'packing', 'packedLowFieldBits'],
          properties: {
            chains: { ...posInt, description: 'DSP chains per core.' },
            chainLength: { ...posInt, description: 'DSPs cascaded through PCIN/PCOUT per chain.' },
            productsPerDsp: {
              type: 'object',
              minProperties: 1,
              propertyNames: { enum: ['fp16', 'bf16', 'fp8', 'int8', 'int4'] },
              additionalProperties: posInt,
              description: 'Products per DSP per cycle by MAC dtype (int8: 2 with WP486 packing on DSP48E2).',
            },
            extraPipelineStages: { ...nonNegInt, description: 'Pipeline stages outside the cascade.' },
            gemvWeightPortBytesPerCycle: { ...posInt, description: 'Weight-buffer read width in matrix-vector mode, bytes/cycle.' },
            gemvColumnTile: { ...posInt, description: 'Output columns per matrix-vector instruction.' },
            packedLowFieldBits: { ...posInt, description: 'Low product field of packed products (18 on DSP48E2 per WP486).' },
            packing: { enum: ['shared-activation', 'dot-product'], description: 'shared-activation: the products of one DSP feed different output columns (DSP48E2 INT8 packing); dot-product: they are summed along K (DSP58 INT8 mode).' },
          },
        },
        sparsity: {
          type: 'array',
          items: {
            oneOf: [
              {
                type: 'object',
                additionalProperties: false,
                required: ['ops', 'pattern', 'n', 'm', 'indexBits'],
                properties: { ops: opNames, pattern: { const: 'nm' }, n: pos, m: posInt, indexBits: nonNegInt },
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['ops', 'pattern', 'blockSize', 'density', 'indexBitsPerBlock'],
                properties: { ops: opNames, pattern: { const: 'block' }, blockSize: posInt, density: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, indexBitsPerBlock: nonNegInt },
              },
            ],
          },
        },
        sfu: {
          type: 'object',
          additionalProperties: false,
          required: ['elementsPerCycle', 'passes', 'latencyCycles'],
          properties: {
            elementsPerCycle: posInt,
            passes: {
              type: 'object',
              additionalProperties: false,
              required: ['norm', 'softmax', 'elementwise'],
              properties: { norm: posInt, softmax: posInt, elementwise: posInt },
            },
            latencyCycles: nonNegInt,
          },
        },
        buffers: {
          type: 'object',
          required: ['global', 'weight'],
          additionalProperties: bufferSchema,
        },
        alwaysOnChipDecode: { type: 'boolean' },
        placement: {
          type: 'object',
          additionalProperties: false,
          required: ['weights', 'kv', 'activations'],
          properties: { weights: { enum: ['hbm', 'ddr'] }, kv: { enum: ['hbm', 'ddr'] }, activations: { enum: ['hbm', 'ddr'] } },
        },
        syncCyclesPerOp: nonNegInt,
      },
    },
  },
};

export const fpgaArchSchema = archSchema('fpga-dsp-chain', { name: 'fpga', schema: fpgaSectionSchema, required: true }, false, FPGA_CALIBRATION);
