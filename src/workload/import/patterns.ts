/**
 * Canonical prims → OpGraph op bodies. Multi-op patterns that frameworks emit for one model op are
 * recognised first (in this order, greedily, over the prims of one pass with views removed):
 *
 *   RMSNorm   [cast] pow(x, 2) · mean(last dim, keepdim) · add(eps) · (rsqrt | sqrt · reciprocal)
 *             · mul(x, r) · [cast] · [mul(weight[D])]               → norm rms, rows = |x|/D
 *   rotary    mul(x, cos) · neg(half of x) · cat(→ x) · mul(·, sin) · add  → elementwise rotary, |x|
 *   LayerNorm mean · sub · pow 2 · mean · add · sqrt · div · [mul w] · [add b] → norm layer
 *   SiLU      sigmoid(x) · mul(x, σ)                                 → elementwise silu, |x|
 *   GELU-tanh mul · pow 3 · mul · add · mul · tanh · add · mul (same shape) → elementwise gelu
 *   bias      ONNX MatMul(x, W) · Add(·, b[N])                        → gemm with bias
 *   eager     matmul(Q[B,H,q,D], Kᵀ[B,H,D,k]) · [scale] · [add mask] · [cast] · softmax · [cast]
 *   attention · matmul(P[B,H,q,k], V[B,H,k,D])                       → attention (not two GEMMs)
 *
 * MoE experts (moeOps): `aten::_grouped_mm` of x[tokens·topk, K] by w[E, K, N] is one expert GEMM
 * over the routed rows: with R = tokens·topk rows spread over E experts, the expected experts hit
 * are E·(1 − (1 − 1/E)^R), each on R / that many rows (`count`), so FLOPs are 2·R·K·N exactly;
 * x[E, M, K] by w[E, K, N] is E experts of M rows each. vLLM / SGLang `fused_experts`
 * (hidden[T, H], w1[E, N1, H], w2[E, H, I], topk_weights[T, k] …) become the gate/up expert GEMM,
 * the activation and the down expert GEMM, with the builder's expectation for T tokens, top-k.
 *
 * Everything else maps one prim to one op (mapPrim). Conventions (docs/trace-import.md): a matmul
 * with k = 1 is an outer product (no accumulation) and becomes an elementwise mul; reductions are
 * elementwise adds over their input; unary math without its own fn (exp, sin, rsqrt …) counts as
 * a 1-FLOP 'mul'; sigmoid counts as 'silu'; casts, cat and copies are 'copy'.
 */
import type { ElementwiseFn } from '../graph.ts';
import type { ImportedOp, OpBody, Prim, PrimSource, Shape } from './types.ts';
import { last, numel, sameShape } from './shapes.ts';
import { expectedActiveExperts } from '../builders/mlp.ts';

function sourceOf(prims: Prim[], format: string, note?: string): PrimSource {
  const timeUs = prims.reduce((a, p) => a + p.timeUs, 0);
  return { format, ops: prims.map((p) => p.name), refs: prims.map((p) => p.ref), ...(timeUs > 0 ? { timeUs } : {}), ...(note ? { note } : {}) };
}

function tensorsOf(prims: Prim[]): { inTensors?: string[]; outTensors?: string[] } {
  if (!prims.some((p) => p.inTensors || p.outTensors)) return {};
  const outs = new Set(prims.flatMap((p) => p.outTensors ?? []));
  const ins = [...new Set(prims.flatMap((p) => p.inTensors ?? []))].filter((t) => !outs.has(t));
  return { inTensors: ins, outTensors: [...outs] };
}

function imported(body: OpBody, prims: Prim[], format: string, extra: Partial<ImportedOp> = {}, note?: string): ImportedOp {
  return { body, source: sourceOf(prims, format, note), ...tensorsOf(prims), ...extra };
}

const isScalarLike = (s: Shape | undefined) => !s || numel(s) === 1;

/** Elementwise op over `out` elements; inputs = tensors of the full output size it reads. */
function elementwise(fn: ElementwiseFn, p: Prim, elements?: number): OpBody | null {
  const out = p.output ?? p.inputs[0];
  const n = elements ?? (out ? numel(out) : 0);
  if (!(n >= 1)) return null;
  // Scalars (dims []) are arguments, not tensors read.
  const full = p.inputs.filter((s) => s.length > 0 && numel(s) === n).length;
  return { kind: 'elementwise', fn, elements: n, inputs: Math.max(1, full) };
}

// ----------------------------------------------------------------------------------------------
// Multi-prim patterns. Each returns [op, prims consumed] or null.

type Match = { op: ImportedOp; used: number } | null;

function matchRmsNorm(ps: Prim[], i: number, format: string): Match {
  let j = i;
  const start = j;
  if (ps[j]?.op === 'cast') j++;
  const pow = ps[j];
  if (pow?.op !== 'pow' || pow.args?.['exponent'] !== 2 || !pow.inputs[0]) return null;
  const x = pow.inputs[0];
  const D = last(x);
  const mean = ps[j + 1];
  if (mean?.op !== 'mean' || !mean.output || last(mean.output) !== 1 || numel(mean.output) !== numel(x) / D) return null;
  j += 2;
  if (ps[j]?.op !== 'add') return null;
  j++;
  if (ps[j]?.op === 'rsqrt') j++;
  else if (ps[j]?.op === 'sqrt' && ps[j + 1]?.op === 'reciprocal') j += 2;
  else return null;
  const scale = ps[j];
  if (scale?.op !== 'mul' || numel(scale.output ?? []) !== numel(x)) return null;
  j++;
  if (ps[j]?.op === 'cast' && numel(ps[j]!.output ?? []) === numel(x)) j++;
  const w = ps[j];
  if (w?.op === 'mul' && w.inputs.some((s) => s.length === 1 && s[0] === D) && numel(w.output ?? []) === numel(x)) j++;
  const used = ps.slice(start, j);
  return { op: imported({ kind: 'norm', norm: 'rms', rows: numel(x) / D, dim: D }, used, format), used: j - start };
}

function matchRotary(ps: Prim[], i: number, format: string): Match {
  const [m1, neg, cat, m2, add] = [ps[i], ps[i + 1], ps[i + 2], ps[i + 3], ps[i + 4]];
  if (m1?.op !== 'mul' || neg?.op !== 'neg' || cat?.op !== 'cat' || m2?.op !== 'mul' || add?.op !== 'add') return null;
  const x = m1.output;
  if (!x || !neg.inputs[0] || last(neg.inputs[0]) * 2 !== last(x)) return null;
  if (!sameShape(cat.output, x) || !sameShape(m2.output, x) || !sameShape(add.output, x)) return null;
  const used = ps.slice(i, i + 5);
  return { op: imported({ kind: 'elementwise', fn: 'rotary', elements: numel(x), inputs: 1 }, used, format, { role: 'rotary' }), used: 5 };
}

function matchSilu(ps: Prim[], i: number, format: string): Match {
  const [sig, mul] = [ps[i], ps[i + 1]];
  if (sig?.op !== 'sigmoid' || mul?.op !== 'mul' || !sig.output) return null;
  if (!sameShape(mul.output, sig.output) || !mul.inputs.every((s) => sameShape(s, sig.output))) return null;
  const used = [sig, mul];
  return { op: imported({ kind: 'elementwise', fn: 'silu', elements: numel(sig.output), inputs: 1 }, used, format, { role: 'silu' }), used: 2 };
}

/** LayerNorm spelled out (ONNX opsets < 17): mean · sub · pow 2 · mean · add eps · sqrt · div · [mul w] · [add b]. */
function matchLayerNorm(ps: Prim[], i: number, format: string): Match {
  const [m1, sub, pow, m2, add, sqrt, div] = ps.slice(i, i + 7);
  if (
    m1?.op !== 'mean' ||
    sub?.op !== 'add' ||
    pow?.op !== 'pow' ||
    pow.args?.['exponent'] !== 2 ||
    m2?.op !== 'mean' ||
    add?.op !== 'add' ||
    sqrt?.op !== 'sqrt' ||
    div?.op !== 'mul'
  )
    return null;
  const x = m1.inputs[0];
  if (!x || !sameShape(sub.output, x) || !sameShape(div.output, x)) return null;
  const D = last(x);
  let j = i + 7;
  const affine = (p: Prim | undefined, op: 'mul' | 'add') => p?.op === op && sameShape(p.output, x) && p.inputs.some((s) => s.length === 1 && s[0] === D);
  if (affine(ps[j], 'mul')) j++;
  if (affine(ps[j], 'add')) j++;
  const used = ps.slice(i, j);
  return { op: imported({ kind: 'norm', norm: 'layer', rows: numel(x) / D, dim: D }, used, format), used: j - i };
}

/** GELU, tanh form as written out in Python (HF NewGELUActivation): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
function matchGeluTanh(ps: Prim[], i: number, format: string): Match {
  const seq = ps.slice(i, i + 8);
  const ops = ['mul', 'pow', 'mul', 'add', 'mul', 'unary', 'add', 'mul'];
  if (seq.length < 8 || seq.some((p, k) => p.op !== ops[k])) return null;
  if (seq[1]!.args?.['exponent'] !== 3 || !/tanh/i.test(seq[5]!.name)) return null;
  const x = seq[0]!.output;
  if (!x || seq.some((p) => !sameShape(p.output, x))) return null;
  return { op: imported({ kind: 'elementwise', fn: 'gelu', elements: numel(x), inputs: 1 }, seq, format, { role: 'gelu' }), used: 8 };
}

/** ONNX MatMul by a weight then Add of a [N] bias initializer: one GEMM with bias. */
function matchMatmulBias(ps: Prim[], i: number, format: string): Match {
  const [mm, add] = [ps[i], ps[i + 1]];
  if (mm?.op !== 'matmul' || !mm.weightInputs?.[1] || add?.op !== 'add' || !add.weightInputs || !mm.output) return null;
  const n = last(mm.output);
  const biasAt = add.inputs.findIndex((s, k) => s.length === 1 && s[0] === n && add.weightInputs![k]);
  if (biasAt < 0 || !add.inputs.some((s, k) => k !== biasAt && sameShape(s, mm.output)) || !sameShape(add.output, mm.output)) return null;
  const g = mapPrim({ ...mm, args: { ...mm.args, bias: true } }, format);
  if (!g || g.body.kind !== 'gemm') return null;
  return { op: { ...g, source: sourceOf([mm, add], format), ...tensorsOf([mm, add]) }, used: 2 };
}

const isActivationMatmul = (p: Prim | undefined) =>
  (p?.op === 'matmul' || p?.op === 'bmm') && p.inputs.length >= 2 && p.inputs[1]!.length >= 3 && !(p.weightInputs?.[1] ?? false);

function matchEagerAttention(ps: Prim[], i: number, format: string): Match {
  const qk = ps[i];
  if (!isActivationMatmul(qk)) return null;
  const [q, kt] = qk!.inputs as [Shape, Shape];
  if (q.length !== 4 || kt.length !== 4) return null;
  const [B, H, qLen, D] = q as [number, number, number, number];
  const kvLen = kt[3]!;
  if (kt[2] !== D) return null;
  let j = i + 1;
  let mask = false;
  while (j < ps.length && j < i + 6) {
    const p = ps[j]!;
    if (p.op === 'softmax') break;
    if (p.op === 'mul' && p.inputs.some(isScalarLike)) j++;
    else if (p.op === 'add') {
      mask = true;
      j++;
    } else if (p.op === 'cast') j++;
    else return null;
  }
  if (ps[j]?.op !== 'softmax') return null;
  j++;
  if (ps[j]?.op === 'cast') j++;
  const pv = ps[j];
  if (!isActivationMatmul(pv)) return null;
  const [p, v] = pv!.inputs as [Shape, Shape];
  if (!sameShape(p, [B, H, qLen, kvLen]) || v.length !== 4 || v[2] !== kvLen) return null;
  j++;
  const used = ps.slice(i, j);
  const causal = mask && qLen > 1;
  return {
    op: imported(
      { kind: 'attention', batch: B, heads: H, kvHeads: H, headDim: D, qLen, kvLen, causal, window: 0 },
      used,
      format,
      { role: 'eager_attention' },
      mask ? 'additive mask taken as causal' : undefined,
    ),
    used: j - i,
  };
}

const PATTERNS = [matchRmsNorm, matchLayerNorm, matchRotary, matchSilu, matchGeluTanh, matchEagerAttention, matchMatmulBias];

// ----------------------------------------------------------------------------------------------
// One prim → one op.

function gemmBody(p: Prim): { body: OpBody; role?: string } | null {
  const [a, b] = p.inputs;
  if (!a || !b) return null;
  let m: number;
  let n: number;
  let k: number;
  let batch = 1;
  let weight: 'layer' | 'none';
  const bias = p.args?.['bias'] === true;
  if (p.op === 'linear') {
    if (b.length !== 2) return null;
    k = b[1]!;
    n = b[0]!;
    m = numel(a) / k;
    weight = 'layer';
  } else if (p.op === 'addmm') {
    k = b[0]!;
    n = b[1]!;
    m = numel(a) / k;
    weight = 'layer';
  } else if (b.length === 2) {
    // A 2-D right operand is a stored weight (activations carry batch and sequence dims) unless
    // the format says otherwise (ONNX names its initializers).
    k = b[0]!;
    n = b[1]!;
    m = numel(a) / k;
    weight = p.weightInputs ? (p.weightInputs[1] ? 'layer' : 'none') : 'layer';
  } else {
    k = last(a);
    n = last(b);
    m = a[a.length - 2] ?? 1;
    const out = p.output;
    batch = out ? numel(out) / (m * n) : numel(a) / (m * k);
    weight = p.weightInputs?.[1] ? 'layer' : 'none';
  }
  if (!(m >= 1 && n >= 1 && k >= 1 && Number.isInteger(batch) && batch >= 1)) return null;
  if (k === 1) {
    // An outer product: m·n products, nothing accumulated.
    return { body: { kind: 'elementwise', fn: 'mul', elements: batch * m * n, inputs: 1 }, role: 'outer_product' };
  }
  return { body: { kind: 'gemm', m, n, k, batch, weight, bias } };
}

function attentionBody(p: Prim): OpBody | null {
  const [q, k] = p.inputs;
  if (!q || !k || q.length !== 4 || k.length !== 4) return null;
  const bhld = p.args?.['layout'] !== 'blhd';
  const [B, H, qLen, D] = bhld ? [q[0]!, q[1]!, q[2]!, q[3]!] : [q[0]!, q[2]!, q[1]!, q[3]!];
  const [kvHeads, kvLen] = bhld ? [k[1]!, k[2]!] : [k[2]!, k[1]!];
  const causal = p.args?.['causal'] === true || (p.args?.['mask'] === true && qLen > 1);
  return { kind: 'attention', batch: B, heads: H, kvHeads, headDim: D, qLen, kvLen, causal, window: 0 };
}

/** An expert GEMM: `slots` routed rows over `experts` experts (expected distinct experts hit). */
function expertGemm(
  p: Prim,
  format: string,
  name: string,
  slots: number,
  active: number,
  experts: number,
  n: number,
  k: number,
  bias: boolean,
  note?: string,
): ImportedOp {
  const body: OpBody = { kind: 'gemm', m: slots / active, n, k, batch: 1, weight: 'layer', bias, count: active };
  return imported(body, [p], format, { role: 'moe_expert', experts, expertName: name }, note);
}

/** MoE prims → expert ops (empty when the shapes do not fit the documented signatures). */
export function moeOps(p: Prim, format: string): ImportedOp[] {
  if (p.op === 'grouped_mm') {
    const [a, w] = p.inputs;
    if (!a || !w || w.length !== 3 || a[a.length - 1] !== w[1]) return [];
    const [E, K, N] = w as [number, number, number];
    const bias = p.args?.['bias'] === true;
    if (a.length === 2) {
      const rows = a[0]!;
      if (!(rows >= 1)) return [];
      return [
        expertGemm(
          p,
          format,
          'experts.grouped_mm',
          rows,
          expectedActiveExperts(rows, E, 1),
          E,
          N,
          K,
          bias,
          `${rows} routed rows over ${E} experts; experts hit: uniform expectation`,
        ),
      ];
    }
    if (a.length === 3 && a[0] === E) return [expertGemm(p, format, 'experts.grouped_mm', E * a[1]!, E, E, N, K, bias)];
    return [];
  }
  if (p.op === 'fused_moe') {
    const [x, w1, w2, tw] = p.inputs;
    if (!x || !w1 || !w2 || !tw || x.length !== 2 || w1.length !== 3 || w2.length !== 3 || tw.length !== 2) return [];
    const [T, H] = x as [number, number];
    const [E, N1] = w1 as [number, number, number];
    const I = w2[2]!;
    const topK = tw[1]!;
    if (w1[2] !== H || w2[1] !== H || w2[0] !== E || tw[0] !== T || !(T >= 1)) return [];
    const active = expectedActiveExperts(T, E, topK);
    const gated = N1 === 2 * I;
    const note = `${T} tokens, top-${topK} of ${E} experts; experts hit: uniform expectation`;
    const slots = T * topK;
    const untimed = { ...p, timeUs: 0 }; // the kernel time stays on the first op
    const act = imported({ kind: 'elementwise', fn: gated ? 'silu_mul' : 'silu', elements: slots * I, inputs: gated ? 2 : 1 }, [untimed], format, {
      role: 'moe_act',
    });
    return [
      expertGemm(p, format, gated ? 'experts.gate_up_proj' : 'experts.up_proj', slots, active, E, N1, H, false, note),
      act,
      expertGemm(untimed, format, 'experts.down_proj', slots, active, E, H, I, false, note),
      imported({ kind: 'elementwise', fn: 'mul', elements: slots * H, inputs: 1 }, [untimed], format, { role: 'moe_combine' }),
    ];
  }
  return [];
}

export function mapPrim(p: Prim, format: string): ImportedOp | null {
  const one = (body: OpBody | null, extra: Partial<ImportedOp> = {}, note?: string): ImportedOp | null =>
    body ? imported(body, [p], format, extra, note) : null;
  const x = p.inputs[0];
  switch (p.op) {
    case 'linear':
    case 'matmul':
    case 'addmm':
    case 'bmm': {
      const g = gemmBody(p);
      if (!g) return null;
      return one(g.body, {
        ...(g.role ? { role: g.role } : {}),
        ...(p.initializerNames?.[1] ? { weightName: p.initializerNames[1] } : {}),
      });
    }
    case 'sdpa': {
      const note =
        p.args?.['mask'] === true && p.args?.['causal'] !== true && (p.inputs[0]?.[2] ?? 1) > 1 ? 'explicit attention mask taken as causal' : undefined;
      return one(attentionBody(p), {}, note);
    }
    case 'embedding': {
      const [w, idx] = p.inputs;
      if (!w || w.length !== 2 || !idx || numel(idx) < 1) return null;
      return one({ kind: 'embedding', tokens: numel(idx), dim: w[1]!, vocab: w[0]! }, p.initializerNames?.[0] ? { tableName: p.initializerNames[0] } : {});
    }
    case 'layer_norm':
    case 'rms_norm': {
      if (!x || numel(x) < 1) return null;
      return one({ kind: 'norm', norm: p.op === 'rms_norm' ? 'rms' : 'layer', rows: numel(x) / last(x), dim: last(x) });
    }
    case 'softmax': {
      if (!x || numel(x) < 1) return null;
      return one({ kind: 'softmax', rows: numel(x) / last(x), dim: last(x) });
    }
    case 'add':
      return one(elementwise('add', p));
    case 'mul':
    case 'neg':
    case 'pow':
    case 'rsqrt':
    case 'sqrt':
    case 'reciprocal':
    case 'unary':
      return one(elementwise('mul', p));
    case 'silu':
    case 'sigmoid':
      return one(elementwise('silu', p));
    case 'gelu':
      return one(elementwise('gelu', p));
    case 'relu':
      return one(elementwise('relu', p));
    case 'mean':
    case 'reduce':
      return x && numel(x) >= 1 ? one({ kind: 'elementwise', fn: 'add', elements: numel(x), inputs: 1 }) : null;
    case 'topk':
      return x && numel(x) >= 1 ? one({ kind: 'elementwise', fn: 'topk', elements: numel(x), inputs: 1 }) : null;
    case 'cat': {
      const out = p.output;
      if (!out || numel(out) < 1) return null;
      // Concatenating 4-D [B, H, L, D] tensors along the sequence: a KV-cache update.
      const dim = typeof p.args?.['dim'] === 'number' ? p.args['dim'] : 0;
      const kv = out.length === 4 && (dim === -2 || dim === 2) && p.inputs.length === 2;
      return one({ kind: 'elementwise', fn: 'copy', elements: numel(out), inputs: 1 }, kv ? { role: 'kv_cache' } : {});
    }
    case 'copy':
    case 'cast': {
      // A copy whose output shape is unknown (advanced indexing) is not guessed: reported.
      const out = p.op === 'copy' ? p.output : (p.output ?? x);
      return out && numel(out) >= 1 ? one({ kind: 'elementwise', fn: 'copy', elements: numel(out), inputs: 1 }) : null;
    }
    default:
      return null;
  }
}

const isEmpty = (p: Prim) => (p.output !== undefined && numel(p.output) === 0) || p.inputs.some((s) => s.length > 0 && numel(s) === 0);

/**
 * Folds the compute prims of one pass into ops. Returns the ops, the prims that work on zero
 * elements (no op), and the prims whose shapes the mapping could not use; the caller reports both.
 */
export function foldPrims(ps: Prim[], format: string): { ops: ImportedOp[]; empty: Prim[]; unmapped: Prim[] } {
  const ops: ImportedOp[] = [];
  const empty: Prim[] = [];
  const unmapped: Prim[] = [];
  for (let i = 0; i < ps.length; ) {
    let matched: Match = null;
    for (const pat of PATTERNS) {
      matched = pat(ps, i, format);
      if (matched) break;
    }
    if (matched) {
      ops.push(matched.op);
      i += matched.used;
      continue;
    }
    if (ps[i]!.op === 'grouped_mm' || ps[i]!.op === 'fused_moe') {
      const moe = moeOps(ps[i]!, format);
      if (moe.length) ops.push(...moe);
      else if (isEmpty(ps[i]!)) empty.push(ps[i]!);
      else unmapped.push(ps[i]!);
      i++;
      continue;
    }
    const op = mapPrim(ps[i]!, format);
    if (op) ops.push(op);
    else if (isEmpty(ps[i]!)) empty.push(ps[i]!);
    else unmapped.push(ps[i]!);
    i++;
  }
  return { ops, empty, unmapped };
}
