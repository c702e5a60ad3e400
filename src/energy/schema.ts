/**
 * JSON Schema of an arch config's `energy` section: overrides of energy-table entries, keyed by
 * the table key they replace ('mac:fp16', 'dram', 'l2', 'HBM3', 'dram-activate' …). Each names its
 * source; the override shows in RunResult.energySources with `overridden: true`.
 */
import { overridableKeys } from './account.ts';

const positive = { type: 'number', minimum: 0 } as const;

export const energyOverrideSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source'],
  oneOf: [{ required: ['valuePj'] }, { required: ['valuePjPerBit'] }],
  properties: {
    valuePj: {
      ...positive,
      description: "Value in the entry's unit: pJ/op (compute), pJ/byte (memory), pJ/byte/mm (noc), pJ/byte of row opened (dram-activate).",
    },
    valuePjPerBit: { ...positive, description: 'Memory levels only: pJ per bit (×8 per byte).' },
    source: { type: 'string', minLength: 1, description: 'Where the value comes from (measurement, datasheet, paper table).' },
    nodeNm: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'Node of the value; logic/SRAM entries are scaled from it to process.nodeNm. Absent: taken at the arch node.',
    },
    year: { type: 'integer' },
    verified: { type: 'boolean', description: 'false marks a placeholder (default true).' },
  },
} as const;

export const energySectionSchema = {
  type: 'object',
  description: 'Overrides of energy-table entries (src/energy/tables.ts), keyed by table key; see docs/energy.md.',
  additionalProperties: false,
  properties: Object.fromEntries(overridableKeys().map((k) => [k, energyOverrideSchema])),
};
