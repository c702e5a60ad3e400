/**
 * The tinychat stack's decode step as TinyChat's code runs it (mit-han-lab/llm-awq, read; sources in
 * stacks/gpu/tinychat.json): packed QKV, gate and up as two GEMVs, silu and the multiply as two
 * kernels, residual adds and norms of their own, rotary inside the attention kernel — 12 kernels
 * per layer (docs/models/software-stacks.md § TinyChat rows).
 */
import { describe, expect, it } from 'vitest';
import { shippedFiles } from '../../src/catalog/shipped.ts';
import { loadStack } from '../../src/config/load-stack.ts';
import { kernelGraph } from '../../src/stack/kernel-graph.ts';
import { buildFor } from '../helpers.ts';
import type { GemmOp } from '../../src/workload/graph.ts';

const stack = (name: string) => loadStack(shippedFiles('stacks').find((f) => f.name === name)!.path);

describe('tinychat decode kernel structure', () => {
  const g = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 4 });
  const kg = kernelGraph(g, stack('tinychat'));
  const launches = (ops: typeof kg.graph.ops) => ops.reduce((s, o) => s + (kg.kernels.get(o.id) ?? 0), 0);

  it('one layer: 12 kernels, gate and up as two GEMVs of N = 11008, silu and multiply apart', () => {
    const l0 = kg.graph.ops.filter((o) => o.layer === 0 && (kg.kernels.get(o.id) ?? 0) > 0);
    expect(l0.map((o) => o.name)).toEqual([
      'input_layernorm',
      'qkv_proj',
      'self_attn',
      'o_proj',
      'attn_residual',
      'post_attention_layernorm',
      'gate_proj',
      'up_proj',
      'act_fn',
      'act_mul',
      'down_proj',
      'mlp_residual',
    ]);
    expect(launches(kg.graph.ops.filter((o) => o.layer === 0))).toBe(12);
    const gemv = (name: string) => l0.find((o) => o.name === name) as GemmOp;
    expect([gemv('qkv_proj').n, gemv('gate_proj').n, gemv('up_proj').n, gemv('down_proj').n]).toEqual([12288, 11008, 11008, 4096]);
    // rotary runs inside the attention kernel: in the graph for its bytes, no launch
    const rot = kg.graph.ops.find((o) => o.layer === 0 && o.name === 'rotary_emb');
    expect(rot === undefined || kg.kernels.get(rot.id) === 0).toBe(true);
  });

  it('a Llama-2-7B step: embedding + 32 × 12 + final norm + lm_head = 387 kernels (13B, 40 layers: 483)', () => {
    expect(launches(kg.graph.ops)).toBe(1 + 32 * 12 + 2);
    const g13 = kernelGraph(buildFor('llama-2-13b', { phase: 'decode', batch: 1, context: 4 }), stack('tinychat'));
    expect([...g13.kernels.values()].reduce((s, n) => s + n, 0)).toBe(1 + 40 * 12 + 2);
  });
});
