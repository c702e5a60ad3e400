/**
 * The subset of the ONNX protobuf schema (onnx/onnx.proto, IR version 10) the importer reads,
 * declared for protobufjs' reflection. Field numbers follow onnx.proto; every other field of the
 * file is skipped by the decoder. External weight data is never read: only names, dims and types
 * (and small inline constants such as Reshape targets) matter for the op graph.
 */
import protobuf from 'protobufjs';

const schema = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
            functions: { rule: 'repeated', type: 'FunctionProto', id: 25 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
          },
        },
        FunctionProto: {
          fields: {
            name: { type: 'string', id: 1 },
            input: { rule: 'repeated', type: 'string', id: 4 },
            output: { rule: 'repeated', type: 'string', id: 5 },
            attribute: { rule: 'repeated', type: 'string', id: 6 },
            node: { rule: 'repeated', type: 'NodeProto', id: 7 },
            domain: { type: 'string', id: 10 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4 },
            int32Data: { rule: 'repeated', type: 'int32', id: 5 },
            int64Data: { rule: 'repeated', type: 'int64', id: 7 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
            doubleData: { rule: 'repeated', type: 'double', id: 10 },
            externalData: { rule: 'repeated', type: 'StringStringEntryProto', id: 13 },
            dataLocation: { type: 'int32', id: 14 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: { fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } } },
        TypeProtoTensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
      },
    },
  },
};

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Values of small inline integer/float tensors (shape constants); undefined when external or large. */
  values?: number[];
}
export interface OnnxAttribute {
  name: string;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
}
export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, OnnxAttribute>;
}
export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** A number per dimension, or the symbolic name of a dynamic one. */
  shape?: (number | string)[];
}
export interface OnnxModel {
  producer: string;
  opset: number;
  graphName: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
  /** Model-local functions (the dynamo exporter may emit them): name → body nodes. */
  functions: Record<string, { inputs: string[]; outputs: string[]; nodes: OnnxNode[] }>;
}

/** The ModelProto type (exported for tests that encode models). */
let modelType: protobuf.Type | undefined;
export function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(schema).lookupType('onnx.ModelProto');
  return modelType;
}

/** Largest inline tensor whose values are decoded (shape constants, scalars). */
const MAX_INLINE_VALUES = 4096;

/**
 * The decoded messages as protobufjs' reflection gives them (the schema above): every field
 * optional, int64 as a Long (or a number), bytes as Uint8Array. Declared once here so the
 * decoder reads typed fields; the cast in decodeOnnx is the boundary.
 */
type Int64 = number | { toNumber(): number } | null | undefined;
interface RawTensor {
  dims?: Int64[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: Int64[];
  name?: string;
  rawData?: Uint8Array;
  doubleData?: number[];
  dataLocation?: number;
}
interface RawAttribute {
  name: string;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: RawTensor | null;
  floats?: number[];
  ints?: Int64[];
  type?: number;
}
interface RawNode {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  attribute?: RawAttribute[];
  domain?: string;
}
interface RawDimension {
  dimValue?: Int64;
  dimParam?: string;
}
interface RawValueInfo {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: RawDimension[] } | null } | null } | null;
}
interface RawGraph {
  node?: RawNode[];
  name?: string;
  initializer?: RawTensor[];
  input?: RawValueInfo[];
  output?: RawValueInfo[];
  valueInfo?: RawValueInfo[];
}
interface RawModel {
  producerName?: string;
  producerVersion?: string;
  graph?: RawGraph | null;
  opsetImport?: { domain?: string; version?: Int64 }[];
  functions?: { name: string; input?: string[]; output?: string[]; node?: RawNode[] }[];
}

function num(v: Int64): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v.toNumber === 'function') return v.toNumber();
  return Number(v);
}

function tensorValues(t: RawTensor, dims: number[]): number[] | undefined {
  const n = dims.reduce((a, b) => a * b, 1);
  if (n > MAX_INLINE_VALUES) return undefined;
  if (t.int64Data?.length) return t.int64Data.map(num);
  if (t.int32Data?.length) return t.int32Data.map(num);
  if (t.floatData?.length) return [...t.floatData];
  if (t.doubleData?.length) return [...t.doubleData];
  const raw = t.rawData;
  if (!raw || raw.length === 0) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = [];
  const dt = num(t.dataType);
  const width: Record<number, number> = { 1: 4, 6: 4, 7: 8, 11: 8, 9: 1, 2: 1, 3: 1 };
  const w = width[dt];
  if (w === undefined || raw.length !== n * w) return undefined;
  for (let i = 0; i < n; i++) {
    const o = i * w;
    switch (dt) {
      case 1:
        out.push(view.getFloat32(o, true));
        break;
      case 6:
        out.push(view.getInt32(o, true));
        break;
      case 7:
        out.push(Number(view.getBigInt64(o, true)));
        break;
      case 11:
        out.push(view.getFloat64(o, true));
        break;
      case 3:
        out.push(view.getInt8(o));
        break;
      default:
        out.push(view.getUint8(o));
    }
  }
  return out;
}

function tensor(t: RawTensor): OnnxTensor {
  const dims = (t.dims ?? []).map(num);
  const values = num(t.dataLocation) === 1 ? undefined : tensorValues(t, dims);
  return { name: t.name ?? '', dims, dataType: num(t.dataType), ...(values ? { values } : {}) };
}

function node(n: RawNode): OnnxNode {
  const attrs = Object.create(null) as Record<string, OnnxAttribute>; // names come from the file
  for (const a of n.attribute ?? []) {
    // `type` (AttributeProto.AttributeType) says which value field is in use: FLOAT 1, INT 2,
    // STRING 3, TENSOR 4, FLOATS 6, INTS 7.
    const at: OnnxAttribute = { name: a.name };
    switch (num(a.type)) {
      case 1:
        at.f = a.f;
        break;
      case 2:
        at.i = num(a.i);
        break;
      case 3:
        at.s = Buffer.from(a.s ?? []).toString('utf8');
        break;
      case 4:
        if (a.t) at.t = tensor(a.t);
        break;
      case 6:
        at.floats = [...(a.floats ?? [])];
        break;
      case 7:
        at.ints = (a.ints ?? []).map(num);
        break;
      default:
        break;
    }
    attrs[a.name] = at;
  }
  return { name: n.name ?? '', opType: n.opType ?? '', domain: n.domain ?? '', inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attrs };
}

function valueInfo(v: RawValueInfo): OnnxValueInfo {
  const tt = v.type?.tensorType;
  const info: OnnxValueInfo = { name: v.name ?? '', elemType: num(tt?.elemType) };
  if (tt?.shape) {
    info.shape = (tt.shape.dim ?? []).map((d) => (d.dimParam ? String(d.dimParam) : num(d.dimValue)));
  }
  return info;
}

/** Decodes ONNX protobuf bytes; throws protobufjs' error on malformed input (the caller wraps it). */
export function decodeOnnx(bytes: Uint8Array): OnnxModel {
  const m = modelProto().decode(bytes) as unknown as RawModel;
  const g = m.graph;
  if (!g) throw new Error('no graph in the model');
  const defaultOpset = (m.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const functions = Object.create(null) as OnnxModel['functions']; // names come from the file
  for (const f of m.functions ?? []) {
    functions[f.name] = { inputs: [...(f.input ?? [])], outputs: [...(f.output ?? [])], nodes: (f.node ?? []).map(node) };
  }
  return {
    producer: [m.producerName, m.producerVersion].filter(Boolean).join(' '),
    opset: num(defaultOpset?.version),
    graphName: g.name ?? '',
    nodes: (g.node ?? []).map(node),
    initializers: (g.initializer ?? []).map(tensor),
    inputs: (g.input ?? []).map(valueInfo),
    outputs: (g.output ?? []).map(valueInfo),
    valueInfo: (g.valueInfo ?? []).map(valueInfo),
    functions,
  };
}
