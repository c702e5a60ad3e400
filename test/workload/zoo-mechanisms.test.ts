/**
 * One hand-checked count per mechanism the model zoo added (docs/workload.md): head_dim apart
 * from hidden/heads, q/k norms, sliding-window and alternating local/global layers, chunked
 * attention, soft-capping, attention sinks, shared experts, first_k_dense_replace, expert
 * capacity, MLA (naive and absorbed), fused projections, Falcon's parallel block.
 */
import { describe, expect, it } from 'vitest';
import { buildFor } from '../helpers.ts';
import { attendedPairs, attentionScores, attentionVectorFlops, opFlops, opTraffic } from '../../src/workload/ops.ts';
import type { AttentionOp, GemmOp, Op, OpGraph } from '../../src/workload/graph.ts';
import { kvCacheBytes } from '../../src/workload/footprint.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { expectedActiveExperts } from '../../src/workload/builders/decoder.ts';

const fp16 = parseQuantScheme('fp16');
const op = <T extends Op = Op>(g: OpGraph, id: string): T => {
  const o = g.ops.find((x) => x.id === id);
  if (!o) throw new Error(`no op ${id}`);
  return o as T;
};
const layerFlops = (g: OpGraph, l: number, pred: (o: Op) => boolean = () => true) =>
  g.ops.filter((o) => o.layer === l && pred(o)).reduce((s, o) => s + opFlops(o), 0);

describe('head_dim independent of hidden / heads', () => {
  it('Gemma-3-1B: q_proj is 4 heads x 256 = 1024 wide on a 1152 hidden', () => {
    const g = buildFor('gemma-3-1b', { phase: 'decode', batch: 1, context: 10 });
    const q = op<GemmOp>(g, 'L0.q_proj');
    expect([q.m, q.n, q.k]).toEqual([1, 1024, 1152]);
    expect(opFlops(q)).toBe(2 * 1024 * 1152);
    expect(op<GemmOp>(g, 'L0.o_proj').k).toBe(1024);
  });
});

describe('q/k norms', () => {
  it('Qwen3-8B: RMSNorm over each head (4 FLOPs x T x heads x 128)', () => {
    const g = buildFor('qwen3-8b', { phase: 'prefill', batch: 1, seq: 16 });
    expect(opFlops(op(g, 'L0.q_norm'))).toBe(4 * 16 * 32 * 128);
    expect(opFlops(op(g, 'L0.k_norm'))).toBe(4 * 16 * 8 * 128);
  });
  it('OLMo-2-7B: RMSNorm over all of q and all of k, post-norms only', () => {
    const g = buildFor('olmo-2-7b', { phase: 'prefill', batch: 1, seq: 16 });
    expect(opFlops(op(g, 'L0.q_norm'))).toBe(4 * 16 * 4096);
    expect(g.ops.some((o) => o.id === 'L0.attn_norm')).toBe(false);
    expect(g.ops.filter((o) => o.layer === 0 && o.kind === 'norm').map((o) => o.name)).toEqual([
      'q_norm',
      'k_norm',
      'post_attention_layernorm',
      'post_feedforward_layernorm',
    ]);
  });
});

describe('sliding-window and alternating local/global layers', () => {
  const g = buildFor('gemma-2-9b', { phase: 'decode', batch: 1, context: 8191 });
  it('Gemma-2-9B decode at 8192 keys: local (even) layers attend 4096, global (odd) all 8192', () => {
    const local = op<AttentionOp>(g, 'L0.attn');
    const global = op<AttentionOp>(g, 'L1.attn');
    expect(local.window).toBe(4096);
    expect(global.window).toBe(0);
    expect(opFlops(local)).toBe(4 * 256 * 16 * 4096);
    expect(opFlops(global)).toBe(4 * 256 * 16 * 8192);
  });
  it('KV cache: local layers hold at most the window', () => {
    const perTokenLayer = 2 * 8 * 256 * 2; // K+V, 8 kv heads, head_dim 256, fp16
    expect(kvCacheBytes(g, fp16, 1)).toBe(42 * perTokenLayer);
    expect(kvCacheBytes(g, fp16, 8192)).toBe(21 * perTokenLayer * 8192 + 21 * perTokenLayer * 4096);
    expect(kvCacheBytes(g, fp16, 4096)).toBe(42 * perTokenLayer * 4096);
  });
  it('Gemma-3: every 6th layer is global; gpt-oss alternates 128-key windows', () => {
    const g3 = buildFor('gemma-3-1b', { phase: 'decode', batch: 1, context: 2000 });
    const windows = g3.ops.filter((o): o is AttentionOp => o.kind === 'attention').map((a) => a.window);
    expect(windows.slice(0, 12)).toEqual([512, 512, 512, 512, 512, 0, 512, 512, 512, 512, 512, 0]);
    const go = buildFor('gpt-oss-20b', { phase: 'decode', batch: 1, context: 1000 });
    expect(opFlops(op(go, 'L0.attn'))).toBe(4 * 64 * 64 * 128);
    expect(opFlops(op(go, 'L1.attn'))).toBe(4 * 64 * 64 * 1001);
    // gpt-oss KV per token: 24 layers x 2 x 8 x 64 x 2 bytes.
    expect(kvCacheBytes(go, fp16, 1)).toBe(49_152);
  });
});

describe('chunked attention (Llama 4)', () => {
  it('a query at position 10000 sees the 1809 keys of its own 8192-token chunk; NoPE layers see all', () => {
    const g = buildFor('llama-4-scout-text', { phase: 'decode', batch: 1, context: 10000 });
    const chunked = op<AttentionOp>(g, 'L0.attn');
    expect(chunked.chunk).toBe(8192);
    expect(attendedPairs(chunked)).toBe((10000 % 8192) + 1);
    expect(attendedPairs(op<AttentionOp>(g, 'L3.attn'))).toBe(10001);
    expect(g.ops.some((o) => o.id === 'L3.rotary')).toBe(false); // NoPE layer
    expect(g.ops.some((o) => o.id === 'L3.q_norm')).toBe(false); // L2 q/k norm only on RoPE layers
    expect(opFlops(op(g, 'L0.q_norm'))).toBe(4 * 40 * 128);
  });
  it('prefill over two chunks: 2 x 8192·8193/2 pairs', () => {
    const g = buildFor('llama-4-scout-text', { phase: 'prefill', batch: 1, seq: 16384 });
    expect(attendedPairs(op<AttentionOp>(g, 'L0.attn'))).toBe((2 * (8192 * 8193)) / 2);
  });
});

describe('logit soft-capping and attention sinks', () => {
  it('Gemma-2: final logits capped (3 FLOPs per logit); attention scores capped (3 more per score)', () => {
    const g = buildFor('gemma-2-9b', { phase: 'decode', batch: 2, context: 99 });
    expect(opFlops(op(g, 'final_softcap'))).toBe(3 * 2 * 256_000);
    const a = op<AttentionOp>(g, 'L1.attn');
    expect(a.logitSoftcap).toBe(50);
    expect(attentionScores(a)).toBe(2 * 16 * 100);
    expect(attentionVectorFlops(a)).toBe(2 * 16 * 100 * (5 + 3));
  });
  it('gpt-oss: one sink logit per head and query joins the softmax', () => {
    const g = buildFor('gpt-oss-20b', { phase: 'decode', batch: 1, context: 99 });
    const a = op<AttentionOp>(g, 'L1.attn');
    expect(a.sinks).toBe(true);
    expect(attentionVectorFlops(a)).toBe(64 * 100 * 5 + 64 * 5);
    expect(g.meta.params.other).toBeGreaterThan(0);
  });
});

describe('mixture of experts', () => {
  it('Qwen1.5-MoE decode: router, 4 routed experts, the shared expert and its sigmoid gate', () => {
    const g = buildFor('qwen1.5-moe-a2.7b', { phase: 'decode', batch: 1, context: 10 });
    const gemm = (o: Op) => o.kind === 'gemm';
    expect(opFlops(op(g, 'L0.router'))).toBe(2 * 2048 * 60);
    expect(layerFlops(g, 0, (o) => gemm(o) && o.id.includes('experts.') && !o.id.includes('shared'))).toBeCloseTo(2 * 4 * 3 * 2048 * 1408, 3);
    expect(layerFlops(g, 0, (o) => gemm(o) && o.id.includes('shared_expert.'))).toBe(2 * 3 * 2048 * 5632);
    expect(opFlops(op(g, 'L0.shared_expert_gate'))).toBe(2 * 2048);
  });
  it('DeepSeek-V3: first_k_dense_replace = 3 dense layers, then 256 experts + 1 shared', () => {
    const g = buildFor('deepseek-v3', { phase: 'decode', batch: 1, context: 0 });
    expect(op<GemmOp>(g, 'L2.gate_proj').n).toBe(18432);
    expect(g.ops.some((o) => o.id === 'L2.router')).toBe(false);
    expect(op<GemmOp>(g, 'L3.router').n).toBe(256);
    expect(op<GemmOp>(g, 'L3.shared_expert.gate_proj').n).toBe(2048);
    expect(op<GemmOp>(g, 'L3.experts.gate_proj').count).toBeCloseTo(expectedActiveExperts(1, 256, 8), 12);
  });
  it('expert capacity factor 0.5 drops half the token slots when routing is uniform', () => {
    const free = buildFor('qwen3-30b-a3b', { phase: 'prefill', batch: 1, seq: 1024 });
    const capped = buildFor('qwen3-30b-a3b', { phase: 'prefill', batch: 1, seq: 1024, expertCapacityFactor: 0.5 });
    const experts = (g: OpGraph) => layerFlops(g, 0, (o) => o.kind === 'gemm' && o.id.includes('experts.'));
    expect(experts(free)).toBeCloseTo(2 * 1024 * 8 * 3 * 2048 * 768, 0);
    // E = 128, T·k = 8192: every expert is hit (expected), 64 tokens each; capacity ceil(0.5·64) = 32.
    const g = op<GemmOp>(capped, 'L0.experts.gate_proj');
    expect(g.m).toBe(32);
    expect(experts(capped) / experts(free)).toBeCloseTo(32 / (8192 / expectedActiveExperts(1024, 128, 8)), 9);
    expect(buildFor('qwen3-30b-a3b', { phase: 'prefill', batch: 1, seq: 1024, expertCapacityFactor: 2 }).ops).toEqual(free.ops);
  });
  it('gpt-oss: fused gate_up with biases on 4 of 32 experts', () => {
    const g = buildFor('gpt-oss-20b', { phase: 'decode', batch: 1, context: 0 });
    const gu = op<GemmOp>(g, 'L0.experts.gate_up_proj');
    expect([gu.n, gu.k, gu.bias]).toEqual([5760, 2880, true]);
    expect(op<GemmOp>(g, 'L0.router').bias).toBe(true);
  });
});

describe('multi-head latent attention (DeepSeek)', () => {
  const C = 4095;
  const absorbed = buildFor('deepseek-v3', { phase: 'decode', batch: 1, context: C });
  const naive = buildFor('deepseek-v3', { phase: 'decode', batch: 1, context: C, mlaForm: 'naive' });
  it('KV cache holds kv_lora_rank + qk_rope_head_dim = 576 elements per token per layer', () => {
    expect(kvCacheBytes(absorbed, fp16, 1)).toBe(61 * 576 * 2);
    expect(kvCacheBytes(naive, fp16, 1)).toBe(61 * 576 * 2);
    expect(kvCacheBytes(buildFor('deepseek-v2-lite', { phase: 'decode', batch: 1, context: 0 }), fp16, 1)).toBe(27 * 576 * 2);
  });
  it('absorbed decode: 128 heads attend the shared 576-wide latent rows (value = first 512)', () => {
    expect(absorbed.meta.attentionForm).toBe('absorbed');
    const a = op<AttentionOp>(absorbed, 'L0.attn');
    expect([a.heads, a.kvHeads, a.headDim, a.vHeadDim, a.latentKv, a.name]).toEqual([128, 1, 576, 512, true, 'self_attn.absorbed']);
    expect(opFlops(a)).toBe(2 * (576 + 512) * 128 * (C + 1));
    expect(opTraffic(a, fp16).kv).toBe((C + 1) * 576 * 2 + 576 * 2);
    expect(opFlops(op(absorbed, 'L0.q_absorb'))).toBe(2 * 128 * 128 * 512);
    expect(opFlops(op(absorbed, 'L0.v_up'))).toBe(2 * 128 * 512 * 128);
  });
  it('naive decode: kv_b_proj re-expands all C+1 latents, then 192/128-wide MHA', () => {
    expect(naive.meta.attentionForm).toBe('naive');
    expect(opFlops(op(naive, 'L0.kv_b_proj'))).toBe(2 * (C + 1) * 128 * (128 + 128) * 512);
    const a = op<AttentionOp>(naive, 'L0.attn');
    expect(opFlops(a)).toBe(2 * (192 + 128) * 128 * (C + 1));
  });
  it('both forms read the same weights; absorbed moves less per decode step at long context', () => {
    const w = (g: OpGraph) => g.ops.filter((o) => o.layer === 0).reduce((s, o) => s + opTraffic(o, fp16).weights, 0);
    expect(w(absorbed)).toBe(w(naive));
    expect(layerFlops(absorbed, 0)).toBeLessThan(layerFlops(naive, 0));
  });
  it('prefill defaults to the naive form; q_lora_rank adds q_a_proj / q_b_proj', () => {
    const p = buildFor('deepseek-v3', { phase: 'prefill', batch: 1, seq: 8 });
    expect(p.meta.attentionForm).toBe('naive');
    expect(op<GemmOp>(p, 'L0.q_a_proj').n).toBe(1536);
    expect(op<GemmOp>(p, 'L0.q_b_proj').n).toBe(128 * 192);
    const lite = buildFor('deepseek-v2-lite', { phase: 'prefill', batch: 1, seq: 8 });
    expect(op<GemmOp>(lite, 'L0.q_proj').n).toBe(16 * 192);
  });
});

describe('fused projections and the parallel block', () => {
  it('Phi-3: one qkv_proj GEMM (3 x 3072 wide) and one gate_up_proj (2 x 8192)', () => {
    const g = buildFor('phi-3-mini-4k-instruct', { phase: 'decode', batch: 1, context: 0 });
    expect(op<GemmOp>(g, 'L0.qkv_proj').n).toBe(3 * 3072);
    expect(op<GemmOp>(g, 'L0.gate_up_proj').n).toBe(2 * 8192);
    expect(op<AttentionOp>(g, 'L0.attn').window).toBe(2047);
  });
  it('Falcon-7B: multi-query fused qkv (4544 + 2 x 64) and one 3-input residual add per layer', () => {
    const g = buildFor('falcon-7b', { phase: 'decode', batch: 1, context: 0 });
    expect(op<GemmOp>(g, 'L0.qkv_proj').n).toBe(4544 + 128);
    expect(op<AttentionOp>(g, 'L0.attn').kvHeads).toBe(1);
    const adds = g.ops.filter((o) => o.layer === 0 && o.cls === 'residual');
    expect(adds.map((o) => (o.kind === 'elementwise' ? o.inputs : 0))).toEqual([3]);
    expect(kvCacheBytes(g, fp16, 1)).toBe(32 * 2 * 64 * 2);
  });
});

describe('KV-cache bytes per token (fp16), every zoo family', () => {
  // layers x K+V elements per layer x 2 bytes; MLA: layers x (kv_lora_rank + qk_rope_head_dim) x 2.
  const PER_TOKEN: Record<string, number> = {
    'phi-3-mini-4k-instruct': 32 * 2 * 32 * 96 * 2,
    'gemma-2-9b': 42 * 2 * 8 * 256 * 2,
    'gemma-3-1b': 26 * 2 * 1 * 256 * 2,
    'gemma-3-4b': 34 * 2 * 4 * 256 * 2,
    'qwen3-8b': 36 * 2 * 8 * 128 * 2,
    'qwen1.5-moe-a2.7b': 24 * 2 * 16 * 128 * 2,
    'qwen3-30b-a3b': 48 * 2 * 4 * 128 * 2,
    'deepseek-v2-lite': 27 * (512 + 64) * 2,
    'deepseek-v3': 61 * (512 + 64) * 2,
    'gpt-oss-20b': 24 * 2 * 8 * 64 * 2,
    'olmo-2-7b': 32 * 2 * 32 * 128 * 2,
    'llama-4-scout-text': 48 * 2 * 8 * 128 * 2,
    'falcon-7b': 32 * 2 * 1 * 64 * 2,
  };
  for (const [model, bytes] of Object.entries(PER_TOKEN)) {
    it(`${model}: ${bytes.toLocaleString('en')} bytes per token`, () => {
      const g = buildFor(model, { phase: 'decode', batch: 1, context: 0 });
      expect(kvCacheBytes(g, fp16, 1)).toBe(bytes);
    });
  }
  it('Gemma-3-1B at 32k tokens: 5 of every 6 layers hold only 512', () => {
    const g = buildFor('gemma-3-1b', { phase: 'decode', batch: 1, context: 0 });
    const layer = 2 * 256 * 2;
    expect(kvCacheBytes(g, fp16, 32768)).toBe(4 * layer * 32768 + 22 * layer * 512);
  });
});

describe('Falcon new decoder architecture (40B / 180B shape)', () => {
  it('num_kv_heads groups, ln_attn + ln_mlp: two LayerNorms per layer counted in params', async () => {
    const { normalizeModelConfig } = await import('../../src/workload/model-config.ts');
    const { paramCounts } = await import('../../src/workload/params.ts');
    const { buildGraph } = await import('../../src/workload/builders/decoder.ts');
    const h = 256;
    const heads = 8;
    const kv = 2;
    const d = h / heads;
    const s = normalizeModelConfig(
      {
        model_type: 'falcon',
        hidden_size: h,
        num_attention_heads: heads,
        num_kv_heads: kv,
        num_hidden_layers: 2,
        vocab_size: 1000,
        new_decoder_architecture: true,
        parallel_attn: true,
        bias: false,
        tie_word_embeddings: false,
      },
      'f.json',
    );
    const perLayer = h * (heads + 2 * kv) * d + h * h + 2 * h * 4 * h + 2 * (2 * h);
    expect(paramCounts(s).total).toBe(2 * perLayer + 2 * 1000 * h + 2 * h);
    const g = buildGraph(s, { phase: 'decode', batch: 1, context: 0 });
    expect(g.ops.filter((o) => o.layer === 0 && o.kind === 'norm').map((o) => o.name)).toEqual(['ln_attn', 'ln_mlp']);
    expect(op<AttentionOp>(g, 'L0.attn').kvHeads).toBe(kv);
  });
});

describe('the GPU model follows chunked attention', () => {
  it('Llama-4 prefill of 16384: a chunked layer takes about half the attention time of a global one', async () => {
    const { makeArch } = await import('../helpers.ts');
    const { attentionTiming } = await import('../../src/hw/gpu-tensor-core/attention.ts');
    const g = buildFor('llama-4-scout-text', { phase: 'prefill', batch: 1, seq: 16384 });
    const arch = makeArch<never>('gpu/h100-sxm');
    const l2 = 'cold' as const;
    const chunked = attentionTiming(op<AttentionOp>(g, 'L0.attn'), arch, fp16, l2);
    const global = attentionTiming(op<AttentionOp>(g, 'L3.attn'), arch, fp16, l2);
    // Pairs: 2·8192·8193/2 chunked vs 16384·16385/2 global → ratio ≈ 0.5.
    expect(chunked.seconds / global.seconds).toBeGreaterThan(0.4);
    expect(chunked.seconds / global.seconds).toBeLessThan(0.6);
  });
  it('MLA absorbed decode on the GPU: latent rows read once (576 elements per key), 576 + 512 MACs per pair', async () => {
    const { makeArch } = await import('../helpers.ts');
    const { attentionTiming } = await import('../../src/hw/gpu-tensor-core/attention.ts');
    const g = buildFor('deepseek-v3', { phase: 'decode', batch: 1, context: 8191 });
    const a = op<AttentionOp>(g, 'L3.attn');
    const arch = makeArch<never>('gpu/h100-sxm');
    const t = attentionTiming(a, arch, fp16, 'cold');
    // The same op with separate K and V rows reads 512 more elements per key.
    const separate = attentionTiming({ ...a, latentKv: false }, arch, fp16, 'cold');
    expect(separate.bytes.l2 - t.bytes.l2).toBe(8192 * 512 * 2);
    expect(t.issuedMacs % (576 + 512)).toBe(0);
  });
});

describe('KV groups per pipeline stage', () => {
  it('the stages of Gemma-2-9B (21 + 21 layers) hold the whole cache between them; TP halves each row', async () => {
    const { sliceKvGroups } = await import('../../src/workload/footprint.ts');
    const g = buildFor('gemma-2-9b', { phase: 'decode', batch: 1, context: 8191 });
    const groups = g.meta.kv.groups!;
    expect(groups).toHaveLength(42); // local / global alternate, one run per layer
    const bytes = (gr: typeof groups) => kvCacheBytes({ ...g, meta: { ...g.meta, kv: { ...g.meta.kv, groups: gr } } }, fp16, 8192);
    expect(bytes(sliceKvGroups(groups, 0, 21)) + bytes(sliceKvGroups(groups, 21, 42))).toBe(kvCacheBytes(g, fp16, 8192));
    expect(bytes(sliceKvGroups(groups, 0, 42, 0.5))).toBe(kvCacheBytes(g, fp16, 8192) / 2);
    expect(sliceKvGroups(groups, 0, 3).map((x) => x.window)).toEqual([4096, 0, 4096]);
  });
});
