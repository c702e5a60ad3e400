import { describe, expect, it } from 'vitest';
import { attendedPairs, opFlops, opTraffic, opMacs } from '../../src/workload/ops.ts';
import type { AttentionOp, GemmOp, NormOp, ElementwiseOp, EmbeddingOp } from '../../src/workload/graph.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';

const base = { id: 'x', name: 'x', layer: 0, phase: 'decode' as const, deps: [] };
const gemm = (o: Partial<GemmOp>): GemmOp => ({ ...base, kind: 'gemm', cls: 'mlp', m: 8, n: 4096, k: 11008, batch: 1, weight: 'layer', bias: false, ...o });
const attn = (o: Partial<AttentionOp>): AttentionOp => ({
  ...base,
  kind: 'attention',
  cls: 'attention',
  batch: 2,
  heads: 32,
  kvHeads: 8,
  headDim: 128,
  qLen: 1,
  kvLen: 2049,
  causal: true,
  window: 0,
  ...o,
});
const w16 = parseQuantScheme('w16a16');

describe('GEMM counts', () => {
  it('FLOPs are 2·m·n·k (+ m·n for a bias)', () => {
    expect(opFlops(gemm({}))).toBe(2 * 8 * 4096 * 11008);
    expect(opFlops(gemm({ bias: true }))).toBe(2 * 8 * 4096 * 11008 + 8 * 4096);
    expect(opMacs(gemm({ batch: 3 }))).toBe(3 * 8 * 4096 * 11008);
  });
  it('compulsory bytes: fp16 weights + fp16 input + fp16 output', () => {
    const t = opTraffic(gemm({}), w16);
    expect(t.weights).toBe(4096 * 11008 * 2);
    expect(t.activations).toBe(8 * 11008 * 2 + 8 * 4096 * 2);
    expect(t.total).toBe(t.weights + t.activations);
  });
  it('w4a16-g128 weights cost 4.125 bits per element', () => {
    const t = opTraffic(gemm({}), parseQuantScheme('w4a16-g128'));
    expect(t.weights).toBe((4096 * 11008 * 4.125) / 8);
  });
  it('w8a8 reads int8 activations into the GEMM and writes 16-bit outputs', () => {
    const t = opTraffic(gemm({}), parseQuantScheme('w8a8'));
    expect(t.weights).toBe(4096 * 11008);
    expect(t.activations).toBe(8 * 11008 + 8 * 4096 * 2);
  });
  it('aux weights (lm_head) stay 16-bit under a 4-bit scheme', () => {
    expect(opTraffic(gemm({ weight: 'aux' }), parseQuantScheme('w4a16-g128')).weights).toBe(4096 * 11008 * 2);
  });
  it('fractional MoE count scales FLOPs and weight bytes linearly', () => {
    const one = gemm({ m: 1 });
    const moe = gemm({ m: 1 / 0.5, count: 0.5 });
    expect(opFlops(moe)).toBeCloseTo(opFlops(one), 6);
    expect(opTraffic(moe, w16).weights).toBe(opTraffic(one, w16).weights / 2);
  });
});

describe('attention', () => {
  it('decode attends every cached key plus its own', () => {
    expect(attendedPairs(attn({}))).toBe(2049);
    expect(opFlops(attn({}))).toBe(4 * 128 * 2 * 32 * 2049);
  });
  it('causal prefill attends S(S+1)/2 pairs — about half of S²', () => {
    expect(attendedPairs(attn({ qLen: 512, kvLen: 512 }))).toBe((512 * 513) / 2);
    expect(attendedPairs(attn({ qLen: 512, kvLen: 512, causal: false }))).toBe(512 * 512);
  });
  it('a chunk of new queries after a cached prefix attends prefix + triangle', () => {
    expect(attendedPairs(attn({ qLen: 4, kvLen: 10 }))).toBe(4 * 6 + 10);
  });
  it('a sliding window caps the keys per query exactly at the window', () => {
    // window 4, 6 queries from scratch: 1,2,3,4,4,4
    expect(attendedPairs(attn({ qLen: 6, kvLen: 6, window: 4 }))).toBe(1 + 2 + 3 + 4 + 4 + 4);
    // window equal to the length changes nothing; one less clips the last query
    expect(attendedPairs(attn({ qLen: 6, kvLen: 6, window: 6 }))).toBe(21);
    expect(attendedPairs(attn({ qLen: 6, kvLen: 6, window: 5 }))).toBe(20);
    expect(attendedPairs(attn({ qLen: 1, kvLen: 5000, window: 4096 }))).toBe(4096);
  });
  it('GQA reads K and V once per KV head, at the KV-cache format', () => {
    const t = opTraffic(attn({}), w16);
    expect(t.kv).toBe(2 * 2 * 8 * 2049 * 128 * 2 + 2 * 2 * 8 * 1 * 128 * 2);
    const t8 = opTraffic(attn({}), parseQuantScheme('w16a16-kv8'));
    expect(t8.kv).toBe(t.kv / 2);
  });
});

describe('vector ops', () => {
  it('RMSNorm 4 and LayerNorm 7 FLOPs per element; reads and writes the rows once', () => {
    const n: NormOp = { ...base, kind: 'norm', cls: 'norm', norm: 'rms', rows: 3, dim: 10 };
    expect(opFlops(n)).toBe(120);
    expect(opFlops({ ...n, norm: 'layer' })).toBe(210);
    expect(opTraffic(n, w16).activations).toBe(2 * 3 * 10 * 2);
  });
  it('elementwise reads each input and writes the output', () => {
    const e: ElementwiseOp = { ...base, kind: 'elementwise', cls: 'activation', fn: 'silu_mul', elements: 100, inputs: 2 };
    expect(opFlops(e)).toBe(500);
    expect(opTraffic(e, w16).total).toBe(3 * 100 * 2);
  });
  it('embedding gathers rows: no FLOPs', () => {
    const e: EmbeddingOp = { ...base, kind: 'embedding', cls: 'embedding', tokens: 5, dim: 64, vocab: 1000 };
    expect(opFlops(e)).toBe(0);
    expect(opTraffic(e, w16).weights).toBe(5 * 64 * 2);
  });
});
