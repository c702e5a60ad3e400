/**
 * aten op → canonical Prim. One table names every aten op the importer understands; an op not in
 * it is 'unknown' (reported, never silently dropped). Shapes come from the event's `Input Dims`;
 * scalar arguments from `Concrete Inputs`.
 */
import type { OpNode } from './nesting.ts';
import type { Prim, PrimOp, Shape } from './types.ts';
import type { TraceDims } from './trace-read.ts';
import { broadcast } from './shapes.ts';
import { ownTable } from '../../util/own.ts';

/** SDPA family: where is_causal and the mask sit in Concrete Inputs, and the q/k/v layout. */
interface SdpaSignature {
  causal: number;
  mask?: number;
  /** Index of an int mask type (efficient-attention forward: 0 none, 1 causal from top-left, 2 bottom-right). */
  maskType?: number;
  layout: 'bhld' | 'blhd';
}

/** Argument positions from the aten schemas (native_functions.yaml). */
export const SDPA_SIGNATURES: Record<string, SdpaSignature> = ownTable({
  'aten::scaled_dot_product_attention': { causal: 5, mask: 3, layout: 'bhld' },
  'aten::_scaled_dot_product_attention_math': { causal: 5, mask: 3, layout: 'bhld' },
  'aten::_scaled_dot_product_flash_attention': { causal: 4, layout: 'bhld' },
  'aten::_scaled_dot_product_flash_attention_for_cpu': { causal: 4, mask: 5, layout: 'bhld' },
  'aten::_scaled_dot_product_efficient_attention': { causal: 6, mask: 3, layout: 'bhld' },
  'aten::_scaled_dot_product_cudnn_attention': { causal: 6, mask: 3, layout: 'bhld' },
  'aten::_flash_attention_forward': { causal: 8, layout: 'blhd' },
  'aten::_efficient_attention_forward': { causal: -1, mask: 3, maskType: 9, layout: 'blhd' },
});

const TABLE = Object.create(null) as Record<string, PrimOp>; // looked up by event names from the file
function names(op: PrimOp, ...list: string[]): void {
  for (const n of list) TABLE[`aten::${n}`] = op;
}
names('linear', 'linear');
names('addmm', 'addmm');
names('matmul', 'matmul', 'mm');
names('bmm', 'bmm', 'baddbmm');
// MoE experts: aten::_grouped_mm(self, mat2, offs?, bias?, out_dtype?) — one GEMM per expert group
// over the routed rows (self [tokens·topk, K], mat2 [experts, K, N], offs [experts] row ends).
names('grouped_mm', '_grouped_mm');
// Fused MoE kernels of serving stacks: (hidden_states [T, H], w1 [E, N1, H], w2 [E, H, I],
// topk_weights [T, k], topk_ids [T, k], …); w1 is gate+up (N1 = 2·I) for gated activations.
for (const n of ['vllm::inplace_fused_experts', 'vllm::outplace_fused_experts', 'sglang::inplace_fused_experts', 'sglang::outplace_fused_experts'])
  TABLE[n] = 'fused_moe';
for (const n of Object.keys(SDPA_SIGNATURES)) TABLE[n] = 'sdpa';
names('embedding', 'embedding');
names('layer_norm', 'layer_norm', 'native_layer_norm');
names('rms_norm', 'rms_norm', '_fused_rms_norm');
names('softmax', 'softmax', '_softmax', 'log_softmax', '_log_softmax', '_safe_softmax');
names('add', 'add', 'add_', 'sub', 'sub_', 'rsub');
names('mul', 'mul', 'mul_', 'div', 'div_');
names('neg', 'neg', 'neg_');
names('pow', 'pow', 'pow_');
names('rsqrt', 'rsqrt', 'rsqrt_');
names('sqrt', 'sqrt', 'sqrt_');
names('reciprocal', 'reciprocal', 'reciprocal_');
names(
  'unary',
  'exp',
  'exp_',
  'log',
  'sin',
  'cos',
  'tanh',
  'abs',
  'clamp',
  'clamp_',
  'clamp_min',
  'clamp_max',
  'minimum',
  'maximum',
  'where',
  'masked_fill',
  'masked_fill_',
  'triu',
  'tril',
  'erf',
  'eq',
  'ne',
  'gt',
  'lt',
  'ge',
  'le',
  'bitwise_and',
  'bitwise_or',
  'logical_and',
  'logical_not',
);
names('silu', 'silu', 'silu_');
names('sigmoid', 'sigmoid', 'sigmoid_');
names('gelu', 'gelu', 'gelu_');
names('relu', 'relu', 'relu_');
names('mean', 'mean');
names('reduce', 'sum', 'amax', 'amin', 'max', 'min', 'argmax', 'argmin', 'var', 'std', 'norm', 'linalg_vector_norm', 'any', 'all', 'cumsum');
names('topk', 'topk', 'sort', 'argsort', 'multinomial');
names('cat', 'cat', 'stack');
names('copy', 'copy_', 'clone', 'index_select', 'gather', 'index', 'index_put_', 'scatter', 'scatter_', '_to_copy', 'index_copy_', 'slice_scatter');
// Metadata only: a view, a transpose, a shape query moves no data.
names(
  'view',
  'view',
  'reshape',
  '_unsafe_view',
  '_reshape_alias',
  'transpose',
  't',
  'permute',
  'expand',
  'expand_as',
  'unsqueeze',
  'squeeze',
  'slice',
  'select',
  'as_strided',
  'alias',
  'detach',
  'detach_',
  'lift_fresh',
  'unbind',
  'split',
  'split_with_sizes',
  'chunk',
  'narrow',
  'flatten',
  'unflatten',
  'view_as',
  'numpy_T',
  'result_type',
  'resize_',
  'is_nonzero',
  'item',
  '_local_scalar_dense',
  'size',
  'stride',
  'dim',
  'is_floating_point',
  'broadcast_to',
  'movedim',
  'diagonal',
  'real',
  'view_as_real',
  'view_as_complex',
  'unfold',
  'set_',
  'record_stream',
  'dropout',
  'feature_dropout',
  'native_dropout',
  'requires_grad_',
  'retain_grad',
);
// Allocations and factories: they allocate or fill small index tensors (position ids, masks).
names(
  'alloc',
  'empty',
  'empty_like',
  'empty_strided',
  'new_empty',
  'new_empty_strided',
  'zeros',
  'zeros_like',
  'new_zeros',
  'ones',
  'ones_like',
  'new_ones',
  'full',
  'full_like',
  'new_full',
  'arange',
  'randint',
  'random_',
  'rand',
  'randn',
  'normal_',
  'uniform_',
  'fill_',
  'zero_',
  'scalar_tensor',
  'lift_fresh_copy',
  'linspace',
);
// Ops that only dispatch (no kernel of their own) when they contain nothing: to(self dtype) is self.
const NOOP_WHEN_LEAF = new Set(['aten::to', 'aten::contiguous', 'aten::type_as', 'aten::clone', 'aten::dropout']);

function tensorDims(d: TraceDims | undefined): Shape | undefined {
  if (!Array.isArray(d)) return undefined;
  if (d.length && Array.isArray(d[0])) return undefined; // a tensor list
  return d as Shape;
}

function tensorList(d: TraceDims | undefined): Shape[] {
  if (!Array.isArray(d) || !d.length || !Array.isArray(d[0])) return [];
  return d as Shape[];
}

/** Parses one `Concrete Inputs` entry: 'True', '0.125', '[1, 64, -1]', '' (a tensor). */
export function parseConcrete(text: string | undefined): number | boolean | number[] | string | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (/^\[.*\]$/.test(text)) {
    const inner = text.slice(1, -1).trim();
    return inner ? inner.split(',').map((s) => Number(s.trim())) : [];
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** Which canonical op an aten event is, before looking at its children. */
export function atenOp(name: string): PrimOp {
  return TABLE[name] ?? 'unknown';
}

/** The canonical op of a node, taking nesting into account (to() with no copy inside is a no-op). */
export function nodeOp(n: OpNode): PrimOp {
  if (NOOP_WHEN_LEAF.has(n.ev.name)) {
    if (n.children.length === 0 && n.selfGpuUs === 0) return 'view';
    if (n.ev.name === 'aten::to' || n.ev.name === 'aten::type_as') return 'cast';
    if (n.ev.name === 'aten::dropout') return 'view';
    return 'copy';
  }
  return atenOp(n.ev.name);
}

export function primFromNode(n: OpNode, timeUs: number): Prim {
  const ev = n.ev;
  const op = nodeOp(n);
  const inputs: Shape[] = [];
  for (const d of ev.dims) {
    const s = tensorDims(d);
    if (s) inputs.push(s);
    else for (const t of tensorList(d)) inputs.push(t);
  }
  const prim: Prim = { op, name: ev.name, inputs, timeUs, ref: ev.index };
  const c = (i: number) => parseConcrete(ev.concrete[i]);
  switch (op) {
    case 'sdpa': {
      const sig = SDPA_SIGNATURES[ev.name]!;
      let causal = sig.causal >= 0 ? c(sig.causal) === true : false;
      if (sig.maskType !== undefined) {
        const mt = c(sig.maskType);
        causal = typeof mt === 'number' && mt !== 0;
      }
      const maskDims = sig.mask !== undefined ? tensorDims(ev.dims[sig.mask]) : undefined;
      prim.args = { causal, mask: !!maskDims && maskDims.length > 0, layout: sig.layout };
      prim.inputs = [0, 1, 2].map((i) => tensorDims(ev.dims[i]) ?? []);
      break;
    }
    case 'linear': {
      const bias = tensorDims(ev.dims[2]);
      prim.args = { bias: !!bias && bias.length > 0 };
      break;
    }
    case 'addmm': {
      // addmm(bias, A, B)
      prim.inputs = [tensorDims(ev.dims[1]) ?? [], tensorDims(ev.dims[2]) ?? [], tensorDims(ev.dims[0]) ?? []];
      prim.args = { bias: true };
      break;
    }
    case 'grouped_mm': {
      const bias = tensorDims(ev.dims[3]);
      prim.inputs = [tensorDims(ev.dims[0]) ?? [], tensorDims(ev.dims[1]) ?? []];
      prim.args = { bias: !!bias && bias.length > 0 };
      break;
    }
    case 'fused_moe':
      prim.inputs = [0, 1, 2, 3, 4].map((i) => tensorDims(ev.dims[i]) ?? []);
      break;
    case 'bmm':
      if (ev.name === 'aten::baddbmm') prim.inputs = [tensorDims(ev.dims[1]) ?? [], tensorDims(ev.dims[2]) ?? []];
      break;
    case 'pow': {
      const e = c(1);
      if (typeof e === 'number') prim.args = { exponent: e };
      break;
    }
    case 'mean':
    case 'reduce': {
      const dims = c(1);
      const keep = c(2);
      prim.args = { ...(Array.isArray(dims) ? { dims } : typeof dims === 'number' ? { dims: [dims] } : {}), keepdim: keep === true };
      break;
    }
    case 'cat': {
      const dim = c(1);
      prim.args = { dim: typeof dim === 'number' ? dim : 0 };
      prim.inputs = tensorList(ev.dims[0]);
      break;
    }
    case 'softmax': {
      const dim = c(1);
      if (typeof dim === 'number') prim.args = { dim };
      break;
    }
    case 'embedding':
      prim.inputs = [tensorDims(ev.dims[0]) ?? [], tensorDims(ev.dims[1]) ?? []];
      break;
    case 'copy': {
      // index_select(self, dim, index); gather(self, dim, index): the dim is concrete input 1.
      const dim = c(1);
      if ((ev.name === 'aten::index_select' || ev.name === 'aten::gather') && typeof dim === 'number') prim.args = { dim };
      break;
    }
    default:
      break;
  }
  prim.output = outputShape(prim);
  return prim;
}

/** Output shape of a canonical prim where it follows from its inputs. */
export function outputShape(p: Prim): Shape | undefined {
  const ins = p.inputs;
  switch (p.op) {
    case 'add':
    case 'mul':
    case 'neg':
    case 'pow':
    case 'rsqrt':
    case 'sqrt':
    case 'reciprocal':
    case 'unary':
    case 'silu':
    case 'sigmoid':
    case 'gelu':
    case 'relu':
    case 'cast':
    case 'copy':
    case 'softmax':
    case 'layer_norm':
    case 'rms_norm':
      if (p.op === 'copy') {
        // Copies whose output is not their first input's shape.
        if (p.name === 'aten::copy_') return ins[0];
        if (p.name === 'aten::index_select') {
          const [x, idx] = [ins[0], ins[ins.length - 1]];
          const dim = typeof p.args?.['dim'] === 'number' ? p.args['dim'] : 0;
          if (!x || !idx || idx.length !== 1) return undefined;
          const out = [...x];
          out[dim < 0 ? dim + x.length : dim] = idx[0]!;
          return out;
        }
        if (p.name === 'aten::gather') return ins[ins.length - 1];
        if (
          p.name === 'aten::index' ||
          p.name === 'aten::index_put_' ||
          p.name === 'aten::scatter' ||
          p.name === 'aten::scatter_' ||
          p.name === 'aten::index_copy_' ||
          p.name === 'aten::slice_scatter'
        ) {
          return p.name === 'aten::index' ? undefined : ins[0];
        }
      }
      return ins.length ? broadcast(...ins.filter((s) => s.length > 0 || ins.length === 1)) : undefined;
    case 'cat': {
      if (!ins.length) return undefined;
      const nonEmpty = ins.filter((s) => !(s.length === 1 && s[0] === 0));
      if (!nonEmpty.length) return [0];
      const rank = nonEmpty[0]!.length;
      const d = typeof p.args?.['dim'] === 'number' ? (p.args['dim'] < 0 ? p.args['dim'] + rank : p.args['dim']) : 0;
      const out = [...nonEmpty[0]!];
      out[d] = nonEmpty.reduce((a, s) => a + (s[d] ?? 0), 0);
      return out;
    }
    case 'mean':
    case 'reduce': {
      const x = ins[0];
      if (!x) return undefined;
      const dims = Array.isArray(p.args?.['dims']) ? p.args['dims'].map((d) => (d < 0 ? d + x.length : d)) : x.map((_, i) => i);
      const keep = p.args?.['keepdim'] === true;
      const out: Shape = [];
      x.forEach((v, i) => {
        if (!dims.includes(i)) out.push(v);
        else if (keep) out.push(1);
      });
      return out;
    }
    case 'linear': {
      const [x, w] = ins;
      if (!x || !w || w.length !== 2) return undefined;
      return [...x.slice(0, -1), w[0]!];
    }
    case 'matmul':
    case 'bmm':
    case 'addmm': {
      const [a, b] = ins;
      if (!a || !b || a.length < 1 || b.length < 1) return undefined;
      if (b.length === 1) return a.slice(0, -1);
      if (a.length === 1) return [...b.slice(0, -2), b[b.length - 1]!];
      const batch = broadcast(a.slice(0, -2), b.slice(0, -2));
      if (!batch) return undefined;
      return [...batch, a[a.length - 2]!, b[b.length - 1]!];
    }
    case 'embedding': {
      const [w, idx] = ins;
      if (!w || !idx || w.length !== 2) return undefined;
      return [...idx, w[1]!];
    }
    case 'grouped_mm': {
      const [a, b] = ins;
      if (!a || !b || b.length !== 3) return undefined;
      if (a.length === 2) return [a[0]!, b[2]!];
      if (a.length === 3) return [a[0]!, a[1]!, b[2]!];
      return undefined;
    }
    case 'fused_moe':
      return ins[0];
    case 'sdpa':
      return ins[0] && ins[2] ? [...ins[0].slice(0, -1), ins[2][ins[2].length - 1]!] : undefined;
    default:
      return undefined;
  }
}
