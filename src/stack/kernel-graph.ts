/**
 * The fusion pass: (op graph, stack) → kernel graph, a pure function. The model's ops become the
 * kernels the stack's framework launches (docs/models/software-stacks.md):
 *   - q/k/v projections of a layer → one `qkv_proj` GEMM (N summed; input read once) when
 *     `fusions.qkv`; gate/up → one `gate_up_proj` GEMM when `fusions.gateUp` (also per MoE
 *     expert group: same count, same shape);
 *   - silu(gate)·up → an activation kernel and a multiply kernel when `fusions.activation` is
 *     'separate' (eager PyTorch: F.silu(gate) * up);
 *   - `kvCacheWrite.kernels` copy kernels after each attention layer's projections (PyTorch slice
 *     assignment of K and V: two; vLLM reshape_and_cache: one), moving the new keys and values;
 *   - the activation kernels of a fused gate/up GEMM's output read strided views of it (`chunk`),
 *     and the KV-cache copies copy between strided views: `stridedInputs` on those ops (the GPU model's strided loop, when the stack describes one);
 *   - ops another kernel absorbs (residual add inside the next norm, activation in a GEMM
 *     epilogue, rotary inside attention) stay in the graph for their bytes but count 0 kernels.
 * `kernels` gives, per op id of the kernel graph, how many launches the op stands for.
 */
import type { AttentionOp, ElementwiseOp, GemmOp, Op, OpGraph } from '../workload/graph.ts';
import type { Stack } from './schema.ts';

export interface KernelGraph {
  graph: OpGraph;
  /** Launches per op id (0: absorbed by another kernel). */
  kernels: Map<string, number>;
}

const MERGES: { names: [string, string, ...string[]]; into: string; when: (s: Stack) => boolean }[] = [
  { names: ['q_proj', 'k_proj', 'v_proj'], into: 'qkv_proj', when: (s) => s.fusions.qkv },
  { names: ['gate_proj', 'up_proj'], into: 'gate_up_proj', when: (s) => s.fusions.gateUp },
];

const baseName = (name: string): { prefix: string; base: string } => {
  const m = /^(experts\.|shared_experts?\.)?(.*)$/.exec(name)!;
  return { prefix: m[1] ?? '', base: m[2]! };
};

/** GEMMs that run as one kernel: same layer, prefix, M, K, batch, weight role and count. */
function mergeGemms(ops: Op[], stack: Stack): Op[] {
  let out = ops;
  for (const rule of MERGES) {
    if (!rule.when(stack)) continue;
    const groups = new Map<string, GemmOp[]>();
    for (const op of out) {
      if (op.kind !== 'gemm') continue;
      const { prefix, base } = baseName(op.name);
      if (!rule.names.includes(base)) continue;
      const key = `${op.layer}|${prefix}|${op.m}|${op.k}|${op.batch}|${op.weight}|${op.count ?? 1}|${op.bias}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(op);
    }
    // The fused GEMM takes the first member's place; the others go; deps follow the fused id.
    const replaced = new Map<string, GemmOp | null>();
    const rename = new Map<string, string>();
    for (const g of groups.values()) {
      if (g.length !== rule.names.length) continue;
      const first = g[0]!;
      const ids = new Set(g.map((o) => o.id));
      const fused: GemmOp = {
        ...first,
        id: g.map((o) => o.id).join('+'),
        name: `${baseName(first.name).prefix}${rule.into}`,
        n: g.reduce((s, o) => s + o.n, 0),
        deps: [...new Set(g.flatMap((o) => o.deps))].filter((d) => !ids.has(d)),
      };
      replaced.set(first.id, fused);
      for (const o of g) rename.set(o.id, fused.id);
      for (const o of g.slice(1)) replaced.set(o.id, null);
    }
    if (replaced.size === 0) continue;
    out = out.flatMap((o) => {
      const r = replaced.get(o.id);
      if (r === null) return [];
      const op = r ?? o;
      return [op.deps.some((d) => rename.has(d)) ? { ...op, deps: [...new Set(op.deps.map((d) => rename.get(d) ?? d))] } : op];
    });
  }
  return out;
}

/** silu(gate)·up as an activation kernel plus a multiply kernel. */
function splitActivation(op: ElementwiseOp): Op[] {
  const act: ElementwiseOp = { ...op, id: `${op.id}.silu`, name: 'act_fn', fn: 'silu', inputs: 1 };
  const mul: ElementwiseOp = { ...op, id: op.id, name: 'act_mul', fn: 'mul', inputs: 2, deps: [act.id] };
  return [act, mul];
}

/**
 * A gated activation whose gate and up come from one fused gate/up GEMM reads them as the two
 * halves of its [M, 2·ffn] output (PyTorch: `gate, up = gate_up.chunk(2, -1)`): views with a row
 * stride of 2·ffn elements, not contiguous tensors. Only kernels that take the halves as views do:
 * separate activation and multiply kernels (a one-kernel silu_and_mul indexes the fused output
 * itself, an epilogue never loads it).
 */
function markStridedViews(ops: Op[], stack: Stack): Op[] {
  if (stack.fusions.activation !== 'separate') return ops;
  const fusedGateUp = new Set(ops.filter((o) => o.kind === 'gemm' && baseName(o.name).base === 'gate_up_proj').map((o) => o.id));
  if (fusedGateUp.size === 0) return ops;
  // The activation kernel reads the gate half; the multiply reads the up half (and the activation's output).
  const readers = new Set(ops.filter((o) => o.kind === 'elementwise' && o.cls === 'activation' && o.deps.some((d) => fusedGateUp.has(d))).map((o) => o.id));
  return ops.map((o) => {
    if (o.kind !== 'elementwise' || o.cls !== 'activation') return o;
    const reads = readers.has(o.id) || o.deps.some((d) => readers.has(d) && o.inputs > 1);
    return reads ? { ...o, stridedInputs: true } : o;
  });
}

/**
 * Copy kernels that write a layer's new keys and values into the cache (K, V or both in one):
 * a copy from a strided view of the projection output into a strided slice of the cache.
 */
function kvWrites(att: AttentionOp, kernels: number): ElementwiseOp[] {
  if (kernels === 0) return [];
  const dV = att.vHeadDim ?? att.headDim;
  const rowElems = att.latentKv ? att.headDim : att.headDim + dV;
  const total = att.batch * att.qLen * att.kvHeads * rowElems * (att.count ?? 1);
  return Array.from({ length: kernels }, (_, i) => ({
    id: `${att.id}.kv_write${kernels > 1 ? i : ''}`,
    name: 'kv_cache_write',
    kind: 'elementwise' as const,
    cls: 'attention' as const,
    layer: att.layer,
    phase: att.phase,
    fn: 'copy' as const,
    elements: total / kernels,
    inputs: 1,
    // The new keys/values are a token-major view of the projection output ([B, S, heads, dim]) and
    // go to a head-major cache ([B, heads, max_ctx, dim]): a copy between strided views.
    stridedInputs: true,
    deps: att.deps,
  }));
}

/** Launches an op stands for under the stack's fusions (0: absorbed by a neighbouring kernel). */
export function launchesOf(op: Op, stack: Stack): number {
  if (op.kind === 'gemm' && op.bias && stack.fusions.bias === 'separate') return 2;
  if (op.kind !== 'elementwise') return 1;
  if (op.cls === 'residual' && op.fn === 'add' && stack.fusions.residualNorm) return 0;
  if (op.cls === 'activation' && stack.fusions.activation === 'gemm-epilogue') return 0;
  if (op.cls === 'rotary' && stack.fusions.rotary === 'attention') return 0;
  return 1;
}

const cache = new WeakMap<OpGraph, WeakMap<Stack, KernelGraph>>();

export function kernelGraph(graph: OpGraph, stack: Stack): KernelGraph {
  let byStack = cache.get(graph);
  if (!byStack) cache.set(graph, (byStack = new WeakMap()));
  const hit = byStack.get(stack);
  if (hit) return hit;
  let ops = mergeGemms(graph.ops, stack);
  ops = ops.flatMap((op) => {
    if (op.kind === 'elementwise' && op.fn === 'silu_mul' && stack.fusions.activation === 'separate') return splitActivation(op);
    if (op.kind === 'attention') return [...kvWrites(op, stack.kvCacheWrite.kernels), op];
    return [op];
  });
  ops = markStridedViews(ops, stack);
  const kernels = new Map(ops.map((o) => [o.id, launchesOf(o, stack)]));
  const out = { graph: { meta: graph.meta, ops }, kernels };
  byStack.set(stack, out);
  return out;
}
