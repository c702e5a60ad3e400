/**
 * ONNX model → OpGraph (docs/trace-import.md). The protobuf is decoded with protobufjs
 * (onnx-proto.ts); external weight data is never read. Shapes come from the graph's value_info,
 * inputs/outputs and initializers, else from shape inference (onnx-shapes.ts). Nodes whose inputs
 * are all constants (weight transposes, mask construction, shape arithmetic) are folded by any
 * runtime and count as allocations, not work. Views (Reshape, Transpose, Unsqueeze, Slice,
 * Expand …) are skipped but pass dataflow through, so deps follow the real producers.
 * An export is one forward pass: its phase comes from its attention (a KV-cache input makes
 * kvLen > qLen: decode).
 */
import { readFileSync } from 'node:fs';
import { AccelscopeError } from '../../util/errors.ts';
import { decodeOnnx, type OnnxModel, type OnnxNode } from './onnx-proto.ts';
import { buildShapeTable, type ShapeTable } from './onnx-shapes.ts';
import { finishImport, type ImportResult } from './finish.ts';
import type { ImportOptions, Prim, PrimOp, Shape } from './types.ts';
import { outputShape } from './aten-map.ts';
import { ownTable } from '../../util/own.ts';

/**
 * The most nodes a model may have once its local functions are inlined (the largest public LLM
 * exports have tens of thousands): a small file whose functions call each other must not expand
 * to billions of nodes before the import fails.
 */
export const MAX_ONNX_NODES = 200_000;

export interface OnnxImportOptions extends ImportOptions {
  /** Values of symbolic dimensions (dynamic axes): --dim batch=1 --dim sequence=16. */
  dims?: Record<string, number>;
  /** Ignore value_info and infer every shape (used by tests of the inference). */
  inferAll?: boolean;
}

const TABLE: Record<string, PrimOp> = ownTable({
  MatMul: 'matmul',
  Gemm: 'addmm',
  Add: 'add',
  Sub: 'add',
  Mul: 'mul',
  Div: 'mul',
  Neg: 'neg',
  Pow: 'pow',
  Sqrt: 'sqrt',
  Reciprocal: 'reciprocal',
  Exp: 'unary',
  Log: 'unary',
  Sin: 'unary',
  Cos: 'unary',
  Tanh: 'unary',
  Abs: 'unary',
  Erf: 'unary',
  Where: 'unary',
  Clip: 'unary',
  Max: 'unary',
  Min: 'unary',
  Equal: 'unary',
  Less: 'unary',
  Greater: 'unary',
  LessOrEqual: 'unary',
  GreaterOrEqual: 'unary',
  Not: 'unary',
  And: 'unary',
  Or: 'unary',
  Mod: 'unary',
  IsNaN: 'unary',
  Trilu: 'unary',
  Floor: 'unary',
  Ceil: 'unary',
  Round: 'unary',
  Sign: 'unary',
  Sigmoid: 'sigmoid',
  Relu: 'relu',
  Gelu: 'gelu',
  FastGelu: 'gelu',
  Softmax: 'softmax',
  LogSoftmax: 'softmax',
  ReduceMean: 'mean',
  ReduceSum: 'reduce',
  ReduceMax: 'reduce',
  ReduceMin: 'reduce',
  ReduceProd: 'reduce',
  ReduceL2: 'reduce',
  ReduceSumSquare: 'reduce',
  ArgMax: 'reduce',
  ArgMin: 'reduce',
  CumSum: 'reduce',
  TopK: 'topk',
  Gather: 'copy',
  Concat: 'cat',
  Cast: 'cast',
  CastLike: 'cast',
  ScatterND: 'copy',
  ScatterElements: 'copy',
  GatherND: 'copy',
  GatherElements: 'copy',
  Tile: 'copy',
  Pad: 'copy',
  LayerNormalization: 'layer_norm',
  SimplifiedLayerNormalization: 'rms_norm',
  RMSNormalization: 'rms_norm',
  Attention: 'sdpa',
  Identity: 'view',
  Reshape: 'view',
  Transpose: 'view',
  Unsqueeze: 'view',
  Squeeze: 'view',
  Flatten: 'view',
  Slice: 'view',
  Expand: 'view',
  Split: 'view',
  Dropout: 'view',
  Shape: 'alloc',
  Constant: 'alloc',
  ConstantOfShape: 'alloc',
  Range: 'alloc',
  Size: 'alloc',
});

export function importOnnx(file: string, opts: OnnxImportOptions = {}): ImportResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AccelscopeError('file-not-found', code === 'ENOENT' ? 'no such file' : `cannot read file (${code ?? 'unknown error'})`, { file });
  }
  let model: OnnxModel;
  try {
    model = decodeOnnx(bytes);
  } catch (e) {
    throw new AccelscopeError('schema', `not an ONNX model: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  return importOnnxModel(model, file, opts);
}

/**
 * Replaces calls of model-local functions (the exporter's per-module functions) by their bodies:
 * formal inputs/outputs renamed to the call's, internal tensors prefixed by the call's name.
 * Attribute references inside function bodies are not resolved.
 */
export function inlineFunctions(model: OnnxModel, depth = 0, file?: string): OnnxNode[] {
  const fns = model.functions;
  const tooMany = () =>
    new AccelscopeError(
      'unsupported',
      `more than ${MAX_ONNX_NODES} nodes${depth ? ' once its local functions are inlined' : ''} (the bound on an ONNX graph; docs/trace-import.md)`,
      { file },
    );
  if (model.nodes.length > MAX_ONNX_NODES) throw tooMany();
  if (!Object.keys(fns).length || depth > 16) return model.nodes;
  let changed = false;
  const out: OnnxNode[] = [];
  model.nodes.forEach((n, i) => {
    const f = n.domain && n.domain !== 'ai.onnx' ? fns[n.opType] : undefined;
    if (!f) {
      out.push(n);
      return;
    }
    changed = true;
    const prefix = `${n.name || `call${i}`}/`;
    const rename = new Map<string, string>();
    f.inputs.forEach((x, k) => rename.set(x, n.inputs[k] ?? ''));
    f.outputs.forEach((x, k) => rename.set(x, n.outputs[k] ?? `${prefix}${x}`));
    const r = (x: string) => (x === '' ? '' : (rename.get(x) ?? `${prefix}${x}`));
    if (out.length + f.nodes.length > MAX_ONNX_NODES) throw tooMany();
    for (const b of f.nodes) out.push({ ...b, name: `${prefix}${b.name}`, inputs: b.inputs.map(r), outputs: b.outputs.map(r) });
  });
  return changed ? inlineFunctions({ ...model, nodes: out }, depth + 1, file) : model.nodes;
}

export function importOnnxModel(model: OnnxModel, file: string, opts: OnnxImportOptions = {}): ImportResult {
  model = { ...model, nodes: inlineFunctions(model, 0, file) };
  const t = buildShapeTable(model, opts.dims ?? {}, file, !opts.inferAll);
  const warnings: string[] = [];
  // Dataflow through views: a view's output stands for the tensors its input stands for.
  const alias = new Map<string, string[]>();
  const real = (name: string): string[] => alias.get(name) ?? [name];
  const prims: Prim[] = [];
  model.nodes.forEach((n, i) => {
    const p = nodePrim(n, i, t);
    if (p.op === 'view') {
      const srcs = n.inputs.filter((x) => x && !t.constant.has(x)).flatMap(real);
      for (const o of n.outputs) alias.set(o, [...new Set(srcs)]);
    }
    p.inTensors = [...new Set(n.inputs.filter((x) => x && !t.constant.has(x)).flatMap(real))];
    p.outTensors = [...n.outputs];
    prims.push(p);
  });
  const compute = prims.filter((p) => p.op !== 'view' && p.op !== 'alloc' && p.op !== 'unknown');
  return finishImport({ format: 'onnx', file, prims, segments: compute.length ? [{ prims: compute }] : [], warnings, opts, modelType: 'onnx' });
}

function nodePrim(n: OnnxNode, index: number, t: ShapeTable): Prim {
  const name = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.opType}` : n.opType;
  const inputs: Shape[] = n.inputs.filter((x) => x).map((x) => t.shapes.get(x) ?? []);
  const prim: Prim = { op: 'unknown', name, inputs, timeUs: 0, ref: n.name || index };
  const known = !n.domain || n.domain === 'ai.onnx' || n.domain === 'com.microsoft' ? TABLE[n.opType] : undefined;
  let op: PrimOp = known ?? 'unknown';
  // A node computable from constants alone is folded ahead of time: no work per token.
  const present = n.inputs.filter((x) => x);
  if (op !== 'unknown' && present.length > 0 && present.every((x) => t.constant.has(x))) op = 'alloc';
  const out = n.outputs[0] ? t.shapes.get(n.outputs[0]) : undefined;
  if (op !== 'unknown' && op !== 'view' && op !== 'alloc' && !out) {
    // Work whose shape could not be inferred cannot be counted: reported, never guessed.
    prim.name = `${name} (no shape for '${n.outputs[0]}')`;
    return prim;
  }
  prim.op = op;
  prim.weightInputs = n.inputs.filter((x) => x).map((x) => t.initializers.has(x));
  prim.initializerNames = n.inputs.filter((x) => x).map((x) => (t.initializers.has(x) ? x : undefined));
  const v = (i: number) => (n.inputs[i] ? t.values.get(n.inputs[i]) : undefined);
  switch (op) {
    case 'matmul': {
      // Gather-style embedding is handled below; MatMul needs nothing more.
      break;
    }
    case 'addmm': {
      const [a, b, c] = inputs;
      if (a && b) {
        const A = n.attrs['transA']?.i ? [a[1]!, a[0]!] : a;
        const B = n.attrs['transB']?.i ? [b[1]!, b[0]!] : b;
        prim.inputs = [A, B, ...(c ? [c] : [])];
        prim.args = { bias: !!c };
      }
      break;
    }
    case 'pow': {
      const e = v(1);
      if (e && e.length === 1) prim.args = { exponent: e[0]! };
      break;
    }
    case 'mean':
    case 'reduce': {
      const axes = v(1) ?? n.attrs['axes']?.ints ?? (n.attrs['axis']?.i !== undefined ? [n.attrs['axis'].i] : undefined);
      prim.args = { ...(axes ? { dims: axes } : {}), keepdim: (n.attrs['keepdims']?.i ?? 1) === 1 };
      prim.inputs = inputs.slice(0, 1);
      break;
    }
    case 'cat':
      prim.args = { dim: n.attrs['axis']?.i ?? 0 };
      break;
    case 'softmax':
      prim.args = { dim: n.attrs['axis']?.i ?? -1 };
      break;
    case 'sdpa': {
      prim.args = { causal: (n.attrs['is_causal']?.i ?? 0) === 1, mask: inputs.length > 3 && (inputs[3]?.length ?? 0) > 0, layout: 'bhld' };
      break;
    }
    case 'layer_norm':
    case 'rms_norm':
      prim.inputs = inputs.slice(0, 1);
      break;
    default:
      break;
  }
  // Gather of a 2-D weight by integer ids on axis 0 is an embedding lookup.
  if (n.opType === 'Gather' && op !== 'alloc') {
    const [data, idx] = inputs;
    const isTable = t.initializers.has(n.inputs[0]!) && data?.length === 2 && (n.attrs['axis']?.i ?? 0) === 0;
    prim.op = isTable ? 'embedding' : 'copy';
    if (isTable) prim.inputs = [data, idx ?? []];
  }
  prim.output = out ?? outputShape(prim);
  return prim;
}
