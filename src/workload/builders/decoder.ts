/**
 * Builds the OpGraph of one prefill or one decode step of a decoder-only transformer from a
 * ModelSpec (Llama 2/3, Mistral, Qwen2, Mixtral, GPT-2, OPT, BitNet).
 *
 * Shapes: T tokens in flight (prefill B·S, decode B). Decode at context C attends C cached keys
 * plus its own (kvLen = C + 1) and appends one key/value per sequence.
 * MoE (Mixtral): a router GEMM and a top-k softmax, then each expert's MLP runs on its tokens.
 * With T·k token-slots spread uniformly over E experts, the expected number of distinct experts
 * hit is E·(1 − (1 − k/E)^T); each runs on T·k / that many tokens. The expert GEMMs carry that
 * (possibly fractional) expectation as `count`, so FLOPs equal 2·T·k·(3·h·I) exactly and weight
 * traffic covers only the experts actually read.
 */
import type { GemmOp, GraphMeta, Op, OpClass, OpGraph, Phase, WeightRole } from '../graph.ts';
import type { ModelSpec } from '../model-config.ts';
import { kvDim, paramCounts, qDim } from '../params.ts';
import { AccelscopeError } from '../../util/errors.ts';

export interface BuildOptions {
  phase: Phase;
  batch: number;
  /** Prefill: prompt tokens per sequence. */
  seq?: number;
  /** Decode: tokens already in the KV cache. */
  context?: number;
  /** Prefill computes logits for every prompt token (as HF forward does), not only the last. */
  logitsForAllTokens?: boolean;
}

/** An op before the builder fills in phase and (by default) deps; distributes over the union. */
type OpInput = Op extends infer O ? (O extends Op ? Omit<O, 'phase' | 'deps'> & { deps?: string[] } : never) : never;

export function expectedActiveExperts(tokens: number, experts: number, topK: number): number {
  if (tokens <= 0) return 0;
  return experts * (1 - Math.pow(1 - topK / experts, tokens));
}

export function buildGraph(spec: ModelSpec, opts: BuildOptions): OpGraph {
  const { phase, batch } = opts;
  if (!Number.isInteger(batch) || batch < 1) throw new AccelscopeError('bad-flag', `--batch must be a positive integer (got ${batch})`);
  let qLen: number;
  let kvLen: number;
  if (phase === 'prefill') {
    const seq = opts.seq;
    if (seq === undefined || !Number.isInteger(seq) || seq < 1) throw new AccelscopeError('bad-flag', `prefill needs --seq, a positive integer (got ${seq})`);
    qLen = seq;
    kvLen = seq;
  } else {
    const ctx = opts.context;
    if (ctx === undefined || !Number.isInteger(ctx) || ctx < 0) throw new AccelscopeError('bad-flag', `decode needs --context, a non-negative integer (got ${ctx})`);
    qLen = 1;
    kvLen = ctx + 1;
  }
  const T = batch * qLen;
  const h = spec.hidden;
  const ops: Op[] = [];
  let last: string[] = [];
  const add = (op: OpInput): string => {
    const full = { ...op, phase, deps: op.deps ?? last } as Op;
    ops.push(full);
    last = [full.id];
    return full.id;
  };
  const gemm = (id: string, name: string, cls: OpClass, layer: number, m: number, n: number, k: number,
    weight: WeightRole, bias: boolean, deps?: string[], count?: number): string => {
    const g: Omit<GemmOp, 'phase' | 'deps'> & { deps?: string[] } = { id, name, kind: 'gemm', cls, layer, m, n, k, batch: 1, weight, bias, deps };
    if (count !== undefined) g.count = count;
    return add(g);
  };

  add({ id: 'embed', name: 'embed_tokens', kind: 'embedding', cls: 'embedding', layer: -1, tokens: T, dim: spec.embedDim, vocab: spec.vocab, deps: [] });
  if (spec.embedDim !== h) gemm('project_in', 'project_in', 'embedding', -1, T, h, spec.embedDim, 'layer', false);
  if (spec.learnedPositions > 0) {
    const tok = last;
    const pos = add({ id: 'embed_pos', name: 'embed_positions', kind: 'embedding', cls: 'embedding', layer: -1, tokens: T, dim: h, vocab: spec.learnedPositions, deps: [] });
    add({ id: 'embed_add', name: 'embed_add', kind: 'elementwise', cls: 'residual', layer: -1, fn: 'add', elements: T * h, inputs: 2, deps: [...tok, pos] });
  }

  for (let l = 0; l < spec.layers; l++) {
    const p = `L${l}.`;
    const residualIn = last;
    add({ id: `${p}attn_norm`, name: 'input_layernorm', kind: 'norm', cls: 'norm', layer: l, norm: spec.norm, rows: T, dim: h });
    const normOut = last;
    const q = gemm(`${p}q_proj`, 'q_proj', 'qkv_proj', l, T, qDim(spec), h, 'layer', spec.qkvBias, normOut);
    const k = gemm(`${p}k_proj`, 'k_proj', 'qkv_proj', l, T, kvDim(spec), h, 'layer', spec.qkvBias, normOut);
    const v = gemm(`${p}v_proj`, 'v_proj', 'qkv_proj', l, T, kvDim(spec), h, 'layer', spec.qkvBias, normOut);
    let qk = [q, k];
    if (spec.rotary) {
      qk = [add({ id: `${p}rotary`, name: 'rotary_emb', kind: 'elementwise', cls: 'rotary', layer: l, fn: 'rotary', elements: T * (qDim(spec) + kvDim(spec)), inputs: 1, deps: [q, k] })];
    }
    add({
      id: `${p}attn`, name: 'self_attn', kind: 'attention', cls: 'attention', layer: l, batch, heads: spec.heads, kvHeads: spec.kvHeads,
      headDim: spec.headDim, qLen, kvLen, causal: true, window: spec.slidingWindow, deps: [...qk, v],
    });
    gemm(`${p}o_proj`, 'o_proj', 'o_proj', l, T, h, qDim(spec), 'layer', spec.oBias);
    add({ id: `${p}attn_residual`, name: 'attn_residual', kind: 'elementwise', cls: 'residual', layer: l, fn: 'add', elements: T * h, inputs: 2, deps: [...last, ...residualIn] });
    const residualMid = last;
    add({ id: `${p}mlp_norm`, name: 'post_attention_layernorm', kind: 'norm', cls: 'norm', layer: l, norm: spec.norm, rows: T, dim: h });
    if (spec.experts) {
      const { num: E, topK } = spec.experts;
      gemm(`${p}router`, 'router', 'moe_router', l, T, E, h, 'aux', false);
      add({ id: `${p}router_softmax`, name: 'router_topk', kind: 'softmax', cls: 'moe_router', layer: l, rows: T, dim: E });
      const active = expectedActiveExperts(T, E, topK);
      const perExpert = (T * topK) / active;
      const routed = last;
      const g = gemm(`${p}experts.gate_proj`, 'experts.gate_proj', 'mlp', l, perExpert, spec.intermediate, h, 'layer', spec.mlpBias, routed, active);
      const u = gemm(`${p}experts.up_proj`, 'experts.up_proj', 'mlp', l, perExpert, spec.intermediate, h, 'layer', spec.mlpBias, routed, active);
      add({ id: `${p}experts.act`, name: 'experts.act_mul', kind: 'elementwise', cls: 'activation', layer: l, fn: 'silu_mul', elements: T * topK * spec.intermediate, inputs: 2, deps: [g, u] });
      gemm(`${p}experts.down_proj`, 'experts.down_proj', 'mlp', l, perExpert, h, spec.intermediate, 'layer', spec.mlpBias, undefined, active);
      add({ id: `${p}experts.combine`, name: 'experts.weighted_sum', kind: 'elementwise', cls: 'mlp', layer: l, fn: 'mul', elements: T * topK * h, inputs: 1 });
    } else if (spec.gatedMlp) {
      const normOut2 = last;
      const g = gemm(`${p}gate_proj`, 'gate_proj', 'mlp', l, T, spec.intermediate, h, 'layer', spec.mlpBias, normOut2);
      const u = gemm(`${p}up_proj`, 'up_proj', 'mlp', l, T, spec.intermediate, h, 'layer', spec.mlpBias, normOut2);
      const fn = spec.act === 'silu' ? 'silu_mul' : spec.act === 'relu' ? 'mul' : 'gelu';
      add({ id: `${p}act`, name: 'act_mul', kind: 'elementwise', cls: 'activation', layer: l, fn, elements: T * spec.intermediate, inputs: 2, deps: [g, u] });
      gemm(`${p}down_proj`, 'down_proj', 'mlp', l, T, h, spec.intermediate, 'layer', spec.mlpBias);
    } else {
      gemm(`${p}fc1`, 'fc1', 'mlp', l, T, spec.intermediate, h, 'layer', spec.mlpBias);
      add({ id: `${p}act`, name: spec.act, kind: 'elementwise', cls: 'activation', layer: l, fn: spec.act === 'relu' ? 'relu' : spec.act === 'gelu' ? 'gelu' : 'silu', elements: T * spec.intermediate, inputs: 1 });
      gemm(`${p}fc2`, 'fc2', 'mlp', l, T, h, spec.intermediate, 'layer', spec.mlpBias);
    }
    add({ id: `${p}mlp_residual`, name: 'mlp_residual', kind: 'elementwise', cls: 'residual', layer: l, fn: 'add', elements: T * h, inputs: 2, deps: [...last, ...residualMid] });
  }

  const logitRows = phase === 'prefill' && !opts.logitsForAllTokens ? batch : T;
  add({ id: 'final_norm', name: 'norm', kind: 'norm', cls: 'norm', layer: -1, norm: spec.norm, rows: logitRows, dim: h });
  if (spec.embedDim !== h) gemm('project_out', 'project_out', 'lm_head', -1, logitRows, spec.embedDim, h, 'layer', false);
  gemm('lm_head', 'lm_head', 'lm_head', -1, logitRows, spec.vocab, spec.embedDim, 'aux', false);

  const params = paramCounts(spec);
  const meta: GraphMeta = {
    model: spec.name,
    modelType: spec.modelType,
    phase,
    batch,
    ...(phase === 'prefill' ? { seq: qLen } : { context: kvLen - 1 }),
    tokens: phase === 'prefill' ? T : batch,
    params,
    kv: { layers: spec.layers, kvHeads: spec.kvHeads, headDim: spec.headDim, tokens: kvLen },
    ...(spec.maxPositions ? { maxPositionEmbeddings: spec.maxPositions } : {}),
  };
  return { meta, ops };
}
