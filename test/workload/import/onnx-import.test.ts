import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FIXTURES } from '../../helpers.ts';
import { importOnnx, importOnnxModel } from '../../../src/workload/import/onnx-import.ts';
import type { OnnxModel, OnnxNode } from '../../../src/workload/import/onnx-proto.ts';
import { loadModel } from '../../../src/config/load.ts';
import { buildGraph } from '../../../src/workload/builders/decoder.ts';
import { paramCounts } from '../../../src/workload/params.ts';
import { opFlops } from '../../../src/workload/ops.ts';
import type { OpGraph } from '../../../src/workload/graph.ts';
import { AccelscopeError } from '../../../src/util/errors.ts';

const ONNX = resolve(FIXTURES, 'onnx/tiny_llama_2layer_seq16.onnx');
const spec = loadModel(resolve(import.meta.dirname, 'fixtures/tiny-llama-onnx.json'));
const flopsOf = (g: OpGraph, kind: string) => g.ops.filter((o) => o.kind === kind).reduce((a, o) => a + opFlops(o), 0);

describe('ONNX export of the tiny 2-layer Llama (eager attention, seq 16)', () => {
  const r = importOnnx(ONNX);
  const g = r.graphs[0]!;

  it('is one prefill pass of 16 tokens', () => {
    expect(r.graphs).toHaveLength(1);
    expect(g.meta).toMatchObject({ phase: 'prefill', batch: 1, seq: 16, tokens: 16, kv: { layers: 2, kvHeads: 2, headDim: 32, tokens: 16 } });
  });

  it('GEMM FLOPs equal the builder count exactly (logits for all 16 tokens); QKᵀ and PV are attention, not GEMMs', () => {
    const b = buildGraph(spec, { phase: 'prefill', batch: 1, seq: 16, logitsForAllTokens: true });
    expect(flopsOf(g, 'gemm')).toBe(flopsOf(b, 'gemm'));
    expect(g.ops.filter((o) => o.kind === 'gemm')).toHaveLength(15);
    // The eager QKᵀ·softmax·PV pattern becomes one attention op per layer, GQA heads from k_proj.
    const attn = g.ops.filter((o) => o.kind === 'attention');
    expect(attn).toHaveLength(2);
    expect(attn[0]).toMatchObject({ heads: 8, kvHeads: 2, headDim: 32, qLen: 16, kvLen: 16, causal: true });
    expect(flopsOf(g, 'attention')).toBe(flopsOf(b, 'attention'));
  });

  it('derives params from the initializers equal to the config count', () => {
    expect(g.meta.params).toEqual(paramCounts(spec));
  });

  it('follows dataflow through views: q/k/v read the norm, attention reads the rotated q, k and v', () => {
    const deps = (id: string) => [...g.ops.find((o) => o.id === id)!.deps];
    expect(deps('L0.q_proj')).toEqual(['L0.input_layernorm']);
    expect(deps('L0.v_proj')).toEqual(['L0.input_layernorm']);
    expect(deps('L0.self_attn').sort()).toEqual(['L0.rotary', 'L0.rotary#2', 'L0.v_proj']);
    expect(deps('L0.add').sort()).toEqual(['L0.o_proj', 'embed_tokens']);
  });

  it('shape inference alone (value_info ignored) gives the same graph', () => {
    const inferred = importOnnx(ONNX, { inferAll: true }).graphs[0]!;
    expect(inferred).toEqual(g);
  });

  it('lists nothing as unknown and counts the skipped views', () => {
    expect(r.report.unknown).toEqual([]);
    expect(r.report.skipped.find((s) => s.kind === 'view')!.count).toBe(38);
  });
});

describe('ONNX import errors and dynamic shapes', () => {
  it('a file that is not ONNX protobuf is one user error', () => {
    const dir = mkdtempSync(resolve(tmpdir(), 'onnx-'));
    const f = resolve(dir, 'bad.onnx');
    writeFileSync(f, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(() => importOnnx(f)).toThrow(AccelscopeError);
    expect(() => importOnnx(f)).toThrow(/not an ONNX model/);
    expect(() => importOnnx(resolve(dir, 'missing.onnx'))).toThrow(/no such file/);
  });

  const node = (opType: string, inputs: string[], outputs: string[], attrs: OnnxNode['attrs'] = {}): OnnxNode => ({
    name: outputs[0]!,
    opType,
    domain: '',
    inputs,
    outputs,
    attrs,
  });
  /** A one-layer decode-step export with a KV cache: past keys concatenated before QKᵀ. */
  const decodeModel = (): OnnxModel => ({
    producer: 'test',
    opset: 18,
    graphName: 'g',
    functions: {},
    valueInfo: [],
    inputs: [
      { name: 'ids', elemType: 7, shape: ['batch', 1] },
      { name: 'past_k', elemType: 1, shape: ['batch', 2, 'past', 8] },
      { name: 'past_v', elemType: 1, shape: ['batch', 2, 'past', 8] },
    ],
    outputs: [],
    initializers: [
      { name: 'emb', dims: [50, 16], dataType: 1 },
      { name: 'wq', dims: [16, 16], dataType: 1 },
      { name: 'wk', dims: [16, 16], dataType: 1 },
      { name: 'wv', dims: [16, 16], dataType: 1 },
      { name: 'shape4', dims: [4], dataType: 7, values: [0, 1, 2, 8] },
      { name: 'scale', dims: [], dataType: 1, values: [0.35] },
      { name: 'wlm', dims: [16, 50], dataType: 1 },
    ],
    nodes: [
      node('Gather', ['emb', 'ids'], ['x']),
      node('MatMul', ['x', 'wq'], ['q0']),
      node('Reshape', ['q0', 'shape4'], ['q1']),
      node('Transpose', ['q1'], ['q'], { perm: { name: 'perm', ints: [0, 2, 1, 3] } }),
      node('MatMul', ['x', 'wk'], ['k0']),
      node('Reshape', ['k0', 'shape4'], ['k1']),
      node('Transpose', ['k1'], ['k'], { perm: { name: 'perm', ints: [0, 2, 1, 3] } }),
      node('MatMul', ['x', 'wv'], ['v0']),
      node('Reshape', ['v0', 'shape4'], ['v1']),
      node('Transpose', ['v1'], ['v'], { perm: { name: 'perm', ints: [0, 2, 1, 3] } }),
      node('Concat', ['past_k', 'k'], ['kc'], { axis: { name: 'axis', i: -2 } }),
      node('Concat', ['past_v', 'v'], ['vc'], { axis: { name: 'axis', i: -2 } }),
      node('Transpose', ['kc'], ['kt'], { perm: { name: 'perm', ints: [0, 1, 3, 2] } }),
      node('MatMul', ['q', 'kt'], ['s']),
      node('Mul', ['s', 'scale'], ['s2']),
      node('Softmax', ['s2'], ['p'], { axis: { name: 'axis', i: -1 } }),
      node('MatMul', ['p', 'vc'], ['o']),
      node('Transpose', ['o'], ['o1'], { perm: { name: 'perm', ints: [0, 2, 1, 3] } }),
      node('Reshape', ['o1', 'shape4'], ['o2']),
      node('MatMul', ['x', 'wlm'], ['logits']),
    ],
  });

  it('a symbolic input dimension must be bound with --dim, and the message names it', () => {
    expect(() => importOnnxModel(decodeModel(), 'm.onnx')).toThrow(/symbolic dimension\(s\) 'batch': bind each with --dim NAME=VALUE/);
    expect(() => importOnnxModel(decodeModel(), 'm.onnx', { dims: { batch: 1 } })).toThrow(/'past'/);
  });

  it('a KV-cache input makes it a decode step (kvLen = past + 1), with the cache update under attention', () => {
    const r = importOnnxModel(decodeModel(), 'm.onnx', { dims: { batch: 3, past: 20 } });
    const g = r.graphs[0]!;
    // Two heads of 8 from the 16-wide projections; the reshape to [B, 1, 2, 8] gives heads = 2.
    expect(g.meta).toMatchObject({ phase: 'decode', batch: 3, context: 20, tokens: 3 });
    expect(g.ops.find((o) => o.kind === 'attention')).toMatchObject({ batch: 3, heads: 2, kvHeads: 2, qLen: 1, kvLen: 21, headDim: 8, causal: false });
    expect(g.ops.filter((o) => o.cls === 'attention' && o.kind === 'elementwise').map((o) => o.name)).toEqual(['kv_cache', 'kv_cache']);
    expect(g.ops.find((o) => o.id === 'lm_head')).toMatchObject({ m: 3, n: 50, k: 16, weight: 'aux' });
  });

  it('inlines model-local functions (per-module functions of the exporter)', () => {
    const m = decodeModel();
    // Move the q projection into a function 'QProj' of domain 'pkg.mod' and call it.
    const qNodes = m.nodes.splice(1, 3);
    m.functions = {
      QProj: {
        inputs: ['a', 'w', 's'],
        outputs: ['out'],
        nodes: [
          { ...qNodes[0]!, inputs: ['a', 'w'], outputs: ['t0'] },
          { ...qNodes[1]!, inputs: ['t0', 's'], outputs: ['t1'] },
          { ...qNodes[2]!, inputs: ['t1'], outputs: ['out'] },
        ],
      },
    };
    m.nodes.splice(1, 0, { name: 'call_q', opType: 'QProj', domain: 'pkg.mod', inputs: ['x', 'wq', 'shape4'], outputs: ['q'], attrs: {} });
    const g = importOnnxModel(m, 'm.onnx', { dims: { batch: 1, past: 4 } }).graphs[0]!;
    expect(g.ops.filter((o) => o.kind === 'gemm').map((o) => o.name)).toEqual(['q_proj', 'k_proj', 'v_proj', 'lm_head']);
    expect(g.ops.find((o) => o.kind === 'attention')).toMatchObject({ heads: 2, qLen: 1, kvLen: 5 });
  });

  it('recognises a spelled-out LayerNorm, MatMul + bias Add as one GEMM, and the tanh GELU of GPT-2 exports', () => {
    const f = (name: string, dims: number[], values?: number[]) => ({ name, dims, dataType: 1, ...(values ? { values } : {}) });
    const m: OnnxModel = {
      producer: 'test',
      opset: 13,
      graphName: 'g',
      functions: {},
      valueInfo: [],
      outputs: [],
      inputs: [{ name: 'ids', elemType: 7, shape: [1, 4] }],
      initializers: [
        f('wte', [50, 16]),
        f('g', [16]),
        f('b', [16]),
        f('w1', [16, 64]),
        f('b1', [64]),
        f('w2', [16, 50]),
        { name: 'ax', dims: [1], dataType: 7, values: [-1] },
        f('two', [], [2]),
        f('three', [], [3]),
        f('eps', [], [1e-5]),
        f('half', [], [0.5]),
        f('c', [], [0.044715]),
        f('k', [], [0.79788]),
        f('one', [], [1]),
      ],
      nodes: [
        node('Gather', ['wte', 'ids'], ['x']),
        node('ReduceMean', ['x', 'ax'], ['mu']),
        node('Sub', ['x', 'mu'], ['d']),
        node('Pow', ['d', 'two'], ['d2']),
        node('ReduceMean', ['d2', 'ax'], ['var']),
        node('Add', ['var', 'eps'], ['ve']),
        node('Sqrt', ['ve'], ['sd']),
        node('Div', ['d', 'sd'], ['nx']),
        node('Mul', ['nx', 'g'], ['gx']),
        node('Add', ['gx', 'b'], ['ln']),
        node('MatMul', ['ln', 'w1'], ['h0']),
        node('Add', ['h0', 'b1'], ['h']),
        node('Mul', ['h', 'half'], ['g0']),
        node('Pow', ['h', 'three'], ['g1']),
        node('Mul', ['g1', 'c'], ['g2']),
        node('Add', ['h', 'g2'], ['g3']),
        node('Mul', ['g3', 'k'], ['g4']),
        node('Tanh', ['g4'], ['g5']),
        node('Add', ['g5', 'one'], ['g6']),
        node('Mul', ['g0', 'g6'], ['act']),
        node('MatMul', ['ln', 'w2'], ['logits']),
      ],
    };
    const r = importOnnxModel(m, 'm.onnx');
    const g = r.graphs[0]!;
    expect(g.ops.map((o) => (o.kind === 'elementwise' ? `${o.kind}:${o.fn}` : o.kind))).toEqual(['embedding', 'norm', 'gemm', 'elementwise:gelu', 'gemm']);
    expect(g.ops[1]).toMatchObject({ norm: 'layer', rows: 4, dim: 16 });
    expect(g.ops[2]).toMatchObject({ m: 4, n: 64, k: 16, bias: true });
    expect(g.ops[3]).toMatchObject({ elements: 256 });
    expect(g.meta).toMatchObject({ phase: 'prefill', seq: 4, params: { other: 2 * 16 + 64 } });
    expect(r.report.passes[0]!.evidence).toMatch(/no attention; 4 embedded token/);
  });

  it('an op without a shape is reported as unknown, never guessed', () => {
    const m = decodeModel();
    m.nodes.push(node('MatMul', ['x', 'nowhere'], ['y']));
    const r = importOnnxModel(m, 'm.onnx', { dims: { batch: 1, past: 4 } });
    expect(r.report.unknown.map((u) => u.op)).toEqual(["MatMul (no shape for 'y')"]);
    expect(r.report.unknown[0]!.share).toBeNull();
    expect(() => importOnnxModel(m, 'm.onnx', { dims: { batch: 1, past: 4 }, strict: true })).toThrow(/--strict/);
  });
});
