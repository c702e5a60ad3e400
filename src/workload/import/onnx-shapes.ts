/**
 * Shapes of every tensor of an ONNX graph: from the graph's inputs, outputs, value_info and
 * initializers where given, else inferred node by node (ONNX operator semantics, opset ≥ 13
 * input-style axes and the older attribute style alike), for the ops an LLM export uses. Small
 * integer tensors (shape constants, Shape outputs) are propagated by value so Reshape, Slice,
 * Unsqueeze and Expand targets are known. Symbolic dims (dynamic axes) are bound from `dims`.
 */
import { AccelscopeError } from '../../util/errors.ts';
import type { OnnxModel, OnnxNode, OnnxValueInfo } from './onnx-proto.ts';
import type { Shape } from './types.ts';
import { axis, broadcast, numel } from './shapes.ts';

export interface ShapeTable {
  shapes: Map<string, Shape>;
  /** Known values of small constant tensors. */
  values: Map<string, number[]>;
  /** Tensors computable from constants alone (folded by any runtime). */
  constant: Set<string>;
  initializers: Set<string>;
}

const SAME_AS_INPUT = new Set([
  'Identity',
  'Cast',
  'CastLike',
  'Neg',
  'Sqrt',
  'Reciprocal',
  'Exp',
  'Log',
  'Sin',
  'Cos',
  'Tanh',
  'Sigmoid',
  'Relu',
  'Gelu',
  'FastGelu',
  'QuickGelu',
  'Erf',
  'Abs',
  'Softmax',
  'LogSoftmax',
  'LayerNormalization',
  'SimplifiedLayerNormalization',
  'RMSNormalization',
  'Dropout',
  'Not',
  'IsNaN',
  'Clip',
  'Trilu',
  'Softplus',
  'HardSigmoid',
  'LeakyRelu',
  'Elu',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'CumSum',
]);
const BROADCAST = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Where',
  'Max',
  'Min',
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'And',
  'Or',
  'Xor',
  'Mod',
  'BitwiseAnd',
  'BitwiseOr',
]);
const REDUCE = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ReduceL1', 'ReduceSumSquare', 'ReduceLogSumExp']);

function bindShape(v: OnnxValueInfo, dims: Record<string, number>): Shape | undefined {
  if (!v.shape) return undefined;
  const out: Shape = [];
  for (const d of v.shape) {
    if (typeof d === 'number' && d > 0) out.push(d);
    else if (typeof d === 'number' && d === 0 && v.shape.length) out.push(0);
    else if (typeof d === 'string' && dims[d] !== undefined) out.push(dims[d]);
    else return undefined;
  }
  return out;
}

export function buildShapeTable(m: OnnxModel, dims: Record<string, number> = {}, file?: string, useValueInfo = true): ShapeTable {
  const shapes = new Map<string, Shape>();
  const values = new Map<string, number[]>();
  const constant = new Set<string>();
  const initializers = new Set<string>();
  for (const t of m.initializers) {
    shapes.set(t.name, t.dims);
    initializers.add(t.name);
    constant.add(t.name);
    if (t.values) values.set(t.name, t.values);
  }
  for (const inp of m.inputs) {
    if (initializers.has(inp.name)) continue;
    const s = bindShape(inp, dims);
    if (!s) {
      const free = (inp.shape ?? []).filter((d) => typeof d === 'string' && dims[d] === undefined);
      throw new AccelscopeError(
        'bad-flag',
        free.length
          ? `input '${inp.name}' has symbolic dimension(s) ${free.map((d) => `'${d}'`).join(', ')}: bind each with --dim NAME=VALUE`
          : `input '${inp.name}' has no static shape`,
        { file },
      );
    }
    shapes.set(inp.name, s);
  }
  const declared = new Map<string, Shape>();
  if (useValueInfo) {
    for (const v of [...m.valueInfo, ...m.outputs]) {
      const s = bindShape(v, dims);
      if (s) declared.set(v.name, s);
    }
  }
  const t: ShapeTable = { shapes, values, constant, initializers };
  for (const node of m.nodes) {
    inferNode(node, t);
    for (const o of node.outputs) {
      const d = declared.get(o);
      if (d) shapes.set(o, d);
    }
  }
  return t;
}

function constInt(t: ShapeTable, name: string | undefined): number[] | undefined {
  return name ? t.values.get(name) : undefined;
}

function attrInts(n: OnnxNode, name: string): number[] | undefined {
  const a = n.attrs[name];
  return a?.ints ?? (a?.i !== undefined ? [a.i] : undefined);
}

function attrInt(n: OnnxNode, name: string, dflt: number): number {
  return n.attrs[name]?.i ?? dflt;
}

function inferNode(n: OnnxNode, t: ShapeTable): void {
  const ins = n.inputs.map((i) => (i ? t.shapes.get(i) : undefined));
  const x = ins[0];
  const out = n.outputs[0];
  if (!out) return;
  const present = n.inputs.filter((i) => i !== '');
  if (n.opType === 'Constant' || (present.length > 0 && present.every((i) => t.constant.has(i)))) {
    for (const o of n.outputs) t.constant.add(o);
  }
  const set = (s: Shape | undefined, v?: number[]) => {
    if (s) t.shapes.set(out, s);
    if (v) t.values.set(out, v);
  };
  const vals = n.inputs.map((i) => (i ? t.values.get(i) : undefined));
  switch (n.opType) {
    case 'Constant': {
      const a = n.attrs['value'];
      if (a?.t) return set(a.t.dims, a.t.values);
      const ints = n.attrs['value_ints']?.ints;
      if (ints) return set([ints.length], ints);
      const i = n.attrs['value_int']?.i;
      if (i !== undefined) return set([], [i]);
      const f = n.attrs['value_float']?.f;
      if (f !== undefined) return set([], [f]);
      const fs = n.attrs['value_floats']?.floats;
      if (fs) return set([fs.length], fs);
      return;
    }
    case 'Shape': {
      if (!x) return;
      const start = axis(attrInt(n, 'start', 0), x.length);
      const endA = n.attrs['end']?.i;
      const end = endA === undefined ? x.length : axis(endA, x.length);
      const v = x.slice(start, end);
      t.constant.add(out);
      return set([v.length], v);
    }
    case 'Size':
      t.constant.add(out);
      return x ? set([], [numel(x)]) : undefined;
    case 'MatMul': {
      const [a, b] = ins;
      if (!a || !b) return;
      if (b.length === 1) return set(a.slice(0, -1));
      if (a.length === 1) return set([...b.slice(0, -2), b[b.length - 1]!]);
      const batch = broadcast(a.slice(0, -2), b.slice(0, -2));
      return batch ? set([...batch, a[a.length - 2]!, b[b.length - 1]!]) : undefined;
    }
    case 'Gemm': {
      const [a, b] = ins;
      if (!a || !b) return;
      const M = attrInt(n, 'transA', 0) ? a[1]! : a[0]!;
      const N = attrInt(n, 'transB', 0) ? b[0]! : b[1]!;
      return set([M, N]);
    }
    case 'Gather': {
      const [data, idx] = ins;
      if (!data || !idx) return;
      const ax = axis(attrInt(n, 'axis', 0), data.length);
      const s = [...data.slice(0, ax), ...idx, ...data.slice(ax + 1)];
      const [dv, iv] = vals;
      let v: number[] | undefined;
      if (dv && iv && data.length === 1) v = iv.map((i) => dv[i < 0 ? i + dv.length : i]!);
      return set(s, v);
    }
    case 'Reshape': {
      const target = constInt(t, n.inputs[1]);
      if (!x || !target) return;
      const allowzero = attrInt(n, 'allowzero', 0) === 1;
      const s = target.map((d, i) => (d === 0 && !allowzero ? x[i]! : d));
      const known = s.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      const shape = s.map((d) => (d === -1 ? numel(x) / known : d));
      return set(shape, vals[0]);
    }
    case 'Flatten': {
      if (!x) return;
      const ax = axis(attrInt(n, 'axis', 1), x.length);
      return set([numel(x.slice(0, ax)), numel(x.slice(ax))]);
    }
    case 'Transpose': {
      if (!x) return;
      const perm = attrInts(n, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return set(perm.map((p) => x[p]!));
    }
    case 'Unsqueeze': {
      const axes = constInt(t, n.inputs[1]) ?? attrInts(n, 'axes');
      if (!x || !axes) return;
      const rank = x.length + axes.length;
      const norm = axes.map((a) => axis(a, rank)).sort((a, b) => a - b);
      const s = [...x];
      for (const a of norm) s.splice(a, 0, 1);
      return set(s, vals[0]);
    }
    case 'Squeeze': {
      if (!x) return;
      const axes = (constInt(t, n.inputs[1]) ?? attrInts(n, 'axes'))?.map((a) => axis(a, x.length));
      return set(
        x.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)),
        vals[0],
      );
    }
    case 'Concat': {
      const shapes = ins.filter((s): s is Shape => s !== undefined);
      if (shapes.length !== n.inputs.length || !shapes.length) return;
      const ax = axis(attrInt(n, 'axis', 0), shapes[0]!.length);
      const s = [...shapes[0]!];
      s[ax] = shapes.reduce((a, sh) => a + sh[ax]!, 0);
      const v = vals.every((vv) => vv !== undefined) && s.length === 1 ? vals.flatMap((vv) => vv) : undefined;
      return set(s, v);
    }
    case 'Slice': {
      if (!x) return;
      const starts = constInt(t, n.inputs[1]) ?? attrInts(n, 'starts');
      const ends = constInt(t, n.inputs[2]) ?? attrInts(n, 'ends');
      if (!starts || !ends) return;
      const axes = (constInt(t, n.inputs[3]) ?? attrInts(n, 'axes') ?? starts.map((_, i) => i)).map((a) => axis(a, x.length));
      const steps = constInt(t, n.inputs[4]) ?? starts.map(() => 1);
      const s = [...x];
      let v = vals[0];
      axes.forEach((a, i) => {
        const dim = x[a]!;
        const step = steps[i] ?? 1;
        const clamp = (p: number, lo: number, hi: number) => Math.min(Math.max(p < 0 ? p + dim : p, lo), hi);
        const b = step > 0 ? clamp(starts[i]!, 0, dim) : clamp(starts[i]!, 0, dim - 1);
        const e = step > 0 ? clamp(ends[i]!, 0, dim) : clamp(ends[i]!, -1, dim - 1);
        s[a] = Math.max(0, Math.ceil((e - b) / step));
        if (v && x.length === 1 && step === 1) v = v.slice(b, e);
      });
      return set(s, v);
    }
    case 'Expand': {
      const target = constInt(t, n.inputs[1]);
      if (!x || !target) return;
      return set(broadcast(x, target));
    }
    case 'ConstantOfShape': {
      const target = constInt(t, n.inputs[0]);
      t.constant.add(out);
      return target ? set(target) : undefined;
    }
    case 'Split': {
      if (!x) return;
      const ax = axis(attrInt(n, 'axis', 0), x.length);
      const split = constInt(t, n.inputs[1]) ?? attrInts(n, 'split');
      n.outputs.forEach((o, i) => {
        const s = [...x];
        s[ax] = split ? split[i]! : Math.ceil(x[ax]! / n.outputs.length);
        t.shapes.set(o, s);
      });
      return;
    }
    case 'ArgMax':
    case 'ArgMin': {
      if (!x) return;
      const ax = axis(attrInt(n, 'axis', 0), x.length);
      const keep = attrInt(n, 'keepdims', 1) === 1;
      return set(keep ? x.map((d, i) => (i === ax ? 1 : d)) : x.filter((_, i) => i !== ax));
    }
    case 'TopK': {
      const k = constInt(t, n.inputs[1]);
      if (!x || !k) return;
      const ax = axis(attrInt(n, 'axis', -1), x.length);
      for (const o of n.outputs)
        t.shapes.set(
          o,
          x.map((d, i) => (i === ax ? k[0]! : d)),
        );
      return;
    }
    case 'Range': {
      const [s0, l, d] = [vals[0]?.[0], vals[1]?.[0], vals[2]?.[0]];
      if (s0 === undefined || l === undefined || d === undefined) return;
      const len = Math.max(0, Math.ceil((l - s0) / d));
      return set(
        [len],
        Array.from({ length: len }, (_, i) => s0 + i * d),
      );
    }
    case 'Attention': {
      // ai.onnx Attention (opset 23): Q [B, H, q, D] or [B, q, H·D]; output like Q with V's head size.
      const [q, , v] = ins;
      if (!q || !v) return;
      return set(q.length === 4 && v.length === 4 ? [q[0]!, q[1]!, q[2]!, v[3]!] : q);
    }
    default:
      break;
  }
  if (REDUCE.has(n.opType)) {
    if (!x) return;
    const axes = (constInt(t, n.inputs[1]) ?? attrInts(n, 'axes'))?.map((a) => axis(a, x.length)) ?? x.map((_, i) => i);
    const keep = attrInt(n, 'keepdims', 1) === 1;
    const s: Shape = [];
    x.forEach((d, i) => {
      if (!axes.includes(i)) s.push(d);
      else if (keep) s.push(1);
    });
    return set(s);
  }
  if (SAME_AS_INPUT.has(n.opType)) {
    if (!x) return;
    set(x, n.opType === 'Cast' || n.opType === 'Identity' ? vals[0] : undefined);
    if (n.opType === 'LayerNormalization' || n.opType === 'SimplifiedLayerNormalization') return;
    return;
  }
  if (BROADCAST.has(n.opType)) {
    const shapes = ins.filter((s): s is Shape => s !== undefined);
    if (shapes.length !== n.inputs.filter((i) => i).length) return;
    const s = broadcast(...shapes);
    let v: number[] | undefined;
    const [a, b] = vals;
    if (a && b && s && s.length <= 1 && (a.length === b.length || a.length === 1 || b.length === 1)) {
      const len = Math.max(a.length, b.length);
      const op = n.opType;
      v = Array.from({ length: len }, (_, i) => {
        const p = a[a.length === 1 ? 0 : i]!;
        const q = b[b.length === 1 ? 0 : i]!;
        return op === 'Add' ? p + q : op === 'Sub' ? p - q : op === 'Mul' ? p * q : op === 'Div' ? Math.trunc(p / q) : NaN;
      });
      if (v.some((x2) => Number.isNaN(x2))) v = undefined;
    }
    return set(s, v);
  }
}
