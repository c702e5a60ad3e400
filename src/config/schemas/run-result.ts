/**
 * JSON Schema of `simulate --json` output (the machine-readable contract in docs/cli.md).
 * Later features add fields; they never remove or rename these. A test validates real output.
 */
const num = { type: 'number' } as const;
const energy = {
  type: 'object',
  required: ['compute', 'onChip', 'offChip', 'static'],
  properties: { compute: num, onChip: num, offChip: num, static: num },
} as const;

export const runResultSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['workload', 'arch', 'quant', 'totals', 'memory', 'classes', 'ops', 'calibration', 'warnings'],
  properties: {
    workload: {
      type: 'object',
      required: ['model', 'params', 'phase', 'batch', 'tokens'],
      properties: {
        model: { type: 'string' },
        modelType: { type: 'string' },
        params: { type: 'integer' },
        mtpParams: { type: 'integer' },
        phase: { enum: ['prefill', 'decode', 'generate'] },
        batch: { type: 'integer', minimum: 1 },
        seq: { type: 'integer' },
        context: { type: 'integer' },
        tokens: num,
      },
      anyOf: [
        { required: ['seq'], properties: { seq: { type: 'integer' } } },
        { required: ['context'], properties: { context: { type: 'integer' } } },
        { required: ['phase'], properties: { phase: { const: 'generate' } } },
      ],
    },
    arch: {
      type: 'object',
      required: ['name', 'kind', 'ceilings'],
      properties: { name: { type: 'string' }, kind: { type: 'string' }, ceilings: { type: 'object' } },
    },
    quant: { type: 'object', required: ['name', 'weights', 'activations', 'kv'] },
    totals: {
      type: 'object',
      required: ['seconds', 'flops', 'bytes', 'energyJ', 'tokensPerSecond', 'memoryBytes', 'rooflineSeconds', 'energyPj', 'energyPerTokenJ', 'averagePowerW'],
      properties: {
        seconds: num,
        flops: num,
        bytes: num,
        energyJ: num,
        tokensPerSecond: num,
        memoryBytes: num,
        rooflineSeconds: num,
        energyPj: energy,
        energyPerTokenJ: num,
        averagePowerW: num,
      },
    },
    memory: {
      type: 'object',
      required: ['weightsBytes', 'kvCacheBytes', 'activationBytes', 'totalBytes', 'capacityBytes', 'fits'],
    },
    classes: { type: 'array', items: { type: 'object', required: ['cls', 'ops', 'flops', 'bytes', 'seconds', 'intensity', 'bound'] } },
    ops: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'kind', 'layer', 'flops', 'bytes', 'seconds', 'bound', 'energyPj', 'roofline'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          kind: { type: 'string' },
          layer: { type: 'integer' },
          flops: num,
          bytes: num,
          seconds: num,
          bound: { enum: ['compute', 'memory', 'latency', 'overhead', 'interconnect'] },
          energyPj: energy,
        },
      },
    },
    calibration: { type: 'array', items: { type: 'object', required: ['name', 'value', 'source'] } },
    energySources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'valuePj', 'unit', 'nodeNm', 'year', 'source', 'verified', 'appliedPj', 'scale', 'overridden'],
        properties: {
          key: { type: 'string' },
          valuePj: num,
          unit: { type: 'string' },
          nodeNm: num,
          year: num,
          source: { type: 'string', minLength: 1 },
          verified: { type: 'boolean' },
          appliedPj: num,
          scale: num,
          overridden: { type: 'boolean' },
        },
      },
    },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;
