/** A quant scheme as a JSON file, for anything the short grammar cannot name. */
import { getFormat } from '../../quant/formats.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { AccelscopeError } from '../../util/errors.ts';

export const quantSchemeFileSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['weights', 'activations'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string' },
    weights: { type: 'string', description: 'Format name, e.g. int4-g128, fp8-e4m3, mxfp4, nvfp4, ternary.' },
    activations: { type: 'string' },
    kv: { type: 'string' },
    embeddings: { type: 'string' },
  },
};

export function quantSchemeFromJson(doc: { name?: string; weights: string; activations: string; kv?: string; embeddings?: string }, file: string): QuantScheme {
  const fmt = (key: 'weights' | 'activations' | 'kv' | 'embeddings', name: string) => {
    try {
      return getFormat(name);
    } catch (e) {
      if (e instanceof AccelscopeError) throw new AccelscopeError(e.code, e.message, { file, pointer: `/${key}` });
      throw e;
    }
  };
  const activations = fmt('activations', doc.activations);
  return {
    name: doc.name ?? file.replace(/^.*\//, '').replace(/\.json$/, ''),
    weights: fmt('weights', doc.weights),
    activations,
    kv: doc.kv ? fmt('kv', doc.kv) : activations,
    embeddings: fmt('embeddings', doc.embeddings ?? 'fp16'),
  };
}
