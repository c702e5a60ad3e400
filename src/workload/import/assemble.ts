/**
 * Graph assembly: the imported ops of one forward pass → an OpGraph like the builder's.
 *
 * Structure is recovered from the op sequence of a decoder (docs/trace-import.md):
 * - the token table is the first embedding; the lm_head is the last GEMM whose n is its vocab;
 * - decoder layer l begins at the last norm before its attention op (and after attention l−1);
 *   the final norm is the last norm before the lm_head with no weight GEMM in between;
 * - GEMMs before a layer's attention are qkv_proj, the first after it o_proj, the rest mlp;
 *   elementwise ops between the first and last MLP GEMMs are the activation; adds of two
 *   hidden-sized tensors are residuals; KV-cache concatenations belong to attention.
 * - MoE: expert GEMMs (grouped_mm, fused experts) are named by their role and classed mlp; the
 *   layer GEMM whose n equals their expert count is the router (moe_router, weight aux).
 * Meta comes from the imported weights: layer params = Σ k·n of layer GEMMs, embedding params =
 * the token table (+ other tables) + the lm_head (untied unless it reads the table's own
 * initializer), other = norm gains + biases; the KV cache from the attention ops.
 * Deps: ONNX dataflow where the format has it; otherwise the trace's launch order (one stream).
 */
import type { GraphMeta, Op, OpClass, OpGraph } from '../graph.ts';
import type { ImportedOp } from './types.ts';
import type { PhaseInfo } from './phases.ts';

export interface AssembleOptions {
  model: string;
  modelType: string;
  maxPositionEmbeddings?: number;
}

interface Slot {
  imp: ImportedOp;
  layer: number;
  cls: OpClass;
  name: string;
}

const isLayerGemm = (o: ImportedOp) => o.body.kind === 'gemm' && o.body.weight !== 'none';

export function assemble(ops: ImportedOp[], info: PhaseInfo, opts: AssembleOptions): OpGraph {
  const kinds = ops.map((o) => o.body.kind);
  const table = ops.find((o) => o.body.kind === 'embedding');
  const vocab = table && table.body.kind === 'embedding' ? table.body.vocab : undefined;
  let lmHead = -1;
  ops.forEach((o, i) => {
    if (vocab !== undefined && o.body.kind === 'gemm' && o.body.n === vocab && o.body.weight !== 'none') lmHead = i;
  });
  const attn = kinds.flatMap((k, i) => (k === 'attention' ? [i] : []));
  const isNorm = (i: number) => kinds[i] === 'norm';

  // Layer starts.
  const starts: number[] = [];
  attn.forEach((a, l) => {
    const lo = l === 0 ? -1 : attn[l - 1]!;
    let s = -1;
    for (let i = a - 1; i > lo; i--)
      if (isNorm(i)) {
        s = i;
        break;
      }
    if (s < 0) {
      // No norm: the layer starts at its first weight GEMM after the previous attention's o_proj.
      s = a;
      for (let i = a - 1; i > lo; i--) if (isLayerGemm(ops[i]!)) s = i;
    }
    starts.push(s);
  });
  const end = lmHead >= 0 ? lmHead : ops.length;
  let finalStart = end;
  if (attn.length) {
    for (let f = end - 1; f > attn[attn.length - 1]!; f--) {
      if (!isNorm(f)) continue;
      let gemmBetween = false;
      for (let i = f + 1; i < end; i++) if (isLayerGemm(ops[i]!)) gemmBetween = true;
      if (!gemmBetween) finalStart = f;
      break;
    }
  }
  const layerOf = (i: number): number => {
    if (!attn.length || i < starts[0]! || i >= finalStart) return -1;
    let l = 0;
    starts.forEach((s, k) => {
      if (i >= s) l = k;
    });
    return l;
  };

  const slots: Slot[] = ops.map((imp, i) => ({ imp, layer: layerOf(i), cls: 'other', name: '' }));
  // Classes and names, layer by layer.
  const byLayer = new Map<number, number[]>();
  slots.forEach((s, i) => {
    const list = byLayer.get(s.layer) ?? [];
    list.push(i);
    byLayer.set(s.layer, list);
  });
  let hidden: number | undefined;
  for (const [layer, idx] of byLayer) {
    const a = idx.find((i) => kinds[i] === 'attention');
    // MoE: expert GEMMs by role; the router is the GEMM that scores their experts.
    const expertCounts = new Set(idx.map((i) => ops[i]!.experts).filter((e): e is number => e !== undefined));
    for (const i of idx) {
      const o = ops[i]!;
      if (o.role === 'moe_expert') {
        slots[i]!.cls = 'mlp';
        slots[i]!.name = o.expertName ?? 'experts';
      } else if (o.role === 'moe_act') {
        slots[i]!.cls = 'activation';
        slots[i]!.name = 'experts.act_mul';
      } else if (o.role === 'moe_combine') {
        slots[i]!.cls = 'mlp';
        slots[i]!.name = 'experts.weighted_sum';
      } else if (a !== undefined && i > a && o.body.kind === 'gemm' && o.body.weight !== 'none' && expertCounts.has(o.body.n)) {
        slots[i]!.cls = 'moe_router';
        slots[i]!.name = 'router';
        o.body.weight = 'aux';
      }
    }
    const gemms = idx.filter((i) => isLayerGemm(ops[i]!) && i !== lmHead && !slots[i]!.name);
    const qkv = a === undefined ? [] : gemms.filter((i) => i < a);
    const after = a === undefined ? gemms : gemms.filter((i) => i > a);
    const oProj = a === undefined ? undefined : after[0];
    const mlp = a === undefined ? [] : after.slice(1);
    if (oProj !== undefined) {
      const b = ops[oProj]!.body;
      if (b.kind === 'gemm') hidden = b.n;
    }
    const names = (list: number[], three: string[], two: string[], base: string): void => {
      list.forEach((i, k) => {
        slots[i]!.name = list.length === three.length ? three[k]! : list.length === two.length ? two[k]! : list.length === 1 ? base : `${base}.${k}`;
      });
    };
    qkv.forEach((i) => {
      slots[i]!.cls = 'qkv_proj';
    });
    names(qkv, ['q_proj', 'k_proj', 'v_proj'], ['q_proj', 'kv_proj'], 'qkv_proj');
    if (oProj !== undefined) {
      slots[oProj]!.cls = 'o_proj';
      slots[oProj]!.name = 'o_proj';
    }
    mlp.forEach((i) => {
      slots[i]!.cls = 'mlp';
    });
    names(mlp, ['gate_proj', 'up_proj', 'down_proj'], ['fc1', 'fc2'], 'mlp');
    const mlpSpan = idx.filter((i) => kinds[i] === 'gemm' && slots[i]!.cls === 'mlp');
    // Eager attention's kvHeads: the K projection's width over the head size.
    if (a !== undefined)
      fixKvHeads(
        ops[a]!,
        qkv.map((i) => ops[i]!),
      );
    let norms = 0;
    for (const i of idx) {
      const s = slots[i]!;
      const b = s.imp.body;
      if (s.name) continue;
      if (i === lmHead) {
        s.cls = 'lm_head';
        s.name = 'lm_head';
        continue;
      }
      switch (b.kind) {
        case 'embedding':
          s.cls = 'embedding';
          s.name = 'embed_tokens';
          break;
        case 'attention':
          s.cls = 'attention';
          s.name = 'self_attn';
          break;
        case 'norm':
          s.cls = 'norm';
          s.name =
            layer < 0 ? (i >= finalStart ? 'norm' : 'norm_in') : norms === 0 ? 'input_layernorm' : norms === 1 ? 'post_attention_layernorm' : `norm.${norms}`;
          norms++;
          break;
        case 'softmax':
          s.cls = 'other';
          s.name = 'softmax';
          break;
        case 'gemm':
          s.cls = b.weight === 'none' ? 'other' : layer < 0 && i < (starts[0] ?? 0) ? 'embedding' : 'other';
          s.name = 'matmul';
          break;
        case 'elementwise': {
          const role = s.imp.role;
          s.name = role ?? shortName(s.imp.source.ops[0] ?? b.fn);
          if (role === 'rotary') s.cls = 'rotary';
          else if (role === 'kv_cache') s.cls = 'attention';
          else if (layer >= 0 && mlpSpan.length >= 2 && i > mlpSpan[0]! && i < mlpSpan[mlpSpan.length - 1]!) s.cls = 'activation';
          else if (b.fn === 'add' && b.inputs === 2) s.cls = 'residual';
          else s.cls = 'other';
          break;
        }
      }
    }
  }
  // Residual adds must be hidden-sized: an add of two other tensors is 'other'.
  if (hidden !== undefined) {
    for (const s of slots) {
      const b = s.imp.body;
      if (s.cls === 'residual' && b.kind === 'elementwise' && b.elements % hidden !== 0) s.cls = 'other';
    }
  }
  if (lmHead >= 0) {
    const b = ops[lmHead]!.body;
    if (b.kind === 'gemm') b.weight = 'aux';
  }

  // Ids: L<l>.<name>, unique within the graph.
  const used = new Map<string, number>();
  const ids = slots.map((s) => {
    const base = s.layer >= 0 ? `L${s.layer}.${s.name}` : s.name;
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return n === 0 ? base : `${base}#${n + 1}`;
  });

  // Deps.
  const producer = new Map<string, string>();
  const hasDataflow = ops.some((o) => o.inTensors !== undefined);
  const out: Op[] = slots.map((s, i) => {
    let deps: string[];
    if (hasDataflow) {
      deps = [...new Set((s.imp.inTensors ?? []).map((t) => producer.get(t)).filter((d): d is string => d !== undefined))];
      for (const t of s.imp.outTensors ?? []) producer.set(t, ids[i]!);
    } else {
      deps = i === 0 ? [] : [ids[i - 1]!];
    }
    return { id: ids[i]!, name: s.name, cls: s.cls, layer: s.layer, phase: info.phase, deps, ...s.imp.body, source: s.imp.source };
  });

  return { meta: meta(out, ops, info, opts, lmHead), ops: out };
}

function shortName(op: string): string {
  return op
    .replace(/^aten::/, '')
    .replace(/_$/, '')
    .toLowerCase();
}

function fixKvHeads(attn: ImportedOp, qkv: ImportedOp[]): void {
  const a = attn.body;
  if (a.kind !== 'attention' || attn.role !== 'eager_attention') return;
  const widths = qkv.map((o) => (o.body.kind === 'gemm' ? o.body.n : 0));
  const qDim = a.heads * a.headDim;
  let kvDim: number | undefined;
  if (widths.length === 3 && widths[0] === qDim) kvDim = widths[1];
  else if (widths.length === 1 && widths[0]! > qDim) kvDim = (widths[0]! - qDim) / 2;
  if (kvDim !== undefined && kvDim % a.headDim === 0 && kvDim > 0 && a.heads % (kvDim / a.headDim) === 0) a.kvHeads = kvDim / a.headDim;
}

function meta(ops: Op[], imported: ImportedOp[], info: PhaseInfo, opts: AssembleOptions, lmHead: number): GraphMeta {
  let layer = 0;
  let embedding = 0;
  let other = 0;
  const tables = new Set<string>();
  let tableName: string | undefined;
  ops.forEach((op, i) => {
    const imp = imported[i]!;
    if (op.kind === 'gemm' && op.weight !== 'none') {
      // Expert GEMMs hold every expert's weights, whatever share of them a step reads.
      const w = op.k * op.n * (imp.experts ?? 1);
      if (op.cls === 'moe_router') {
        other += w;
      } else if (i === lmHead || op.weight === 'aux') {
        // A tied lm_head reads the embedding table itself (ONNX names it): counted once.
        if (!(imp.weightName && imp.weightName === tableName)) embedding += w;
      } else layer += w;
      if (op.bias) other += op.n * (imp.experts ?? 1);
    } else if (op.kind === 'embedding') {
      const key = imp.tableName ?? `${op.vocab}x${op.dim}`;
      if (!tables.has(key)) {
        tables.add(key);
        embedding += op.vocab * op.dim;
        tableName ??= imp.tableName;
      }
    } else if (op.kind === 'norm') {
      other += op.dim * (op.norm === 'layer' ? 2 : 1);
    }
  });
  const attn = ops.filter((o) => o.kind === 'attention');
  const a0 = attn[0];
  const m: GraphMeta = {
    model: opts.model,
    modelType: opts.modelType,
    phase: info.phase,
    batch: info.batch,
    ...(info.phase === 'prefill' ? { seq: info.qLen } : { context: info.kvLen - info.qLen }),
    tokens: info.batch * info.qLen,
    params: { total: layer + embedding + other, layer, embedding, other },
    kv: {
      layers: attn.length,
      kvHeads: a0 && a0.kind === 'attention' ? a0.kvHeads : 0,
      headDim: a0 && a0.kind === 'attention' ? a0.headDim : 0,
      tokens: info.kvLen,
    },
    ...(opts.maxPositionEmbeddings ? { maxPositionEmbeddings: opts.maxPositionEmbeddings } : {}),
  };
  return m;
}
