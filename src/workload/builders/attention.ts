/**
 * The attention block of one layer, from its (normed) input to the o_proj output.
 *
 * Standard (MHA / GQA / MQA): q, k, v projections (or one fused qkv GEMM), optional q/k norms,
 * rotary, attention over the window / chunk / whole cache, o_proj.
 *
 * MLA (DeepSeek-V2/V3), in one of two named forms:
 * - 'naive': the cached latents are expanded back to per-head keys and values by kv_b_proj for
 *   every token attended (decode: all kvLen of them, each step), then ordinary multi-head
 *   attention with q/k width qk_nope + qk_rope and value width v_head_dim.
 * - 'absorbed' (DeepSeek-V2 §2.1.2, "absorb W_UK into W_Q and W_UV into W_O"): each head's
 *   query is mapped into the latent space (q_nope · W_UK, per head), attention runs directly on
 *   the cached rows (kv_lora_rank + qk_rope_head_dim, one row shared by all heads; the value is
 *   its first kv_lora_rank elements), and each head's latent output goes through W_UV before
 *   o_proj. Same weights as kv_b_proj; the cache is never expanded.
 */
import type { AttentionOp } from '../graph.ts';
import { kvDim, qDim } from '../params.ts';
import type { BuildContext } from './context.ts';

export type MlaForm = 'naive' | 'absorbed';

export function attentionBlock(ctx: BuildContext, l: number, input: string[], mlaForm: MlaForm): void {
  if (ctx.spec.mla) mlaBlock(ctx, l, input, mlaForm);
  else standardBlock(ctx, l, input);
}

function attentionOp(ctx: BuildContext, l: number, fields: Pick<AttentionOp, 'heads' | 'kvHeads' | 'headDim'> & Partial<AttentionOp>, deps: string[]): void {
  const s = ctx.spec;
  const span = s.layerAttention[l]!;
  const op: Omit<AttentionOp, 'phase' | 'deps'> & { deps: string[] } = {
    id: `L${l}.attn`,
    name: 'self_attn',
    kind: 'attention',
    cls: 'attention',
    layer: l,
    batch: ctx.batch,
    qLen: ctx.qLen,
    kvLen: ctx.kvLen,
    causal: true,
    window: span.window,
    ...fields,
    deps,
  };
  if (span.chunk > 0) op.chunk = span.chunk;
  if (s.attnLogitSoftcap > 0) op.logitSoftcap = s.attnLogitSoftcap;
  if (s.attnSinks) op.sinks = true;
  ctx.add(op);
}

function standardBlock(ctx: BuildContext, l: number, input: string[]): void {
  const s = ctx.spec;
  const { T } = ctx;
  const p = `L${l}.`;
  const h = s.hidden;
  let q: string;
  let k: string;
  let v: string;
  if (s.fusedQkv) {
    const name = s.modelType === 'falcon' ? 'query_key_value' : 'qkv_proj';
    q = k = v = ctx.gemm(`${p}qkv_proj`, name, 'qkv_proj', l, T, qDim(s) + 2 * kvDim(s), h, 'layer', s.qkvBias, input);
  } else {
    q = ctx.gemm(`${p}q_proj`, 'q_proj', 'qkv_proj', l, T, qDim(s), h, 'layer', s.qkvBias, input);
    k = ctx.gemm(`${p}k_proj`, 'k_proj', 'qkv_proj', l, T, kvDim(s), h, 'layer', s.qkvBias, input);
    v = ctx.gemm(`${p}v_proj`, 'v_proj', 'qkv_proj', l, T, kvDim(s), h, 'layer', s.qkvBias, input);
  }
  const rope = s.rotary && (s.ropeLayers?.[l] ?? true);
  const qkNorm = s.qkNorm === 'l2' && !rope ? 'none' : s.qkNorm;
  if (qkNorm !== 'none') {
    // 'head': RMSNorm over each head's headDim; 'full': over all of q / all of k; 'l2': weightless.
    const perHead = qkNorm !== 'full';
    q = ctx.add({
      id: `${p}q_norm`,
      name: qkNorm === 'l2' ? 'q_l2_norm' : 'q_norm',
      kind: 'norm',
      cls: 'norm',
      layer: l,
      norm: 'rms',
      rows: perHead ? T * s.heads : T,
      dim: perHead ? s.headDim : qDim(s),
      deps: [q],
    });
    k = ctx.add({
      id: `${p}k_norm`,
      name: qkNorm === 'l2' ? 'k_l2_norm' : 'k_norm',
      kind: 'norm',
      cls: 'norm',
      layer: l,
      norm: 'rms',
      rows: perHead ? T * s.kvHeads : T,
      dim: perHead ? s.headDim : kvDim(s),
      deps: [k],
    });
  }
  let qk = q === k ? [q] : [q, k];
  if (rope) {
    qk = [
      ctx.add({
        id: `${p}rotary`,
        name: 'rotary_emb',
        kind: 'elementwise',
        cls: 'rotary',
        layer: l,
        fn: 'rotary',
        elements: T * (qDim(s) + kvDim(s)),
        inputs: 1,
        deps: qk,
      }),
    ];
  }
  attentionOp(ctx, l, { heads: s.heads, kvHeads: s.kvHeads, headDim: s.headDim }, [...new Set([...qk, v])]);
  ctx.gemm(`${p}o_proj`, s.modelType === 'falcon' ? 'dense' : 'o_proj', 'o_proj', l, T, h, qDim(s), 'layer', s.oBias);
}

function mlaBlock(ctx: BuildContext, l: number, input: string[], form: MlaForm): void {
  const s = ctx.spec;
  const m = s.mla!;
  const { T } = ctx;
  const p = `L${l}.`;
  const h = s.hidden;
  const H = s.heads;
  const qk = m.qkNopeHeadDim + m.qkRopeHeadDim;
  let q: string;
  if (m.qLoraRank > 0) {
    ctx.gemm(`${p}q_a_proj`, 'q_a_proj', 'qkv_proj', l, T, m.qLoraRank, h, 'layer', false, input);
    ctx.add({ id: `${p}q_a_layernorm`, name: 'q_a_layernorm', kind: 'norm', cls: 'norm', layer: l, norm: 'rms', rows: T, dim: m.qLoraRank });
    q = ctx.gemm(`${p}q_b_proj`, 'q_b_proj', 'qkv_proj', l, T, H * qk, m.qLoraRank, 'layer', false);
  } else {
    q = ctx.gemm(`${p}q_proj`, 'q_proj', 'qkv_proj', l, T, H * qk, h, 'layer', false, input);
  }
  ctx.gemm(`${p}kv_a_proj_with_mqa`, 'kv_a_proj_with_mqa', 'qkv_proj', l, T, m.kvLoraRank + m.qkRopeHeadDim, h, 'layer', false, input);
  const kvA = ctx.add({ id: `${p}kv_a_layernorm`, name: 'kv_a_layernorm', kind: 'norm', cls: 'norm', layer: l, norm: 'rms', rows: T, dim: m.kvLoraRank });
  const rot = ctx.add({
    id: `${p}rotary`,
    name: 'rotary_emb',
    kind: 'elementwise',
    cls: 'rotary',
    layer: l,
    fn: 'rotary',
    elements: T * (H + 1) * m.qkRopeHeadDim,
    inputs: 1,
    deps: [q, kvA],
  });
  if (form === 'naive') {
    // Expand every attended token's latent into per-head k_nope and v.
    const kv = ctx.gemm(`${p}kv_b_proj`, 'kv_b_proj', 'qkv_proj', l, ctx.batch * ctx.kvLen, H * (m.qkNopeHeadDim + m.vHeadDim), m.kvLoraRank, 'layer', false, [
      kvA,
    ]);
    attentionOp(ctx, l, { heads: H, kvHeads: H, headDim: qk, vHeadDim: m.vHeadDim, name: 'self_attn.naive' }, [rot, kv]);
    ctx.gemm(`${p}o_proj`, 'o_proj', 'o_proj', l, T, h, H * m.vHeadDim, 'layer', false);
  } else {
    // Per head: q_nope (qk_nope) · W_UK (qk_nope × kv_lora) → a query in latent space.
    const qLat = ctx.gemm(`${p}q_absorb`, 'q_absorb(W_UK)', 'qkv_proj', l, T, m.kvLoraRank, m.qkNopeHeadDim, 'layer', false, [q], H);
    attentionOp(ctx, l, { heads: H, kvHeads: 1, headDim: m.kvLoraRank + m.qkRopeHeadDim, vHeadDim: m.kvLoraRank, latentKv: true, name: 'self_attn.absorbed' }, [
      qLat,
      rot,
    ]);
    ctx.gemm(`${p}v_up`, 'v_up(W_UV)', 'o_proj', l, T, m.vHeadDim, m.kvLoraRank, 'layer', false, undefined, H);
    ctx.gemm(`${p}o_proj`, 'o_proj', 'o_proj', l, T, h, H * m.vHeadDim, 'layer', false);
  }
}
