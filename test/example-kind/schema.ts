/**
 * Example kind (docs/adding-a-hardware-model.md; registered by test/example-kind only, never
 * shipped): one declaration gives the section's TypeScript type, its strict JSON Schema (ranges,
 * required fields, descriptions) and its defaults.
 */
import { Type, type Static } from '@sinclair/typebox';
import { archSchema, type ArchConfig } from '../../src/arch/base.ts';
import { defaultsOf } from '../../src/arch/defaults.ts';
import { EXAMPLE_CALIBRATION } from './calibration.ts';

export const systolicSection = Type.Object(
  {
    rows: Type.Integer({ minimum: 1, description: 'Processing-element rows (one output row each).' }),
    cols: Type.Integer({ minimum: 1, description: 'Processing-element columns (one output column each).' }),
    clockHz: Type.Number({ exclusiveMinimum: 0, description: 'Array clock, Hz.' }),
    fillCycles: Type.Optional(Type.Integer({ minimum: 0, default: 32, description: 'Cycles to fill and drain the array once per output tile.' })),
  },
  { additionalProperties: false },
);

export type SystolicSection = Static<typeof systolicSection>;
export const SYSTOLIC_DEFAULTS = defaultsOf(systolicSection, ['fillCycles']);

export interface SystolicArchConfig extends ArchConfig {
  compute: NonNullable<ArchConfig['compute']>;
  systolic: SystolicSection;
}

export const systolicArchSchema = archSchema('systolic-example', { name: 'systolic', schema: systolicSection, required: true }, true, EXAMPLE_CALIBRATION);
