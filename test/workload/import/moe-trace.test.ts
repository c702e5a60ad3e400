/**
 * MoE traces keep their experts. The traces are built here from PyTorch's documented operator
 * semantics (no machine here has PyTorch): `aten::_grouped_mm(self, mat2, offs, bias, out_dtype)`
 * with self [tokens·topk, K], mat2 [experts, K, N], offs [experts] multiplies each expert's rows
 * by its matrix: 2·tokens·topk·K·N FLOPs. vLLM's `vllm::outplace_fused_experts(hidden_states
 * [T, H], w1 [E, 2I, H], w2 [E, H, I], topk_weights [T, k], topk_ids [T, k], …)` runs gate+up,
 * the activation and down for every routed token.
 */
import { describe, expect, it } from 'vitest';
import { importTraceData } from '../../../src/workload/import/trace-import.ts';
import { parseTrace } from '../../../src/workload/import/trace-read.ts';
import { opFlops } from '../../../src/workload/ops.ts';
import { validateOrThrow } from '../../../src/config/ajv.ts';
import { graphSchema } from '../../../src/config/schemas/graph.ts';
import { expectedActiveExperts } from '../../../src/workload/builders/decoder.ts';
import type { GemmOp, OpGraph } from '../../../src/workload/graph.ts';
import { traceOf, type Ev } from './synthetic.ts';

const h = 64;
const H = 4;
const d = h / H;
const V = 100;
const E = 8;
const K_TOP = 2;
const I = 96;
const LAYERS = 2;

type Experts = 'grouped_mm' | 'vllm';

/** A Mixtral-shaped decoder pass: attention, then a router, top-k and the experts. */
function moePass(T: number, past: number, experts: Experts): Ev[] {
  const kv = past + T;
  const lin = (n: number, k: number, rows = T): Ev => ({
    name: 'aten::linear',
    dims: [[1, rows, k], [n, k], []],
    children: [
      {
        name: 'aten::mm',
        dims: [
          [rows, k],
          [k, n],
        ],
        gpuUs: 3,
      },
    ],
  });
  const ops: Ev[] = [{ name: 'aten::embedding', dims: [[V, h], [1, T], [], [], []], gpuUs: 2 }];
  for (let l = 0; l < LAYERS; l++) {
    ops.push({ name: 'aten::layer_norm', dims: [[1, T, h], [], [h], [h], []], gpuUs: 1 });
    ops.push(lin(h, h), lin(h, h), lin(h, h));
    ops.push({
      name: 'aten::scaled_dot_product_attention',
      dims: [[1, H, T, d], [1, H, kv, d], [1, H, kv, d], [], [], [], [], []],
      concrete: ['', '', '', '', '0.', T > 1 ? 'True' : 'False', '', 'False'],
      gpuUs: 4,
    });
    ops.push(lin(h, h));
    ops.push({ name: 'aten::add', dims: [[1, T, h], [1, T, h], []], gpuUs: 1 });
    ops.push({ name: 'aten::layer_norm', dims: [[1, T, h], [], [h], [h], []], gpuUs: 1 });
    ops.push(lin(E, h)); // router
    ops.push({ name: 'aten::topk', dims: [[T, E], [], [], [], []], gpuUs: 1 });
    const R = T * K_TOP;
    if (experts === 'grouped_mm') {
      ops.push({ name: 'aten::_grouped_mm', dims: [[R, h], [E, h, 2 * I], [E], [], []], gpuUs: 6 });
      ops.push({ name: 'aten::silu', dims: [[R, I]], gpuUs: 1 });
      ops.push({
        name: 'aten::mul',
        dims: [
          [R, I],
          [R, I],
        ],
        gpuUs: 1,
      });
      ops.push({ name: 'aten::_grouped_mm', dims: [[R, I], [E, I, h], [E], [], []], gpuUs: 6 });
    } else {
      ops.push({
        name: 'vllm::outplace_fused_experts',
        dims: [[T, h], [E, 2 * I, h], [E, h, I], [T, K_TOP], [T, K_TOP], [], [], []],
        concrete: ['', '', '', '', '', 'silu', '', ''],
        gpuUs: 12,
      });
    }
    ops.push({ name: 'aten::add', dims: [[1, T, h], [1, T, h], []], gpuUs: 1 });
  }
  ops.push({ name: 'aten::layer_norm', dims: [[1, T, h], [], [h], [h], []], gpuUs: 1 });
  ops.push(lin(V, h));
  return ops;
}

/** GEMM FLOPs counted straight from the events' Input Dims (outermost ops only). */
function flopsFromDims(ops: Ev[]): number {
  let f = 0;
  for (const e of ops) {
    const dims = e.dims as number[][];
    if (e.name === 'aten::linear') {
      const [x, w] = dims as [number[], number[]];
      const rows = x.reduce((a, b) => a * b, 1) / x[x.length - 1]!;
      f += 2 * rows * w[0]! * w[1]!;
    } else if (e.name === 'aten::_grouped_mm') {
      const [a, b] = dims as [number[], number[]];
      f += 2 * a[0]! * a[1]! * b[2]!;
    } else if (e.name === 'vllm::outplace_fused_experts') {
      const [x, w1, w2, tw] = dims as [number[], number[], number[], number[]];
      f += 2 * x[0]! * tw[1]! * (w1[1]! * w1[2]! + w2[1]! * w2[2]!);
    }
  }
  return f;
}

const gemmFlops = (g: OpGraph) => g.ops.filter((o) => o.kind === 'gemm').reduce((a, o) => a + opFlops(o), 0);

for (const experts of ['grouped_mm', 'vllm'] as const) {
  describe(`MoE trace with ${experts === 'vllm' ? 'vLLM fused_experts' : 'aten::_grouped_mm'} experts`, () => {
    const prefillOps = moePass(16, 0, experts);
    const decodeOps = moePass(1, 16, experts);
    const r = importTraceData(parseTrace(traceOf([...prefillOps, ...decodeOps]), 'moe.json'), 'moe.json', {});
    const [prefill, decode] = r.graphs as [OpGraph, OpGraph];

    it('nothing is unknown, and both passes validate', () => {
      expect(r.report.unknown).toEqual([]);
      expect(r.graphs.map((g) => g.meta.phase)).toEqual(['prefill', 'decode']);
      for (const g of r.graphs) validateOrThrow(graphSchema, g, 'moe.json');
    });

    it('graph GEMM FLOPs equal the count from the trace Input Dims (within 1%; here exactly)', () => {
      for (const [g, ops] of [
        [prefill, prefillOps],
        [decode, decodeOps],
      ] as const) {
        const expected = flopsFromDims(ops);
        expect(Math.abs(gemmFlops(g) - expected) / expected).toBeLessThan(0.01);
        expect(gemmFlops(g)).toBeCloseTo(expected, 3);
      }
    });

    it('expert GEMMs carry the routed rows: tokens·topk over the expected experts hit', () => {
      const ex = prefill.ops.filter((o): o is GemmOp => o.kind === 'gemm' && o.layer === 0 && o.name.startsWith('experts.'));
      expect(ex).toHaveLength(2);
      const active = experts === 'vllm' ? expectedActiveExperts(16, E, K_TOP) : expectedActiveExperts(16 * K_TOP, E, 1);
      for (const g of ex) {
        expect(g.count).toBeCloseTo(active, 12);
        expect(g.m * g.count!).toBeCloseTo(16 * K_TOP, 9);
        expect(g.cls).toBe('mlp');
      }
      expect(ex.map((g) => [g.n, g.k])).toEqual([
        [2 * I, h],
        [h, I],
      ]);
      const router = prefill.ops.find((o) => o.layer === 0 && o.name === 'router') as GemmOp;
      expect([router.cls, router.n, router.weight]).toEqual(['moe_router', E, 'aux']);
      // Decode: one token, top-2 → two experts' worth of rows.
      const dg = decode.ops.find((o): o is GemmOp => o.kind === 'gemm' && o.layer === 0 && o.name.startsWith('experts.'))!;
      expect(dg.m * dg.count!).toBeCloseTo(K_TOP, 12);
    });

    it("params count every expert's weights once", () => {
      const layer = LAYERS * (4 * h * h + E * (h * 2 * I + I * h));
      expect(prefill.meta.params.layer).toBe(layer);
      expect(prefill.meta.params.other).toBe(LAYERS * (2 * 2 * h + E * h) + 2 * h);
    });
  });
}

it('an aten::_grouped_mm whose shapes break its signature is reported, not guessed', () => {
  const ops = moePass(4, 0, 'grouped_mm');
  const i = ops.findIndex((e) => e.name === 'aten::_grouped_mm');
  ops[i] = { name: 'aten::_grouped_mm', dims: [[8, h], [E, h + 1, 2 * I], [E], [], []], gpuUs: 6 };
  const r = importTraceData(parseTrace(traceOf(ops), 'bad.json'), 'bad.json', {});
  expect(r.report.unknown.map((u) => u.op)).toContain('aten::_grouped_mm (shapes not understood)');
});
