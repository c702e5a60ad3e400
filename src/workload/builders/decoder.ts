/**
 * Builds the OpGraph of one prefill or one decode step of a decoder-only transformer from a
 * ModelSpec (every family in workload/families/).
 *
 * Shapes: T tokens in flight (prefill B·S, decode B). Decode at context C attends C cached keys
 * plus its own (kvLen = C + 1) and appends one key/value per sequence.
 *
 * Layer skeleton: [pre-norm] → attention (attention.ts) → [post-norm] → residual add →
 * [pre-norm] → MLP or MoE (mlp.ts) → [post-norm] → residual add. Which norms exist is the
 * family's (Llama: pre; Gemma 2/3: pre and post; OLMo 2: post). Falcon's parallel block feeds
 * attention and MLP from the same normed input and adds both into one residual.
 */
import type { GraphMeta, KvGroup, OpGraph, Phase } from '../graph.ts';
import type { ModelSpec } from '../model-config.ts';
import { paramCounts } from '../params.ts';
import { AccelscopeError } from '../../util/errors.ts';
import { attentionBlock, type MlaForm } from './attention.ts';
import { newContext, type BuildContext } from './context.ts';
import { mlpBlock } from './mlp.ts';

export { expectedActiveExperts, tokensPerExpert } from './mlp.ts';
export type { MlaForm } from './attention.ts';

export interface BuildOptions {
  phase: Phase;
  batch: number;
  /** Prefill: prompt tokens per sequence. */
  seq?: number;
  /** Decode: tokens already in the KV cache. */
  context?: number;
  /** Prefill computes logits for every prompt token (as HF forward does), not only the last. */
  logitsForAllTokens?: boolean;
  /** MLA models: attention form; default 'naive' for prefill, 'absorbed' for decode. */
  mlaForm?: MlaForm;
  /** MoE models: expert capacity factor (0 = unlimited, the default). */
  expertCapacityFactor?: number;
}

export function buildGraph(specIn: ModelSpec, opts: BuildOptions): OpGraph {
  const { phase, batch } = opts;
  if (!Number.isInteger(batch) || batch < 1) throw AccelscopeError.withParams('bad-flag', (n) => `${n('batch')} must be a positive integer (got ${batch})`);
  let qLen: number;
  let kvLen: number;
  if (phase === 'prefill') {
    const seq = opts.seq;
    if (seq === undefined || !Number.isInteger(seq) || seq < 1)
      throw AccelscopeError.withParams('bad-flag', (n) => `prefill needs ${n('seq')}, a positive integer (got ${seq})`);
    qLen = seq;
    kvLen = seq;
  } else {
    const ctx = opts.context;
    if (ctx === undefined || !Number.isInteger(ctx) || ctx < 0)
      throw AccelscopeError.withParams('bad-flag', (n) => `decode needs ${n('context')}, a non-negative integer (got ${ctx})`);
    qLen = 1;
    kvLen = ctx + 1;
  }
  let spec = specIn;
  if (opts.expertCapacityFactor !== undefined) {
    const f = opts.expertCapacityFactor;
    if (!(f >= 0) || !Number.isFinite(f)) throw new AccelscopeError('bad-flag', `expert capacity factor must be a non-negative number (got ${f})`);
    if (spec.moe) spec = { ...spec, moe: { ...spec.moe, capacityFactor: f } };
  }
  const mlaForm: MlaForm = opts.mlaForm ?? (phase === 'prefill' ? 'naive' : 'absorbed');
  const ctx = newContext(spec, phase, batch, qLen, kvLen);
  const { T } = ctx;
  const h = spec.hidden;

  ctx.add({ id: 'embed', name: 'embed_tokens', kind: 'embedding', cls: 'embedding', layer: -1, tokens: T, dim: spec.embedDim, vocab: spec.vocab, deps: [] });
  if (spec.embedDim !== h) ctx.gemm('project_in', 'project_in', 'embedding', -1, T, h, spec.embedDim, 'layer', false);
  if (spec.learnedPositions > 0) {
    const tok = ctx.last;
    const pos = ctx.add({
      id: 'embed_pos',
      name: 'embed_positions',
      kind: 'embedding',
      cls: 'embedding',
      layer: -1,
      tokens: T,
      dim: h,
      vocab: spec.learnedPositions,
      deps: [],
    });
    ctx.add({
      id: 'embed_add',
      name: 'embed_add',
      kind: 'elementwise',
      cls: 'residual',
      layer: -1,
      fn: 'add',
      elements: T * h,
      inputs: 2,
      deps: [...tok, pos],
    });
  }
  if (spec.embedScale)
    ctx.add({ id: 'embed_scale', name: 'embed_scale(sqrt(hidden))', kind: 'elementwise', cls: 'embedding', layer: -1, fn: 'mul', elements: T * h, inputs: 1 });

  for (let l = 0; l < spec.layers; l++) {
    if (spec.parallelBlock) parallelLayer(ctx, l, mlaForm);
    else sequentialLayer(ctx, l, mlaForm);
  }

  const logitRows = phase === 'prefill' && !opts.logitsForAllTokens ? batch : T;
  ctx.add({ id: 'final_norm', name: 'norm', kind: 'norm', cls: 'norm', layer: -1, norm: spec.norm, rows: logitRows, dim: h });
  if (spec.embedDim !== h) ctx.gemm('project_out', 'project_out', 'lm_head', -1, logitRows, spec.embedDim, h, 'layer', false);
  ctx.gemm('lm_head', 'lm_head', 'lm_head', -1, logitRows, spec.vocab, spec.embedDim, 'aux', false);
  if (spec.finalLogitSoftcap > 0) {
    ctx.add({
      id: 'final_softcap',
      name: 'final_logit_softcapping',
      kind: 'elementwise',
      cls: 'lm_head',
      layer: -1,
      fn: 'softcap',
      elements: logitRows * spec.vocab,
      inputs: 1,
    });
  }

  const params = paramCounts(spec);
  const meta: GraphMeta = {
    model: spec.name,
    modelType: spec.modelType,
    phase,
    batch,
    ...(phase === 'prefill' ? { seq: qLen } : { context: kvLen - 1 }),
    tokens: phase === 'prefill' ? T : batch,
    params,
    kv: { layers: spec.layers, kvHeads: spec.mla ? 1 : spec.kvHeads, headDim: spec.headDim, tokens: kvLen, groups: kvGroups(spec) },
    ...(spec.maxPositions ? { maxPositionEmbeddings: spec.maxPositions } : {}),
    ...(spec.mla ? { attentionForm: mlaForm } : {}),
  };
  return { meta, ops: ctx.ops };
}

function norm(ctx: BuildContext, l: number, id: string, name: string): string {
  return ctx.add({ id: `L${l}.${id}`, name, kind: 'norm', cls: 'norm', layer: l, norm: ctx.spec.norm, rows: ctx.T, dim: ctx.spec.hidden });
}

function residual(ctx: BuildContext, l: number, id: string, from: string[], inputs = 2): void {
  ctx.add({
    id: `L${l}.${id}`,
    name: id,
    kind: 'elementwise',
    cls: 'residual',
    layer: l,
    fn: 'add',
    elements: ctx.T * ctx.spec.hidden,
    inputs,
    deps: [...ctx.last, ...from],
  });
}

function sequentialLayer(ctx: BuildContext, l: number, mlaForm: MlaForm): void {
  const n = ctx.spec.norms;
  const residualIn = ctx.last;
  if (n.preAttn) norm(ctx, l, 'attn_norm', 'input_layernorm');
  attentionBlock(ctx, l, ctx.last, mlaForm);
  if (n.postAttn) norm(ctx, l, 'post_attn_norm', 'post_attention_layernorm');
  residual(ctx, l, 'attn_residual', residualIn);
  const residualMid = ctx.last;
  if (n.preMlp) norm(ctx, l, 'mlp_norm', n.postAttn ? 'pre_feedforward_layernorm' : 'post_attention_layernorm');
  mlpBlock(ctx, l, ctx.last);
  if (n.postMlp) norm(ctx, l, 'post_mlp_norm', 'post_feedforward_layernorm');
  residual(ctx, l, 'mlp_residual', residualMid);
}

function parallelLayer(ctx: BuildContext, l: number, mlaForm: MlaForm): void {
  const residualIn = ctx.last;
  const attnIn = [norm(ctx, l, 'attn_norm', ctx.spec.parallelNorms === 2 ? 'ln_attn' : 'input_layernorm')];
  const mlpIn = ctx.spec.parallelNorms === 2 ? [norm(ctx, l, 'mlp_norm', 'ln_mlp')] : attnIn;
  attentionBlock(ctx, l, attnIn, mlaForm);
  const attnOut = ctx.last;
  mlpBlock(ctx, l, mlpIn);
  residual(ctx, l, 'parallel_residual', [...attnOut, ...residualIn], 3);
}

/**
 * KV-cache rows per layer as runs of consecutive layers alike (in layer order, so a pipeline
 * stage can take its slice): sliding / chunked layers keep at most their span.
 */
export function kvGroups(spec: ModelSpec): KvGroup[] {
  const groups: KvGroup[] = [];
  for (let l = 0; l < spec.layers; l++) {
    const elementsPerToken = spec.mla ? spec.mla.kvLoraRank + spec.mla.qkRopeHeadDim : 2 * spec.kvHeads * spec.headDim;
    const a = spec.layerAttention[l]!;
    const window = a.window > 0 ? a.window : a.chunk;
    const g = groups[groups.length - 1];
    if (g && g.elementsPerToken === elementsPerToken && g.window === window) g.layers++;
    else groups.push({ layers: 1, elementsPerToken, window });
  }
  return groups;
}
