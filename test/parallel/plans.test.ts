import { describe, expect, it } from 'vitest';
import { loadModel, loadQuant } from '../../src/config/load.ts';
import { loadSystem } from '../../src/system/load.ts';
import { buildGraph, type BuildOptions } from '../../src/workload/builders/decoder.ts';
import { normalizeModelConfig } from '../../src/workload/model-config.ts';
import { simulateSystem, type SystemRunResult } from '../../src/parallel/run-system.ts';
import type { ParallelPlan } from '../../src/parallel/plan.ts';
import { run } from '../../src/engine/run.ts';
import { modelPath, userError } from '../helpers.ts';

const q = loadQuant('w16a16');
const plan = (p: Partial<ParallelPlan>): ParallelPlan => ({ tp: 1, pp: 1, ep: 1, dp: 1, sequenceParallel: false, overlap: false, ...p });
function sim(model: string, sys: string, p: Partial<ParallelPlan>, opts: Omit<BuildOptions, 'batch'>, batch: number, ignoreCapacity = false): SystemRunResult {
  const spec = loadModel(modelPath(model));
  return simulateSystem({ build: (b) => buildGraph(spec, { ...opts, batch: b }), batch, system: loadSystem(sys), quant: q, plan: plan(p), ignoreCapacity });
}
const gpt3 = (p: Partial<ParallelPlan> = { tp: 4 }) => sim('gpt3-175b-1layer', 'a100-4x-nvlink3', p, { phase: 'prefill', seq: 2048 }, 8);

describe('tensor parallelism (Megatron)', () => {
  it('GPT-3 layer at TP 4: column-split Q/K/V and fc1, row-split o_proj and fc2, local heads', () => {
    const r = gpt3();
    const shape = (id: string) => r.ops.find((o) => o.id === id)!.shape;
    expect(shape('L0.q_proj')).toBe('m16384 n3072 k12288');
    expect(shape('L0.o_proj')).toBe('m16384 n12288 k3072');
    expect(shape('L0.fc1')).toBe('m16384 n12288 k12288');
    expect(shape('L0.fc2')).toBe('m16384 n12288 k12288');
    expect(shape('L0.attn')).toMatch(/h24\/24 d128/);
  });

  it('two all-reduces per layer, each of T × d_model × 2 bytes, right after o_proj and fc2', () => {
    const r = gpt3();
    const layer = r.system.collectives.filter((c) => c.layer === 0);
    expect(layer.map((c) => `${c.kind} ${c.id}`)).toEqual(['all-reduce L0.o_proj.all_reduce', 'all-reduce L0.fc2.all_reduce']);
    for (const c of layer) expect(c.bytes).toBe(8 * 2048 * 12288 * 2);
    const ids = r.ops.map((o) => o.id);
    expect(ids.indexOf('L0.o_proj.all_reduce')).toBe(ids.indexOf('L0.o_proj') + 1);
    expect(r.classes.find((c) => c.cls === 'communication')!.ops).toBe(4); // embedding all-reduce, 2 per layer, logits all-gather
  });

  it('per-device GEMM FLOPs are exactly 1/tp of the single-device layer, plus the row-parallel biases every rank adds', () => {
    const spec = loadModel(modelPath('gpt3-175b-1layer'));
    const one = run(buildGraph(spec, { phase: 'prefill', batch: 8, seq: 2048 }), loadSystem('a100-4x-nvlink3').arch, q, { ignoreCapacity: true });
    const r = gpt3();
    const gemm = (ops: { id: string; flops: number }[]) =>
      ops.filter((o) => /^L0\.(q_proj|k_proj|v_proj|o_proj|fc1|fc2)$/.test(o.id)).reduce((s, o) => s + o.flops, 0);
    // o_proj and fc2 add their bias to the whole T × d_model output on each of the 4 ranks.
    expect(gemm(r.ops) * 4).toBe(gemm(one.ops) + 3 * 2 * 8 * 2048 * 12288);
  });

  it('an indivisible split is an error naming the dimension', () => {
    expect(userError(() => sim('llama-3-8b', 'dgx-h100', { tp: 3 }, { phase: 'decode', context: 16 }, 1)).message).toMatch(
      /num_attention_heads 32 is not divisible by 3/,
    );
    // GQA: 24 heads, 8 KV heads at TP 3 — KV heads can be neither split nor replicated evenly.
    const spec = normalizeModelConfig({
      model_type: 'llama',
      hidden_size: 3072,
      num_attention_heads: 24,
      num_key_value_heads: 8,
      intermediate_size: 8192,
      num_hidden_layers: 2,
      vocab_size: 1000,
      max_position_embeddings: 4096,
    });
    const e = userError(() =>
      simulateSystem({
        build: (b) => buildGraph(spec, { phase: 'decode', batch: b, context: 8 }),
        batch: 1,
        system: loadSystem('dgx-h100'),
        quant: q,
        plan: plan({ tp: 3 }),
      }),
    );
    expect(e.message).toMatch(/num_key_value_heads 8/);
    // intermediate_size not divisible.
    const odd = normalizeModelConfig({
      model_type: 'llama',
      hidden_size: 4096,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      intermediate_size: 11002,
      num_hidden_layers: 2,
      vocab_size: 1000,
      max_position_embeddings: 4096,
    });
    expect(
      userError(() =>
        simulateSystem({
          build: (b) => buildGraph(odd, { phase: 'decode', batch: b, context: 8 }),
          batch: 1,
          system: loadSystem('dgx-h100'),
          quant: q,
          plan: plan({ tp: 4 }),
        }),
      ).message,
    ).toMatch(/intermediate_size 11002 is not divisible by 4/);
  });

  it('GQA: KV heads split when tp divides them, replicated (one per device) when they divide tp', () => {
    const kv = (tp: number, sys: string) => {
      const r = sim('llama-3-70b', sys, { tp }, { phase: 'decode', context: 128 }, 1);
      return r.ops.find((o) => o.id === 'L0.attn')!.shape;
    };
    expect(kv(4, 'dgx-h100')).toMatch(/h16\/2 /);
    expect(kv(16, 'dgx-h100-2node-ib')).toMatch(/h4\/1 /);
  });

  it('sequence parallelism: reduce-scatter + all-gather instead of each all-reduce, same bytes; norms on T/tp rows', () => {
    const r = gpt3({ tp: 4, sequenceParallel: true });
    const kinds = r.system.collectives
      .filter((c) => c.layer === 0)
      .map((c) => c.kind)
      .sort();
    expect(kinds).toEqual(['all-gather', 'all-gather', 'reduce-scatter', 'reduce-scatter']);
    expect(r.ops.find((o) => o.id === 'L0.attn_norm')!.shape).toContain('rows4096');
  });

  it('per-device memory: Llama-3-70B fp16 does not fit one H100 but fits 8 with TP 8 (weights / 8)', () => {
    const e = userError(() => sim('llama-3-70b', 'dgx-h100', { tp: 1 }, { phase: 'decode', context: 1024 }, 8));
    expect(e.code).toBe('does-not-fit');
    expect(e.message).toMatch(/per device under TP 1: stage 0 .* but NVIDIA H100 SXM5 80GB has 80 GiB/);
    const r = sim('llama-3-70b', 'dgx-h100', { tp: 8 }, { phase: 'decode', context: 1024 }, 8);
    expect(r.memory.fits).toBe(true);
    const params = r.workload.params;
    // Norm gains stay whole on every device; everything else is split 8 ways.
    expect(Math.abs(r.memory.weightsBytes / ((params * 2) / 8) - 1)).toBeLessThan(2e-4);
  });

  it('a plan larger than the system is an error', () => {
    expect(userError(() => sim('llama-3-8b', 'dgx-h100', { tp: 8, pp: 2 }, { phase: 'decode', context: 8 }, 2)).message).toMatch(
      /needs tp 8 × pp 1|16 devices but NVIDIA DGX H100 has 8/,
    );
  });

  it('communication grows with TP while per-device compute shrinks', () => {
    const at = (tp: number) => sim('llama-3-70b', 'dgx-h100', { tp }, { phase: 'decode', context: 1024 }, 8);
    const r2 = at(2);
    const r8 = at(8);
    expect(r8.system.computeSeconds).toBeLessThan(r2.system.computeSeconds);
    expect(r8.system.communicationShare).toBeGreaterThan(r2.system.communicationShare);
  });

  it('overlap hides part of each TP collective behind its GEMM, never more than the collective', () => {
    const a = gpt3();
    const b = gpt3({ tp: 4, overlap: true });
    expect(b.totals.seconds).toBeLessThan(a.totals.seconds);
    for (const c of b.system.collectives) expect(c.exposedSeconds).toBeGreaterThanOrEqual(0);
    const ar = b.system.collectives.find((c) => c.id === 'L0.fc2.all_reduce')!;
    expect(ar.exposedSeconds).toBeCloseTo(ar.seconds / 4, 12); // fc2 (18 ms) ≫ all-reduce: only the last of 4 chunks shows
  });
});

describe('pipeline parallelism', () => {
  it('Llama-3-405B PP 2: 63 layers per stage, embedding on the first and lm_head on the last, one send between them', () => {
    const r = sim('llama-3-405b', 'dgx-h100-2node-ib', { tp: 8, pp: 2 }, { phase: 'decode', context: 2048 }, 8);
    expect(r.system.stages.map((s) => s.layers)).toEqual([
      [0, 63],
      [63, 126],
    ]);
    expect(r.ops.find((o) => o.id === 'S0.embed')).toBeDefined();
    expect(r.ops.find((o) => o.id === 'S1.lm_head')).toBeDefined();
    expect(r.system.collectives.filter((c) => c.group === 'pp')).toHaveLength(1);
    expect(r.system.pipeline.microBatches).toBe(2);
  });

  it('decode: the step is max(m · slowest stage, one token through every stage)', () => {
    const r = sim('llama-3-8b', 'dgx-h100', { pp: 4, microBatches: 2 }, { phase: 'decode', context: 512 }, 8);
    const t = r.system.stages.map((s) => s.seconds + s.sendSeconds);
    expect(r.totals.seconds).toBeCloseTo(
      Math.max(
        2 * Math.max(...t),
        t.reduce((a, b) => a + b),
      ),
      12,
    );
  });

  it('prefill: fill then one micro-batch per beat; more micro-batches shrink the bubble fraction', () => {
    const at = (m: number) => sim('llama-3-8b', 'dgx-h100', { pp: 4, microBatches: m }, { phase: 'prefill', seq: 512 }, 8);
    const r = at(4);
    const t = r.system.stages.map((s) => s.seconds + s.sendSeconds);
    expect(r.totals.seconds).toBeCloseTo(t.reduce((a, b) => a + b) + 3 * Math.max(...t), 12);
    expect(at(8).system.pipeline.bubbleFraction).toBeLessThan(at(2).system.pipeline.bubbleFraction);
    expect(userError(() => at(3)).message).toMatch(/^microBatches 3: the replica batch 8 is not divisible by 3/);
  });

  it('more stages than layers is an error naming the dimension', () => {
    const spec = normalizeModelConfig({
      model_type: 'llama',
      hidden_size: 256,
      num_attention_heads: 4,
      intermediate_size: 512,
      num_hidden_layers: 2,
      vocab_size: 1000,
      max_position_embeddings: 512,
    });
    expect(
      userError(() =>
        simulateSystem({
          build: (b) => buildGraph(spec, { phase: 'decode', batch: b, context: 8 }),
          batch: 4,
          system: loadSystem('dgx-h100'),
          quant: q,
          plan: plan({ pp: 4 }),
        }),
      ).message,
    ).toMatch(/only 2 layers \(num_hidden_layers\)/);
  });
});

describe('expert parallelism', () => {
  const mixtral = (p: Partial<ParallelPlan>) => sim('mixtral-8x7b', 'dgx-h100', p, { phase: 'decode', context: 512 }, 64);
  it('Mixtral EP 8: one expert per device, all-to-all dispatch and combine per layer, an all-gather restores the tokens', () => {
    const r = mixtral({ tp: 8, ep: 8 });
    const l0 = r.system.collectives.filter((c) => c.layer === 0).map((c) => `${c.kind}:${c.name}`);
    expect(l0).toEqual(['all-reduce:all_reduce', 'all-to-all:ep_dispatch', 'all-to-all:ep_combine', 'all-gather:ep_all_gather']);
    // Routed slots per device: 64 tokens / 8 ranks × top-2 = 16, each carrying d_model 4096 × 2 bytes.
    expect(r.system.collectives.find((c) => c.name === 'ep_dispatch')!.bytes).toBeCloseTo(16 * 4096 * 2, 6);
    const gate = r.ops.find((o) => o.id === 'L0.experts.gate_proj')!;
    expect(gate.count).toBeLessThanOrEqual(1);
    expect(gate.shape).toContain('n14336 k4096'); // whole experts, no TP split inside them
  });
  it('EP stores 1/ep of the experts: less weight memory per device than TP alone would need for them', () => {
    const tpOnly = mixtral({ tp: 8 });
    const ep = mixtral({ tp: 8, ep: 8 });
    expect(ep.memory.weightsBytes).toBeCloseTo(tpOnly.memory.weightsBytes, -6); // both 1/8 of the experts
    const two = mixtral({ tp: 2, dp: 4, ep: 8 });
    expect(two.memory.weightsBytes).toBeLessThan(mixtral({ tp: 2, dp: 4 }).memory.weightsBytes);
  });
  it('bad EP degrees are errors naming what is wrong', () => {
    expect(userError(() => mixtral({ tp: 8, ep: 4 })).message).toMatch(/ep must be 1 or tp × dp = 8/);
    expect(userError(() => sim('llama-3-8b', 'dgx-h100', { tp: 8, ep: 8 }, { phase: 'decode', context: 8 }, 8)).message).toMatch(/no experts/);
    expect(userError(() => sim('mixtral-8x7b', 'dgx-h100-2node-ib', { tp: 16, ep: 16 }, { phase: 'decode', context: 8 }, 16)).message).toMatch(
      /num_local_experts 8 is not divisible by 16/,
    );
  });
});

describe('data parallelism', () => {
  it('replicas split the batch: same step as one replica with batch / dp, dp× the tokens/s', () => {
    const one = sim('llama-3-8b', 'dgx-h100', { tp: 2 }, { phase: 'decode', context: 512 }, 8);
    const four = sim('llama-3-8b', 'dgx-h100', { tp: 2, dp: 4 }, { phase: 'decode', context: 512 }, 32);
    expect(four.totals.seconds).toBeCloseTo(one.totals.seconds, 12);
    expect(four.totals.tokensPerSecond).toBeCloseTo(4 * one.totals.tokensPerSecond, 6);
    expect(userError(() => sim('llama-3-8b', 'dgx-h100', { dp: 4 }, { phase: 'decode', context: 8 }, 6)).message).toMatch(
      /^dp 4: batch 6 is not divisible by 4/,
    );
  });
});
