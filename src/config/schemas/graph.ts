/** JSON Schema of an OpGraph file (what `trace import` writes and `simulate --graph` reads). */
const posInt = { type: 'integer', minimum: 1 } as const;
const nonNegInt = { type: 'integer', minimum: 0 } as const;
const posNum = { type: 'number', exclusiveMinimum: 0 } as const;

const common = {
  id: { type: 'string', minLength: 1 },
  name: { type: 'string' },
  cls: { enum: ['embedding', 'qkv_proj', 'rotary', 'attention', 'o_proj', 'mlp', 'moe_router', 'activation', 'norm', 'residual', 'lm_head', 'other'] },
  layer: { type: 'integer', minimum: -1 },
  phase: { enum: ['prefill', 'decode'] },
  deps: { type: 'array', items: { type: 'string' } },
  count: posNum,
  source: { type: 'object', description: 'Where an imported op came from (trace event, ONNX node).' },
} as const;

function opSchema(kind: string, props: Record<string, unknown>, required: string[]): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'name', 'kind', 'cls', 'layer', 'phase', 'deps', ...required],
    properties: { ...common, kind: { const: kind }, ...props },
  };
}

export const opSchemas = {
  gemm: opSchema('gemm', { m: posNum, n: posInt, k: posInt, batch: posInt, weight: { enum: ['none', 'layer', 'aux'] }, bias: { type: 'boolean' } }, [
    'm',
    'n',
    'k',
    'batch',
    'weight',
    'bias',
  ]),
  attention: opSchema(
    'attention',
    {
      batch: posInt,
      heads: posInt,
      kvHeads: posInt,
      headDim: posInt,
      qLen: posInt,
      kvLen: posInt,
      causal: { type: 'boolean' },
      window: nonNegInt,
      chunk: nonNegInt,
      vHeadDim: posInt,
      latentKv: { type: 'boolean' },
      logitSoftcap: { type: 'number', minimum: 0 },
      sinks: { type: 'boolean' },
    },
    ['batch', 'heads', 'kvHeads', 'headDim', 'qLen', 'kvLen', 'causal', 'window'],
  ),
  embedding: opSchema('embedding', { tokens: posInt, dim: posInt, vocab: posInt }, ['tokens', 'dim', 'vocab']),
  norm: opSchema('norm', { norm: { enum: ['rms', 'layer'] }, rows: posInt, dim: posInt }, ['norm', 'rows', 'dim']),
  elementwise: opSchema(
    'elementwise',
    {
      fn: { enum: ['add', 'mul', 'silu_mul', 'gelu', 'relu', 'silu', 'rotary', 'topk', 'copy', 'softcap'] },
      elements: posInt,
      inputs: nonNegInt,
    },
    ['fn', 'elements', 'inputs'],
  ),
  softmax: opSchema('softmax', { rows: posInt, dim: posInt }, ['rows', 'dim']),
};

export const graphSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['meta', 'ops'],
  properties: {
    $schema: { type: 'string' },
    meta: {
      type: 'object',
      additionalProperties: true,
      required: ['model', 'modelType', 'phase', 'batch', 'tokens', 'params', 'kv'],
      properties: {
        model: { type: 'string' },
        modelType: { type: 'string' },
        phase: { enum: ['prefill', 'decode'] },
        batch: posInt,
        seq: posInt,
        context: nonNegInt,
        tokens: posInt,
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['total', 'layer', 'embedding', 'other'],
          properties: { total: nonNegInt, layer: nonNegInt, embedding: nonNegInt, other: nonNegInt, mtp: nonNegInt },
        },
        kv: {
          type: 'object',
          additionalProperties: false,
          required: ['layers', 'kvHeads', 'headDim', 'tokens'],
          properties: {
            layers: nonNegInt,
            kvHeads: nonNegInt,
            headDim: nonNegInt,
            tokens: nonNegInt,
            groups: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['layers', 'elementsPerToken', 'window'],
                properties: { layers: nonNegInt, elementsPerToken: nonNegInt, window: nonNegInt },
              },
            },
          },
        },
        maxPositionEmbeddings: posInt,
      },
    },
    ops: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['kind'],
        properties: { kind: { enum: Object.keys(opSchemas) } },
        allOf: Object.entries(opSchemas).map(([kind, s]) => ({ if: { properties: { kind: { const: kind } } }, then: s })),
      },
    },
  },
};
