/** JSON Schema of a system file (systems/*.json): strict, every number positive and in SI units. */
const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const calibration = {
  type: 'object',
  additionalProperties: false,
  required: ['value', 'source'],
  properties: { value: { type: 'number', exclusiveMinimum: 0 }, source: { type: 'string', minLength: 1 }, description: { type: 'string' } },
} as const;

const level = {
  type: 'object',
  additionalProperties: false,
  required: ['fabric', 'name', 'generation', 'links', 'topology', 'latencyS', 'efficiency'],
  properties: {
    fabric: { enum: ['nvswitch', 'nvlink-p2p', 'pcie', 'infiniband', 'ethernet', 'chip-to-chip'] },
    name: { type: 'string', minLength: 1 },
    generation: { type: 'string', minLength: 1 },
    links: {
      type: 'object',
      additionalProperties: false,
      required: ['count', 'bytesPerSecondPerDirection'],
      properties: {
        count: { type: 'integer', minimum: 1, description: 'Links per device (intra-node) or NICs per node (inter-node).' },
        bytesPerSecondPerDirection: { ...positive, description: 'Payload rate of one link in one direction, bytes/s.' },
      },
    },
    topology: { enum: ['switch', 'host-bridge', 'mesh', 'ring'] },
    inSwitchReduction: { type: 'boolean' },
    inSwitchReductionLatencyS: { ...positive, description: 'Fixed latency of an in-switch (NVLS) all-reduce, seconds.' },
    sharedBytesPerSecond: { ...positive, description: 'Cap shared by all devices of the node (host bridge), bytes/s per direction.' },
    latencyS: { ...positive, description: 'Latency of one hop, seconds.' },
    efficiency: calibration,
  },
} as const;

export const systemSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'device', 'devicesPerNode', 'nodes'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    device: { type: 'string', minLength: 1, description: 'Arch config of one device, relative to this file.' },
    devicesPerNode: { type: 'integer', minimum: 1 },
    nodes: { type: 'integer', minimum: 1 },
    intraNode: level,
    interNode: level,
    calibration: { type: 'object', additionalProperties: calibration },
    sources: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;
