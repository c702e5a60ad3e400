/**
 * Tensor and expert parallelism applied to the ops of one pipeline stage: the graph one device
 * runs, plus the communication it needs, in order.
 *
 * TP (Megatron-LM, Shoeybi et al. 2019, §3): Q/K/V and the MLP's first GEMMs are split by output
 * column (heads / intermediate channels), the attention runs on the local heads, o_proj and the
 * MLP's last GEMM are split by input row, and each of the two leaves partial sums that one
 * all-reduce (of T × d_model) completes. GQA: KV heads are split when tp divides them and
 * replicated when they divide tp (each device keeps one; vLLM and TensorRT-LLM do this);
 * anything else is an error naming the dimension. The vocabulary is split for the embedding
 * (an all-reduce after it) and lm_head (an all-gather of the logits), padded up as Megatron pads.
 * Sequence parallelism (Korthikanti et al. 2022): each all-reduce becomes a reduce-scatter after
 * the row-parallel GEMM and an all-gather before the next column-parallel one; norms and
 * residual adds run on T/tp rows.
 * EP (ep = tp·dp): each device keeps E/ep experts; the T/tp tokens a device routes are sent to
 * their experts by an all-to-all (dispatch) and brought back by another (combine); with tp > 1
 * an all-gather over the TP group makes the tokens whole again (it replaces the MLP all-reduce).
 */
import type { GemmOp, Op } from '../workload/graph.ts';
import type { CollectiveKind } from '../collective/types.ts';
import { AccelscopeError, type ParamNamer } from '../util/errors.ts';
import type { ParallelPlan } from './plan.ts';

/** A communication step of the per-device program. */
export interface CommOp {
  id: string;
  name: string;
  layer: number;
  kind: CollectiveKind;
  /** Which communicator runs it. */
  group: 'tp' | 'ep';
  /** The nccl-tests size of the collective (see collective/types.ts). */
  bytes: number;
  /** id of the op it follows in the device's program. */
  after: string;
  /** id of the GEMM whose output it carries, when overlap with that GEMM is possible. */
  overlapsWith?: string;
}

export interface ShardContext {
  plan: ParallelPlan;
  /** The model width (d_model). */
  dModel: number;
  /** Bytes per element of activations on the wire (collectives run at ≥ 16 bits). */
  wireBytes: number;
  /** Experts of the MoE layers, when the model has them. */
  experts?: number;
  /** Tokens of the whole group of TP ranks (the replica's tokens of this micro-batch). */
  tokens: number;
}

export interface ShardResult {
  ops: Op[];
  comms: CommOp[];
}

interface HeadInfo {
  heads: number;
  kvHeads: number;
  headDim: number;
}

function fail(phrase: (n: ParamNamer) => string): never {
  throw AccelscopeError.withParams('bad-flag', phrase);
}

/** Local KV heads per device at tensor-parallel degree t. */
export function localKvHeads(kvHeads: number, t: number): number {
  if (kvHeads % t === 0) return kvHeads / t;
  if (t % kvHeads === 0) return 1;
  return fail(
    (f) => `${f('tp')} ${t}: num_key_value_heads ${kvHeads} neither divides nor is divided by ${t}, so the KV heads cannot be split or replicated evenly`,
  );
}

function splitCols(n: number, t: number, what: string): number {
  if (n % t !== 0) fail((f) => `${f('tp')} ${t}: ${what} ${n} is not divisible by ${t}`);
  return n / t;
}

// MoE expert GEMMs are named experts.* (builder and trace import); MLA's per-head q_absorb / v_up also carry a count.
const isExpert = (op: Op): boolean => op.kind === 'gemm' && op.name.startsWith('experts.');

export function shardStage(ops: Op[], ctx: ShardContext): ShardResult {
  const { plan, dModel } = ctx;
  const t = plan.tp;
  const ep = plan.ep;
  const out: Op[] = [];
  const comms: CommOp[] = [];
  const heads = new Map<number, HeadInfo>();
  for (const op of ops) if (op.kind === 'attention' && !heads.has(op.layer)) heads.set(op.layer, { heads: op.heads, kvHeads: op.kvHeads, headDim: op.headDim });
  const lastMlp = new Map<number, string>();
  const firstMlp = new Map<number, string>();
  const firstAttnGemm = new Map<number, string>();
  for (const op of ops) {
    if (op.layer < 0) continue;
    if (op.cls === 'mlp' || op.cls === 'activation') lastMlp.set(op.layer, op.id);
    if ((op.cls === 'mlp' || op.cls === 'moe_router') && !firstMlp.has(op.layer)) firstMlp.set(op.layer, op.id);
    if (op.cls === 'qkv_proj' && !firstAttnGemm.has(op.layer)) firstAttnGemm.set(op.layer, op.id);
  }
  const T = ctx.tokens;
  const sp = plan.sequenceParallel;
  if (sp && T % t !== 0) fail((f) => `${f('sp')} ${f('tp')} ${t}: the step's ${T} tokens (batch × seq) are not divisible by ${t}`);
  const wire = ctx.wireBytes;
  const actBytes = T * dModel * wire;
  const comm = (c: Omit<CommOp, 'name'> & { name?: string }) => comms.push({ name: c.name ?? c.id.replace(/^.*\./, ''), ...c });
  // Where a TP all-reduce goes (or its SP reduce-scatter), and the SP all-gather before a block.
  const reduce = (id: string, layer: number, after: string, gemm?: string) => {
    if (t === 1) return;
    comm({ id, layer, kind: sp ? 'reduce-scatter' : 'all-reduce', group: 'tp', bytes: actBytes, after, ...(gemm ? { overlapsWith: gemm } : {}) });
  };

  // Expert parallelism: tokens routed per device and the slots it receives.
  let epDispatch: { Td: number; topK: number; slots: number; localExperts: number; distinct: number } | undefined;
  const dispatched = new Set<number>();

  for (const op of ops) {
    const h = heads.get(op.layer);
    if (h && h.heads % t !== 0) fail((f) => `${f('tp')} ${t}: num_attention_heads ${h.heads} is not divisible by ${t}`);
    const kvl = h ? localKvHeads(h.kvHeads, t) : 0;
    if (sp && firstAttnGemm.get(op.layer) === op.id)
      comm({
        id: `${op.id}.all_gather`,
        name: 'sp_all_gather',
        layer: op.layer,
        kind: 'all-gather',
        group: 'tp',
        bytes: actBytes,
        after: out[out.length - 1]?.id ?? '',
      });
    if (sp && firstMlp.get(op.layer) === op.id && ep === 1)
      comm({
        id: `${op.id}.all_gather`,
        name: 'sp_all_gather',
        layer: op.layer,
        kind: 'all-gather',
        group: 'tp',
        bytes: actBytes,
        after: out[out.length - 1]?.id ?? '',
      });
    let s: Op = op;
    switch (op.kind) {
      case 'gemm': {
        if (ep > 1 && isExpert(op)) {
          s = expertGemm(op, ctx, (d) => (epDispatch = d), epDispatch);
          break;
        }
        s = tpGemm(op, t, h, kvl, dModel);
        break;
      }
      case 'attention':
        if (t > 1) s = { ...op, heads: op.heads / t, kvHeads: kvl };
        break;
      case 'embedding':
        if (t > 1 && op.id === 'embed') s = { ...op, vocab: Math.ceil(op.vocab / t) };
        break;
      case 'elementwise':
        if (op.cls === 'rotary' && h && t > 1) s = { ...op, elements: (op.elements * (h.heads / t + kvl)) / (h.heads + h.kvHeads) };
        else if (op.cls === 'activation' && ep > 1 && op.name.startsWith('experts.') && epDispatch)
          s = { ...op, elements: op.elements * (epDispatch.slots / (T * epDispatch.topK)) };
        else if (op.cls === 'activation' && t > 1) s = { ...op, elements: op.elements / t };
        else if (op.cls === 'mlp' && ep > 1 && op.name.startsWith('experts.') && epDispatch)
          s = { ...op, elements: op.elements * (epDispatch.slots / (T * epDispatch.topK)) };
        else if (sp && op.cls === 'residual' && op.layer >= 0) s = { ...op, elements: op.elements / t };
        break;
      case 'norm':
        if (sp && op.layer >= 0) s = { ...op, rows: op.rows / t };
        break;
      default:
        break;
    }
    // EP: the all-to-all dispatch goes before the first expert GEMM of the layer.
    if (ep > 1 && isExpert(op) && !dispatched.has(op.layer)) {
      dispatched.add(op.layer);
      const d = epDispatch!;
      comm({
        id: `L${op.layer}.ep_dispatch`,
        name: 'ep_dispatch',
        layer: op.layer,
        kind: 'all-to-all',
        group: 'ep',
        bytes: d.Td * d.topK * dModel * wire,
        after: out[out.length - 1]?.id ?? '',
      });
    }
    out.push(s);
    const id = s.id;
    if (t > 1 && op.cls === 'o_proj') reduce(`${id}.${sp ? 'reduce_scatter' : 'all_reduce'}`, op.layer, id, id);
    if (op.layer >= 0 && lastMlp.get(op.layer) === op.id) {
      if (ep > 1 && epDispatch) {
        comm({
          id: `L${op.layer}.ep_combine`,
          name: 'ep_combine',
          layer: op.layer,
          kind: 'all-to-all',
          group: 'ep',
          bytes: epDispatch.Td * epDispatch.topK * dModel * wire,
          after: id,
        });
        if (t > 1 && !sp)
          comm({ id: `L${op.layer}.ep_all_gather`, name: 'ep_all_gather', layer: op.layer, kind: 'all-gather', group: 'tp', bytes: actBytes, after: id });
        epDispatch = undefined;
      } else {
        reduce(`${id}.${sp ? 'reduce_scatter' : 'all_reduce'}`, op.layer, id, op.kind === 'gemm' ? id : undefined);
      }
    }
    if (t > 1 && op.kind === 'embedding' && op.id === 'embed')
      comm({ id: 'embed.all_reduce', name: 'all_reduce', layer: -1, kind: 'all-reduce', group: 'tp', bytes: op.tokens * op.dim * wire, after: id });
    if (t > 1 && op.kind === 'gemm' && op.cls === 'lm_head' && op.weight === 'aux') {
      comm({
        id: `${id}.all_gather`,
        name: 'logits_all_gather',
        layer: -1,
        kind: 'all-gather',
        group: 'tp',
        bytes: op.m * Math.ceil(op.n / t) * t * wire,
        after: id,
      });
    }
  }
  return { ops: out, comms };
}

/** MLP GEMMs that give back d_model features by name (Llama/Mistral/Mixtral, GPT-2/OPT, Megatron, Mixtral's w2). */
const ROW_PARALLEL = /(down_proj|fc2|dense_4h_to_h|\.w2)$/;

/** A GEMM under tensor parallelism: column split (output features) or row split (input features). */
function tpGemm(op: GemmOp, t: number, h: HeadInfo | undefined, kvl: number, dModel: number): GemmOp {
  if (t === 1) return op;
  if (op.layer < 0) {
    if (op.cls === 'lm_head' && op.weight === 'aux') return { ...op, n: Math.ceil(op.n / t) };
    return op; // project_in / project_out stay replicated
  }
  switch (op.cls) {
    case 'qkv_proj': {
      if (!h) return { ...op, n: splitCols(op.n, t, 'qkv output features') };
      const hd = h.headDim;
      if (op.n === h.heads * hd) return { ...op, n: (h.heads / t) * hd };
      if (op.n === h.kvHeads * hd) return { ...op, n: kvl * hd };
      if (op.n === (h.heads + 2 * h.kvHeads) * hd) return { ...op, n: (h.heads / t + 2 * kvl) * hd };
      return { ...op, n: splitCols(op.n, t, `${op.name} output features`) };
    }
    case 'o_proj':
      return { ...op, k: splitCols(op.k, t, 'attention output features (heads × head_dim)') };
    case 'mlp':
      // The GEMM that gives back d_model features is row-parallel; the others are column-parallel.
      if (ROW_PARALLEL.test(op.name) || (op.n === dModel && op.k !== dModel)) return { ...op, k: splitCols(op.k, t, 'intermediate_size') };
      return { ...op, n: splitCols(op.n, t, 'intermediate_size') };
    default:
      return op; // router and anything unrecognised: replicated
  }
}

type Dispatch = { Td: number; topK: number; slots: number; localExperts: number; distinct: number };

/**
 * An expert GEMM on one device under EP: E/ep experts, the slots routed to them from the Td = T/tp
 * tokens each of the ep devices routes. With slots spread uniformly over E experts, a device
 * receives Td·k slots and hits E/ep·(1 − (1 − k/E)^(Td·ep)) distinct local experts.
 */
function expertGemm(op: GemmOp, ctx: ShardContext, set: (d: Dispatch) => void, have?: Dispatch): GemmOp {
  const E = ctx.experts;
  if (!E) return fail((f) => `${f('ep')} ${ctx.plan.ep}: the model has no experts (num_local_experts)`);
  const ep = ctx.plan.ep;
  if (E % ep !== 0) fail((f) => `${f('ep')} ${ep}: num_local_experts ${E} is not divisible by ${ep}`);
  let d = have;
  if (!d) {
    const T = ctx.tokens;
    const topK = (op.m * (op.count ?? 1)) / T;
    const Td = T / ctx.plan.tp;
    const localExperts = E / ep;
    const slots = Td * topK;
    const distinct = localExperts * (1 - Math.pow(1 - topK / E, Td * ep));
    d = { Td, topK, slots, localExperts, distinct };
    set(d);
  }
  return { ...op, m: d.slots / d.distinct, count: d.distinct };
}
