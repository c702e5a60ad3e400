import { archSchema } from '../../config/arch.ts';

/** The `gpu` section: the structure the cycle-approximate model reads (issue 5 extends it). */
export const gpuSectionSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    sms: { type: 'integer', minimum: 1, description: 'Streaming multiprocessors.' },
    clockHz: { type: 'number', exclusiveMinimum: 0, description: 'Sustained tensor clock, Hz.' },
  },
  required: ['sms', 'clockHz'],
};

export const gpuArchSchema = archSchema('gpu-tensor-core', { name: 'gpu', schema: gpuSectionSchema, required: true }, true);
