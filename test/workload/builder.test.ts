import { describe, expect, it } from 'vitest';
import { buildFor, userError } from '../helpers.ts';
import { flagOf } from '../../src/cli/main.ts';
import { opFlops, opTraffic } from '../../src/workload/ops.ts';
import type { GemmOp, OpGraph } from '../../src/workload/graph.ts';
import { expectedActiveExperts } from '../../src/workload/builders/decoder.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { footprint } from '../../src/workload/footprint.ts';

const gemms = (g: OpGraph) => g.ops.filter((o): o is GemmOp => o.kind === 'gemm');
const gemmFlops = (g: OpGraph) => gemms(g).reduce((s, o) => s + opFlops(o), 0);

describe('decoder builder', () => {
  it('Llama-2-7B decode: weight GEMM FLOPs = 2 · batch · (GEMM weights incl. lm_head)', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 8, context: 2048 });
    const gemmWeights = g.meta.params.layer + 32000 * 4096; // untied lm_head
    expect(gemmFlops(g)).toBe(2 * 8 * gemmWeights);
    expect(g.ops.filter((o) => o.kind === 'attention')).toHaveLength(32);
    expect(g.meta.kv.tokens).toBe(2049);
    expect(g.meta.tokens).toBe(8);
  });

  it('prefill computes logits for the last token only, unless asked for all', () => {
    const last = buildFor('llama-2-7b', { phase: 'prefill', batch: 2, seq: 64 });
    const all = buildFor('llama-2-7b', { phase: 'prefill', batch: 2, seq: 64, logitsForAllTokens: true });
    const head = (g: OpGraph) => gemms(g).find((o) => o.id === 'lm_head')!;
    expect(head(last).m).toBe(2);
    expect(head(all).m).toBe(128);
    expect(gemmFlops(all) - gemmFlops(last)).toBe(2 * (128 - 2) * 32000 * 4096);
  });

  it('GQA: Llama-3-8B k/v projections are 1/4 the width of q', () => {
    const g = buildFor('llama-3-8b', { phase: 'decode', batch: 1, context: 10 });
    const q = gemms(g).find((o) => o.id === 'L0.q_proj')!;
    const k = gemms(g).find((o) => o.id === 'L0.k_proj')!;
    expect(q.n).toBe(4096);
    expect(k.n).toBe(1024);
  });

  it('Mixtral: expected experts hit and exact expert FLOPs', () => {
    expect(expectedActiveExperts(1, 8, 2)).toBeCloseTo(2, 12);
    expect(expectedActiveExperts(1000, 8, 2)).toBeCloseTo(8, 6);
    const g = buildFor('mixtral-8x7b', { phase: 'decode', batch: 4, context: 100 });
    const experts = gemms(g).filter((o) => o.layer === 0 && o.id.includes('experts.'));
    const flops = experts.reduce((s, o) => s + opFlops(o), 0);
    expect(flops).toBeCloseTo(2 * 4 * 2 * 3 * 4096 * 14336, 0);
    const active = expectedActiveExperts(4, 8, 2);
    const q = parseQuantScheme('w16a16');
    const wBytes = experts.reduce((s, o) => s + opTraffic(o, q).weights, 0);
    expect(wBytes).toBeCloseTo(active * 3 * 4096 * 14336 * 2, 0);
  });

  it('GPT-2: LayerNorm, GELU, biases, learned positions, tied head', () => {
    const g = buildFor('gpt2', { phase: 'prefill', batch: 1, seq: 16 });
    expect(g.ops.some((o) => o.id === 'embed_pos')).toBe(true);
    expect(g.ops.filter((o) => o.kind === 'norm').every((o) => o.kind === 'norm' && o.norm === 'layer')).toBe(true);
    expect(gemms(g).find((o) => o.id === 'L0.fc1')!.bias).toBe(true);
    expect(g.ops.some((o) => o.kind === 'elementwise' && o.fn === 'gelu')).toBe(true);
    expect(g.ops.some((o) => o.kind === 'elementwise' && o.fn === 'rotary')).toBe(false);
  });

  it('Mistral decode beyond the sliding window attends only the window', () => {
    const g = buildFor('mistral-7b', { phase: 'decode', batch: 1, context: 8000 });
    const a = g.ops.find((o) => o.kind === 'attention')!;
    expect(opFlops(a)).toBe(4 * 128 * 32 * 4096);
  });

  it('footprint: Llama-2-7B fp16 weights and KV cache', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 8, context: 2048 });
    const f = footprint(g, parseQuantScheme('w16a16'));
    expect(f.weightsBytes).toBe(6_738_415_616 * 2);
    expect(f.kvCacheBytes).toBe(2 * 32 * 32 * 128 * 2049 * 8 * 2);
    const f4 = footprint(g, parseQuantScheme('w4a16-g128-kv8'));
    expect(f4.kvCacheBytes).toBe(f.kvCacheBytes / 2);
    expect(f4.weightsBytes).toBeLessThan(f.weightsBytes / 3);
  });

  it('rejects bad shapes with a parameter error (the CLI names its flags: test/cli/bad-input)', () => {
    expect(() => buildFor('llama-2-7b', { phase: 'decode', batch: 0, context: 1 })).toThrow(/^batch must be a positive integer/);
    expect(() => buildFor('llama-2-7b', { phase: 'prefill', batch: 1 })).toThrow(/^prefill needs seq,/);
    expect(() => buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: -1 })).toThrow(/^decode needs context,/);
    const e = userError(() => buildFor('llama-2-7b', { phase: 'prefill', batch: 1 }));
    expect(e.toLine(flagOf)).toBe('error: prefill needs --seq, a positive integer (got undefined)');
  });
});
