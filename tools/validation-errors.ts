/**
 * Recomputes the error figures the shipped validation envelopes quote (`validation.checks` and
 * `validation.gaps` of arch-configs/ and stacks/; src/arch/validation.ts) from the repository's
 * measured and published data. Run after a model change and update the configs:
 *
 *     npx tsx tools/validation-errors.ts
 *
 * Errors are model / measured − 1 in percent; medianAbs / p90Abs over |error| (linear
 * interpolation between closest ranks).
 */
import { readFileSync } from 'node:fs';
import { loadArch, loadQuant, loadModel } from '../src/config/load.ts';
import { loadStack } from '../src/config/load-stack.ts';
import { run } from '../src/engine/run.ts';
import { evaluateOp } from '../src/engine/evaluate.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { percentile } from '../src/serve/metrics.ts';
import { opQuantScheme } from '../src/cli/commands/op.ts';
import type { GemmOp } from '../src/workload/graph.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- data files of known layout, read field by field below
const json = (p: string): { results: any[] } & Record<string, unknown> => JSON.parse(readFileSync(p, 'utf8')) as { results: any[] } & Record<string, unknown>;
const model = (name: string) => loadModel(`workloads/models/${name}.json`);
const r1 = (x: number) => Math.round(10 * x) / 10;
function stats(errs: number[]): { min: number; max: number; medianAbs: number; p90Abs: number; points: number } {
  const abs = errs.map(Math.abs).sort((a, b) => a - b);
  return { min: r1(Math.min(...errs)), max: r1(Math.max(...errs)), medianAbs: r1(percentile(abs, 50)), p90Abs: r1(percentile(abs, 90)), points: errs.length };
}
const gemm = (m: number, n: number, k: number): GemmOp => ({ id: 'g', name: 'g', kind: 'gemm', cls: 'mlp', layer: 0, phase: 'prefill', deps: [], m, n, k, batch: 1, weight: 'layer', bias: false } as unknown as GemmOp);

const out: Record<string, unknown> = {};
// H100: cuBLAS GEMM kernels (L2 flushed before each call, as measured).
const h100 = loadArch('arch-configs/gpu/h100-sxm.json');
const pytorch = loadStack('stacks/gpu/pytorch.json');
for (const [f, stack] of [['h100-gemm-llama2-7b-fp16-bf16', undefined], ['h100-gemm-llama2-7b-int8-tf32', undefined], ['h100-gemm-llama2-7b-fp16-bf16', pytorch], ['h100-gemm-llama2-7b-int8-tf32', pytorch]] as const) {
  const by: Record<string, number[]> = {};
  let infeasible: Record<string, number> = {};
  for (const p of json(`data/measured/${f}.json`).results as { M: number; N: number; K: number; dtype: string; median_s: number }[]) {
    const q = opQuantScheme(p.dtype);
    const e = evaluateOp(gemm(p.M, p.N, p.K), h100, q, { l2State: 'flushed', ...(stack ? { stack } : {}) });
    if (!e.feasible) { infeasible[p.dtype] = (infeasible[p.dtype] ?? 0) + 1; continue; }
    (by[p.dtype] ??= []).push(100 * (e.result.seconds / p.median_s - 1));
  }
  const tag = stack ? ' (--stack pytorch)' : '';
  for (const [d, errs] of Object.entries(by)) out[`h100 gemm ${d}${tag}`] = stats(errs);
  for (const [d, n] of Object.entries(infeasible)) out[`h100 gemm ${d} infeasible${tag}`] = n;
  infeasible = {};
}
// H100 whole Llama-2-7B steps: decode in a CUDA graph, prefill eager (with and without their stacks).
// The measured steps are bf16 (the file's `dtype`); w16a16 is fp16, whose power-limited GEMM clock is lower.
const w16 = opQuantScheme('bf16');
const spec = model('llama-2-7b');
for (const [label, stackFile] of [['no stack', undefined], ['stacks', 'x']] as const) {
  const errs: Record<string, number[]> = { decode: [], prefill: [] };
  for (const r of json('data/measured/h100-llama2-7b-whole-steps.json').results as { B: number; context: number; decode_step_cuda_graph: { median_s: number }; prefill_eager: { median_s: number } }[]) {
    // The measured model has no rotary embedding (the file's software_stack.not_included): its ops are left out, as in src/compare/stack-fidelity.ts.
    const noRotary = (g: ReturnType<typeof buildGraph>) => ({ ...g, ops: g.ops.filter((o) => o.cls !== 'rotary') });
    const dec = run(noRotary(buildGraph(spec, { phase: 'decode', batch: r.B, context: r.context })), h100, w16, stackFile ? { stack: loadStack('stacks/gpu/pytorch-cudagraph.json') } : {});
    const pre = run(noRotary(buildGraph(spec, { phase: 'prefill', batch: r.B, seq: r.context })), h100, w16, stackFile ? { stack: loadStack('stacks/gpu/pytorch.json') } : {});
    errs['decode']!.push(100 * (dec.totals.seconds / r.decode_step_cuda_graph.median_s - 1));
    errs['prefill']!.push(100 * (pre.totals.seconds / r.prefill_eager.median_s - 1));
  }
  out[`h100 whole steps (${label})`] = { decode: errs['decode']!.map(r1), prefill: errs['prefill']!.map(r1) };
}
// FlightLLM (data/reference/flightllm.json; test/hw/fpga-dsp-chain/fidelity.test.ts).
const fq = loadQuant('workloads/quant/flightllm-w4a8.json');
const tps = (a: string, context: number) => run(buildGraph(spec, { phase: 'decode', batch: 1, context }), loadArch(`arch-configs/fpga/${a}.json`), fq).totals.tokensPerSecond;
out['u280 decode ctx512 vs 55 tok/s (measured)'] = r1(100 * (tps('u280-flightllm', 512) / 55 - 1));
out['u280 board power ctx512 vs 45 W (measured)'] = r1(100 * (run(buildGraph(spec, { phase: 'decode', batch: 1, context: 512 }), loadArch('arch-configs/fpga/u280-flightllm.json'), fq).totals.averagePowerW / 45 - 1));
out['vhk158 decode ctx1024 vs 92.5 tok/s (projected)'] = r1(100 * (tps('vhk158-flightllm', 1024) / 92.5 - 1));
const vhk = loadArch('arch-configs/fpga/vhk158-flightllm.json');
out['vhk158 prefill 128/512 vs 289.9/1181.4 ms (projected)'] = [[128, 289.9], [512, 1181.4]].map(([seq, ms]) => r1(100 * (run(buildGraph(spec, { phase: 'prefill', batch: 1, seq: seq! }), vhk, fq).totals.seconds * 1e3 / ms! - 1)));
// T-MAC single-thread rows (data/reference/lut.json).
const lut = json('data/reference/lut.json') as unknown as { t_mac: { param: string; value: unknown }[] };
const param = (p: string) => lut.t_mac.find((e) => e.param === p)!.value;
const W: Record<string, [string, string]> = { 'BitNet-3B': ['bitnet-b1.58-3b', 'w1.58a8'], 'Llama-2-7B (W2)': ['llama-2-7b', 'w2a16-g128'], 'Llama-2-7B (W4)': ['llama-2-7b', 'w4a16-g128'] };
const one = (archFile: string, m: string, q: string, threads: number, context: number, published: number) =>
  100 * (run(buildGraph(model(m), { phase: 'decode', batch: 1, context }), loadArch(archFile), loadQuant(q), { threads }).totals.tokensPerSecond / published - 1);
for (const [device, file] of [['M2-Ultra', 'tmac-m2-ultra'], ['Raspberry Pi 5', 'tmac-raspberry-pi-5']]) {
  const rows = (param('decode_throughput_table') as { model: string; device: string; threads: number; tmac_tokens_per_s: number }[]).filter((r) => r.device === device && r.threads === 1);
  out[`${file} 1 thread`] = stats(rows.map((r) => one(`arch-configs/lut/${file}.json`, W[r.model]![0], W[r.model]![1], 1, 128, r.tmac_tokens_per_s)));
}
const snap = (param('snapdragon_x_elite') as { framework: string; model: string; threads?: number; tokens_per_s: number }[]).filter((r) => r.framework === 'T-MAC CPU' && r.threads === 1);
out['tmac-surface-laptop-7 1 thread'] = stats(snap.map((r) => one('arch-configs/lut/tmac-surface-laptop-7.json', 'llama-2-7b', r.model.endsWith('W4') ? 'w4a16-g128' : 'w2a16-g128', 1, 1536, r.tokens_per_s)));
console.log(JSON.stringify(out, null, 1));
