import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { FIXTURES } from '../../helpers.ts';
import { importTrace, importTraceData } from '../../../src/workload/import/trace-import.ts';
import { parseTrace } from '../../../src/workload/import/trace-read.ts';
import { loadModel } from '../../../src/config/load.ts';
import { buildGraph } from '../../../src/workload/builders/decoder.ts';
import { paramCounts } from '../../../src/workload/params.ts';
import { opFlops } from '../../../src/workload/ops.ts';
import { validateOrThrow } from '../../../src/config/ajv.ts';
import { graphSchema } from '../../../src/config/schemas/graph.ts';
import type { OpGraph } from '../../../src/workload/graph.ts';
import { AccelscopeError } from '../../../src/util/errors.ts';
import { tinyDecoderOps, traceOf, type Ev } from './synthetic.ts';

const TRACE = resolve(FIXTURES, 'traces/trace_tinyllama_2layer_prefill64_decode1.json');
const spec = loadModel(resolve(import.meta.dirname, 'fixtures/tinyllama-2layer.json'));
const gemmFlops = (g: OpGraph) => g.ops.filter((o) => o.kind === 'gemm').reduce((a, o) => a + opFlops(o), 0);
const fromDoc = (doc: object, opts = {}) => importTraceData(parseTrace(doc, 'synthetic.json'), 'synthetic.json', opts);

describe('PyTorch profiler trace of the 2-layer TinyLlama fixture', () => {
  const r = importTrace(TRACE);
  const [prefill, decode] = r.graphs as [OpGraph, OpGraph];

  it('finds a prefill of 64 tokens, then one decode step at context 64', () => {
    expect(r.graphs.map((g) => g.meta.phase)).toEqual(['prefill', 'decode']);
    expect(prefill.meta).toMatchObject({ batch: 1, seq: 64, tokens: 64, kv: { layers: 2, kvHeads: 4, headDim: 64, tokens: 64 } });
    expect(decode.meta).toMatchObject({ batch: 1, context: 64, tokens: 1, kv: { layers: 2, kvHeads: 4, headDim: 64, tokens: 65 } });
    expect(r.report.passes.map((p) => p.evidence)).toEqual(['attention qLen 64 = kvLen 64', 'attention qLen 1 < kvLen 65']);
  });

  it('GEMM FLOPs equal the builder count exactly, per phase (prefill computes logits for all 64 tokens)', () => {
    const b1 = buildGraph(spec, { phase: 'prefill', batch: 1, seq: 64, logitsForAllTokens: true });
    const b2 = buildGraph(spec, { phase: 'decode', batch: 1, context: 64 });
    expect(gemmFlops(prefill)).toBe(gemmFlops(b1));
    expect(gemmFlops(decode)).toBe(gemmFlops(b2));
    // Without the option the builder counts one logit row: the import must not match that.
    expect(gemmFlops(prefill)).not.toBe(gemmFlops(buildGraph(spec, { phase: 'prefill', batch: 1, seq: 64 })));
  });

  it('attention FLOPs (SDPA → attention ops, not GEMMs) equal the builder per phase', () => {
    const attn = (g: OpGraph) => g.ops.filter((o) => o.kind === 'attention').reduce((a, o) => a + opFlops(o), 0);
    expect(attn(prefill)).toBe(attn(buildGraph(spec, { phase: 'prefill', batch: 1, seq: 64 })));
    expect(attn(decode)).toBe(attn(buildGraph(spec, { phase: 'decode', batch: 1, context: 64 })));
  });

  it('de-duplicates nested ops: 30 aten::linear (each holding an aten::mm) → 15 GEMMs per pass', () => {
    for (const g of r.graphs) expect(g.ops.filter((o) => o.kind === 'gemm')).toHaveLength(15);
    const names = prefill.ops.filter((o) => o.layer === 0 && o.kind === 'gemm').map((o) => o.name);
    expect(names).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']);
  });

  it('recognises RMSNorm and rotary patterns and classes the ops', () => {
    expect(prefill.ops.filter((o) => o.kind === 'norm').map((o) => o.id)).toEqual([
      'L0.input_layernorm',
      'L0.post_attention_layernorm',
      'L1.input_layernorm',
      'L1.post_attention_layernorm',
      'norm',
    ]);
    expect(prefill.ops.filter((o) => o.cls === 'rotary' && o.kind === 'elementwise' && o.fn === 'rotary')).toHaveLength(4);
    const lm = prefill.ops.find((o) => o.id === 'lm_head');
    expect(lm).toMatchObject({ kind: 'gemm', m: 64, n: 32000, k: 2048, weight: 'aux', layer: -1 });
  });

  it("derives params from the imported weights equal to the config's parameter count", () => {
    for (const g of r.graphs) expect(g.meta.params).toEqual(paramCounts(spec));
  });

  it('writes graphs that validate against the OpGraph schema, with every op understood', () => {
    for (const g of r.graphs) expect(() => validateOrThrow(graphSchema, JSON.parse(JSON.stringify(g)), 'g.json')).not.toThrow();
    expect(r.report.unknown).toEqual([]);
    expect(r.report.hasKernels).toBe(true);
    expect(r.report.totalTimeUs).toBeGreaterThan(0);
  });
});

describe('trace import on synthetic traces', () => {
  it('counts an aten::linear and the aten::mm inside it once', () => {
    const r = fromDoc(traceOf(tinyDecoderOps({ tokens: 8, past: 0 })));
    const g = r.graphs[0]!;
    expect(g.ops.filter((o) => o.kind === 'gemm')).toHaveLength(5);
    expect(g.ops.find((o) => o.id === 'L0.q_proj')).toMatchObject({ m: 8, n: 64, k: 64 });
  });

  it('descends into an unknown wrapper that holds understood ops, and lists an unknown leaf with count and share of GPU time', () => {
    const ops = tinyDecoderOps({ tokens: 8, past: 0 });
    ops.splice(2, 0, {
      name: 'my::wrapper',
      dims: [],
      children: [
        {
          name: 'aten::mm',
          dims: [
            [8, 64],
            [64, 64],
          ],
          gpuUs: 5,
        },
      ],
    });
    ops.splice(3, 0, { name: 'aten::weird_op', dims: [[8, 64]], gpuUs: 10 }, { name: 'aten::weird_op', dims: [[8, 64]], gpuUs: 10 });
    const r = fromDoc(traceOf(ops));
    expect(r.graphs[0]!.ops.filter((o) => o.kind === 'gemm')).toHaveLength(6);
    const total = r.report.totalTimeUs;
    expect(r.report.unknown).toEqual([{ op: 'aten::weird_op', count: 2, timeUs: 20, share: 20 / total }]);
    expect(r.report.unknown.some((u) => u.op === 'my::wrapper')).toBe(false);
  });

  it('--strict turns unknown ops into one user error naming them', () => {
    const ops = [...tinyDecoderOps({ tokens: 4, past: 0 }), { name: 'aten::weird_op', dims: [[4, 64]], gpuUs: 3 }];
    const run = () => fromDoc(traceOf(ops), { strict: true });
    expect(run).toThrow(AccelscopeError);
    expect(run).toThrow(/--strict: 1 op kind\(s\) not understood: aten::weird_op ×1 \(\d+\.\d% of time\)/);
    expect(() => fromDoc(traceOf(tinyDecoderOps({ tokens: 4, past: 0 })), { strict: true })).not.toThrow();
  });

  it('splits passes at each token embedding and reads decode context from the attention', () => {
    const ops = [...tinyDecoderOps({ tokens: 8, past: 0 }), ...tinyDecoderOps({ tokens: 1, past: 8 }), ...tinyDecoderOps({ tokens: 1, past: 9 })];
    const r = fromDoc(traceOf(ops));
    expect(r.graphs.map((g) => [g.meta.phase, g.meta.seq ?? g.meta.context])).toEqual([
      ['prefill', 8],
      ['decode', 8],
      ['decode', 9],
    ]);
  });

  it('phase annotations (record_function) win over the attention shapes', () => {
    const ops = [...tinyDecoderOps({ tokens: 8, past: 0 }), ...tinyDecoderOps({ tokens: 1, past: 8 })];
    const half = ops.length / 2;
    const doc = traceOf(ops, {
      annotations: [
        { name: 'accelscope:prefill', from: 0, to: half - 1 },
        { name: 'accelscope:decode', from: half, to: ops.length - 1 },
      ],
    });
    const r = fromDoc(doc);
    expect(r.report.passes.map((p) => p.evidence.split(';')[0])).toEqual(["annotation 'accelscope:prefill'", "annotation 'accelscope:decode'"]);
    expect(r.graphs.map((g) => g.meta.phase)).toEqual(['prefill', 'decode']);
  });

  it('aten::to without a copy inside is a no-op; with _to_copy inside it is a copy', () => {
    const base = tinyDecoderOps({ tokens: 4, past: 0 });
    const noop: Ev = { name: 'aten::to', dims: [[1, 4, 64], [], [], [], []] };
    const cast: Ev = { name: 'aten::to', dims: [[1, 4, 64], [], [], [], []], children: [{ name: 'aten::_to_copy', dims: [[1, 4, 64]], gpuUs: 1 }] };
    const count = (extra: Ev) =>
      fromDoc(traceOf([base[0]!, extra, ...base.slice(1)])).graphs[0]!.ops.filter((o) => o.kind === 'elementwise' && o.fn === 'copy').length;
    expect(count(noop)).toBe(0);
    expect(count(cast)).toBe(1);
  });

  it('an RMSNorm needs pow(x, 2): pow(x, 3) stays separate elementwise ops', () => {
    const rms = (exp: string): Ev[] => [
      { name: 'aten::pow', dims: [[1, 4, 64], []], concrete: ['', exp] },
      { name: 'aten::mean', dims: [[1, 4, 64], [], [], []], concrete: ['', '[-1]', 'True', ''] },
      { name: 'aten::add', dims: [[1, 4, 1], [], []] },
      { name: 'aten::rsqrt', dims: [[1, 4, 1]] },
      {
        name: 'aten::mul',
        dims: [
          [1, 4, 64],
          [1, 4, 1],
        ],
      },
      { name: 'aten::mul', dims: [[64], [1, 4, 64]] },
    ];
    const base = tinyDecoderOps({ tokens: 4, past: 0 });
    const norms = (exp: string) =>
      fromDoc(traceOf([base[0]!, ...rms(exp), ...base.slice(1)])).graphs[0]!.ops.filter((o) => o.kind === 'norm' && o.norm === 'rms');
    expect(norms('2')).toHaveLength(1);
    expect(norms('2')[0]).toMatchObject({ rows: 4, dim: 64 });
    expect(norms('3')).toHaveLength(0);
  });

  it('maps flash-attention forward (B, L, H, D layout) and a k = 1 matmul as an outer product', () => {
    const ops: Ev[] = [
      { name: 'aten::embedding', dims: [[100, 64], [2, 8], [], [], []] },
      {
        name: 'aten::matmul',
        dims: [
          [1, 32, 1],
          [1, 1, 8],
        ],
        children: [
          {
            name: 'aten::bmm',
            dims: [
              [1, 32, 1],
              [1, 1, 8],
            ],
          },
        ],
      },
      {
        name: 'aten::_flash_attention_forward',
        dims: [[2, 8, 4, 16], [2, 8, 2, 16], [2, 8, 2, 16], [], [], [], [], [], [], [], []],
        concrete: ['', '', '', '', '', '8', '8', '0.', 'True', 'False', ''],
      },
    ];
    const g = fromDoc(traceOf(ops)).graphs[0]!;
    expect(g.ops.find((o) => o.kind === 'attention')).toMatchObject({ batch: 2, heads: 4, kvHeads: 2, headDim: 16, qLen: 8, kvLen: 8, causal: true });
    expect(g.ops.find((o) => o.name === 'outer_product')).toMatchObject({ kind: 'elementwise', fn: 'mul', elements: 256 });
    expect(g.ops.filter((o) => o.kind === 'gemm')).toHaveLength(0);
  });

  it('eager attention in a trace (matmul, scale, mask add, softmax, cast, matmul) is one attention op; GQA heads from k_proj', () => {
    const [B, T, H, d] = [2, 8, 4, 16];
    const h = H * d;
    const kvDim = 2 * d; // 2 KV heads, expanded by repeat_kv before the matmul
    const lin = (n: number): Ev => ({ name: 'aten::linear', dims: [[B, T, h], [n, h], []] });
    const ops: Ev[] = [
      { name: 'aten::embedding', dims: [[100, h], [B, T], [], [], []] },
      { name: 'aten::layer_norm', dims: [[B, T, h], [], [h], [h], []] },
      lin(h),
      lin(kvDim),
      lin(kvDim),
      {
        name: 'aten::matmul',
        dims: [
          [B, H, T, d],
          [B, H, d, T],
        ],
        children: [
          {
            name: 'aten::bmm',
            dims: [
              [B * H, T, d],
              [B * H, d, T],
            ],
          },
        ],
      },
      { name: 'aten::div', dims: [[B, H, T, T], []] },
      { name: 'aten::add', dims: [[B, H, T, T], [B, 1, T, T], []] },
      { name: 'aten::softmax', dims: [[B, H, T, T], [], []], concrete: ['', '-1', '6'], children: [{ name: 'aten::_softmax', dims: [[B, H, T, T], [], []] }] },
      { name: 'aten::to', dims: [[B, H, T, T], [], [], [], []], children: [{ name: 'aten::_to_copy', dims: [[B, H, T, T]] }] },
      { name: 'aten::dropout', dims: [[B, H, T, T], [], []] },
      {
        name: 'aten::matmul',
        dims: [
          [B, H, T, T],
          [B, H, T, d],
        ],
        children: [
          {
            name: 'aten::bmm',
            dims: [
              [B * H, T, T],
              [B * H, T, d],
            ],
          },
        ],
      },
      lin(h),
      { name: 'aten::layer_norm', dims: [[B, T, h], [], [h], [h], []] },
      { name: 'aten::linear', dims: [[B, T, h], [100, h], []] },
    ];
    const g = fromDoc(traceOf(ops)).graphs[0]!;
    expect(g.ops.filter((o) => o.kind === 'attention')).toEqual([
      expect.objectContaining({
        batch: B,
        heads: H,
        kvHeads: 2,
        headDim: d,
        qLen: T,
        kvLen: T,
        causal: true,
        cls: 'attention',
        layer: 0,
      }),
    ]);
    expect(g.ops.filter((o) => o.kind === 'gemm').map((o) => o.name)).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'lm_head']);
    expect(g.meta).toMatchObject({ phase: 'prefill', batch: B, seq: T, tokens: B * T, kv: { kvHeads: 2, layers: 1 } });
  });

  it('index_select copies the selected rows; aten::index (shape unknown) is reported, not guessed', () => {
    const base = tinyDecoderOps({ tokens: 4, past: 0 });
    const extra: Ev[] = [
      { name: 'aten::index_select', dims: [[1000, 64], [], [7]], concrete: ['', '0', ''] },
      { name: 'aten::index', dims: [[1000, 64], [[7]]] },
    ];
    const r = fromDoc(traceOf([base[0]!, ...extra, ...base.slice(1)]));
    expect(r.graphs[0]!.ops.find((o) => o.name === 'index_select')).toMatchObject({ kind: 'elementwise', fn: 'copy', elements: 7 * 64 });
    expect(r.report.unknown.map((u) => u.op)).toEqual(['aten::index (shapes not understood)']);
  });

  it('rejects a trace without shapes or without events, naming the fix', () => {
    expect(() => parseTrace(traceOf(tinyDecoderOps({ tokens: 2, past: 0 }), { shapes: false }), 't.json')).toThrow(/record_shapes=True/);
    expect(() => parseTrace({ foo: 1 }, 't.json')).toThrow(/traceEvents/);
    expect(() => parseTrace({ traceEvents: [] }, 't.json')).toThrow(/no CPU ops/);
  });
});
