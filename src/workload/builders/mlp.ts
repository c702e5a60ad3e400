/**
 * The MLP block of one layer: dense (SwiGLU / GeGLU / plain fc1-act-fc2) or mixture-of-experts.
 *
 * MoE: a router GEMM (+ bias for gpt-oss) and a top-k softmax, then the routed experts. With
 * T·k token slots spread uniformly over E experts, the expected number of distinct experts hit
 * is E·(1 − (1 − k/E)^T); each runs on T·k / that many tokens. The expert GEMMs carry that
 * (possibly fractional) expectation as `count`, so FLOPs equal 2·T·k·(3·h·I) exactly and weight
 * traffic covers only the experts actually read. With an expert capacity factor f, an expert
 * takes at most ceil(f·T·k/E) tokens and the overflow is dropped (GShard / Switch Transformer).
 * Shared experts (Qwen-MoE, DeepSeekMoE, Llama 4) run on every token beside the routed ones;
 * Qwen2-MoE scales theirs by sigmoid(Linear(h, 1)).
 */
import { isMoeLayer } from '../families/spec.ts';
import type { BuildContext } from './context.ts';

export function expectedActiveExperts(tokens: number, experts: number, topK: number): number {
  if (tokens <= 0) return 0;
  return experts * (1 - Math.pow(1 - topK / experts, tokens));
}

/** Tokens each active expert runs on, after the capacity limit (factor 0 = none). */
export function tokensPerExpert(tokens: number, experts: number, topK: number, capacityFactor: number): number {
  const perExpert = (tokens * topK) / expectedActiveExperts(tokens, experts, topK);
  if (capacityFactor <= 0) return perExpert;
  return Math.min(perExpert, Math.ceil((capacityFactor * tokens * topK) / experts));
}

export function mlpBlock(ctx: BuildContext, l: number, input: string[]): void {
  const s = ctx.spec;
  if (isMoeLayer(s, l)) moeBlock(ctx, l, input);
  else denseMlp(ctx, l, `L${l}.`, '', ctx.T, s.moe ? s.moe.denseIntermediate : s.intermediate, input);
}

/** One dense MLP on m tokens; `count` instances (MoE experts) when given. Returns its output op. */
function denseMlp(
  ctx: BuildContext,
  l: number,
  p: string,
  prefix: string,
  m: number,
  inter: number,
  input: string[],
  count?: number,
  bias = ctx.spec.mlpBias,
  slots = m,
): string {
  const s = ctx.spec;
  const h = s.hidden;
  if (s.gatedMlp) {
    let gu: string[];
    if (s.fusedGateUp) {
      gu = [ctx.gemm(`${p}${prefix}gate_up_proj`, `${prefix}gate_up_proj`, 'mlp', l, m, 2 * inter, h, 'layer', bias, input, count)];
    } else {
      gu = [
        ctx.gemm(`${p}${prefix}gate_proj`, `${prefix}gate_proj`, 'mlp', l, m, inter, h, 'layer', bias, input, count),
        ctx.gemm(`${p}${prefix}up_proj`, `${prefix}up_proj`, 'mlp', l, m, inter, h, 'layer', bias, input, count),
      ];
    }
    const fn = s.act === 'silu' ? 'silu_mul' : s.act === 'relu' ? 'mul' : 'gelu';
    ctx.add({
      id: `${p}${prefix}act`,
      name: `${prefix}act_mul`,
      kind: 'elementwise',
      cls: 'activation',
      layer: l,
      fn,
      elements: slots * inter,
      inputs: 2,
      deps: gu,
    });
    return ctx.gemm(`${p}${prefix}down_proj`, `${prefix}down_proj`, 'mlp', l, m, h, inter, 'layer', bias, undefined, count);
  }
  const fc1 = s.modelType === 'falcon' ? 'dense_h_to_4h' : 'fc1';
  const fc2 = s.modelType === 'falcon' ? 'dense_4h_to_h' : 'fc2';
  ctx.gemm(`${p}${prefix}fc1`, `${prefix}${fc1}`, 'mlp', l, m, inter, h, 'layer', bias, input, count);
  ctx.add({
    id: `${p}${prefix}act`,
    name: `${prefix}${s.act}`,
    kind: 'elementwise',
    cls: 'activation',
    layer: l,
    fn: s.act === 'relu' ? 'relu' : s.act === 'gelu' ? 'gelu' : 'silu',
    elements: slots * inter,
    inputs: 1,
  });
  return ctx.gemm(`${p}${prefix}fc2`, `${prefix}${fc2}`, 'mlp', l, m, h, inter, 'layer', bias, undefined, count);
}

function moeBlock(ctx: BuildContext, l: number, input: string[]): void {
  const s = ctx.spec;
  const e = s.moe!;
  const { T } = ctx;
  const h = s.hidden;
  const p = `L${l}.`;
  ctx.gemm(`${p}router`, 'router', 'moe_router', l, T, e.experts, h, 'aux', e.routerBias, input);
  const routed = [ctx.add({ id: `${p}router_softmax`, name: 'router_topk', kind: 'softmax', cls: 'moe_router', layer: l, rows: T, dim: e.experts })];
  const active = expectedActiveExperts(T, e.experts, e.topK);
  const perExpert = tokensPerExpert(T, e.experts, e.topK, e.capacityFactor);
  // Token slots the experts process: T·k, fewer when the capacity limit drops some.
  const slots = e.capacityFactor > 0 ? Math.round(perExpert * active) : T * e.topK;
  const out = [denseMlp(ctx, l, p, 'experts.', perExpert, e.intermediate, routed, active, e.expertBias || s.mlpBias, slots)];
  ctx.add({ id: `${p}experts.combine`, name: 'experts.weighted_sum', kind: 'elementwise', cls: 'mlp', layer: l, fn: 'mul', elements: slots * h, inputs: 1 });
  out[0] = ctx.last[0]!;
  if (e.sharedIntermediate > 0) {
    let shared = denseMlp(ctx, l, p, 'shared_expert.', T, e.sharedIntermediate, input);
    if (e.sharedGate) {
      const g = ctx.gemm(`${p}shared_expert_gate`, 'shared_expert_gate', 'moe_router', l, T, 1, h, 'aux', false, input);
      shared = ctx.add({
        id: `${p}shared_expert.gated`,
        name: 'shared_expert.sigmoid_gate_mul',
        kind: 'elementwise',
        cls: 'mlp',
        layer: l,
        fn: 'mul',
        elements: T * h,
        inputs: 2,
        deps: [shared, g],
      });
    }
    ctx.add({
      id: `${p}moe_sum`,
      name: 'routed_plus_shared',
      kind: 'elementwise',
      cls: 'mlp',
      layer: l,
      fn: 'add',
      elements: T * h,
      inputs: 2,
      deps: [...out, shared],
    });
  }
}
