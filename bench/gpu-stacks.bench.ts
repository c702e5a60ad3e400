/**
 * Software stacks on the shipped measured H100 data (issue 19): GEMM error tables by dtype with
 * and without the pytorch stack (INT8 runs through torch._int_mm's cuBLASLt IMMA family), the
 * whole Llama-2-7B decode (pytorch-cudagraph) and prefill (pytorch) steps, and the published
 * TinyChat W4A16 decode rows (data/reference/tinychat.json) with the tinychat stack.
 */
import { readFileSync } from 'node:fs';
import { loadArch, loadModel, loadQuant } from '../src/config/load.ts';
import { loadStack } from '../src/config/load-stack.ts';
import { loadHost, stackOnHost } from '../src/config/load-host.ts';
import { hostLaunchFromRun } from '../src/compare/host-bound.ts';
import type { Stack } from '../src/stack/schema.ts';
import { resolveShippedName } from '../src/catalog/resolve-name.ts';
import { run } from '../src/engine/run.ts';
import { evaluateOp, orThrow } from '../src/engine/evaluate.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { parseQuantScheme } from '../src/quant/scheme.ts';
import { opQuantScheme } from '../src/cli/commands/op.ts';
import { gpuTensorCoreModel, type GpuArchConfig } from '../src/hw/gpu-tensor-core/model.ts';
import type { AttentionOp } from '../src/workload/graph.ts';
import { errorStats, gemmRows, stepRows, type ErrorRow, type GemmPoint, type StepPoint } from '../src/compare/stack-fidelity.ts';

const json = <T>(rel: string): T => JSON.parse(readFileSync(new URL(`../${rel}`, import.meta.url), 'utf8')) as T;
const stack = (name: string) => loadStack(resolveShippedName('stacks', name, '--stack'));
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—');
const us = (s: number) => (Number.isFinite(s) ? `${(s * 1e6).toFixed(1)}µs` : '—');

function table(title: string, rows: ErrorRow[], other?: ErrorRow[]): void {
  console.log(title);
  rows.forEach((r, i) =>
    console.log(
      `  ${r.label.padEnd(36)} measured ${us(r.measuredS).padStart(10)}  model ${us(r.modelS).padStart(10)} ${pct(r.error).padStart(7)}${other ? `   (no stack ${pct(other[i]!.error)})` : ''}  ${r.note ?? ''}`,
    ),
  );
  const s = errorStats(rows);
  const o = other ? errorStats(other) : undefined;
  console.log(
    `  median |error| ${pct(s.median)}, p90 ${pct(s.p90)} over ${s.n} points${s.failed ? `, ${s.failed} do not simulate` : ''}${o ? ` (no stack: median ${pct(o.median)}, p90 ${pct(o.p90)})` : ''}`,
  );
}

/** Both operands in the measured dtype, as `accelscope op gemm --dtype D` builds them. */
const scheme = (dtype: string) => opQuantScheme(dtype);

export default function bench(): void {
  const h100 = loadArch('arch-configs/gpu/h100-sxm.json');
  const pytorch = stack('pytorch');
  const fp = json<{ results: GemmPoint[] }>('data/measured/h100-gemm-llama2-7b-fp16-bf16.json').results;
  const i8tf = json<{ results: GemmPoint[] }>('data/measured/h100-gemm-llama2-7b-int8-tf32.json').results;
  const all = [...fp, ...i8tf];
  for (const dtype of ['fp16', 'bf16', 'int8', 'tf32']) {
    const pts = all.filter((p) => p.dtype === dtype);
    table(`\nH100 ${dtype} GEMMs, --stack pytorch (l2 flushed, as measured)`, gemmRows(pts, h100, scheme, pytorch), gemmRows(pts, h100, scheme));
  }
  const withStack = gemmRows(all, h100, scheme, pytorch);
  const s = errorStats(withStack);
  console.log(
    `\nall measured GEMM dtypes, --stack pytorch: median |error| ${pct(s.median)} (target ≤ 6%), p90 ${pct(s.p90)} (target ≤ 20%) over ${s.n} points${s.failed ? `; ${s.failed} do not simulate (TF32 tile fit: issue-19-power)` : ''}`,
  );

  const steps = json<{ results: StepPoint[] }>('data/measured/h100-llama2-7b-whole-steps.json').results;
  const spec = loadModel('workloads/models/llama-2-7b.json');
  const bf16 = parseQuantScheme('bf16');
  const runStep = (g: ReturnType<typeof buildGraph>, st?: ReturnType<typeof stack>) =>
    run(g, h100, bf16, { ignoreCapacity: true, ...(st ? { stack: st } : {}) });
  const stacked = stepRows(steps, spec, runStep, stack('pytorch-cudagraph'), pytorch);
  const bare = stepRows(steps, spec, runStep);
  table('\nwhole Llama-2-7B steps on H100 (decode: --stack pytorch-cudagraph, prefill: --stack pytorch; no rotary, as measured)', stacked, bare);
  // Where the eager prefill's time goes in the model (docs/models/software-stacks.md § Where the prefill B8 error is).
  for (const p of steps) {
    const g = buildGraph(spec, { phase: 'prefill', batch: p.B, seq: p.context });
    const r = runStep({ ...g, ops: g.ops.filter((o) => o.cls !== 'rotary') }, pytorch);
    const ms = (x: number) => `${(x * 1e3).toFixed(2)} ms`;
    const sum = (f: (o: (typeof r.ops)[number]) => boolean, v: (o: (typeof r.ops)[number]) => number = (o) => o.seconds) =>
      r.ops.filter(f).reduce((t, o) => t + v(o), 0);
    const strided = (o: (typeof r.ops)[number]) => (o.breakdown?.['stridedLoopS'] ?? 0) > 0;
    const beyond = (o: (typeof r.ops)[number]) => Math.max(0, o.breakdown!['stridedLoopS']! - Math.max(o.breakdown!['dramS']!, o.breakdown!['computeS']!));
    console.log(
      `  prefill B${p.B} seq${p.context} model: GEMMs ${ms(sum((o) => o.kind === 'gemm'))}, strided-view kernels (act_fn, act_mul, KV copies) ${ms(sum(strided))} (latency chain beyond bandwidth ${ms(sum(strided, beyond))}), other kernels ${ms(sum((o) => o.kind !== 'gemm' && !strided(o)))}; measured − model ${ms(p.prefill_eager.median_s - r.totals.seconds)}`,
    );
  }

  // TinyChat 2.0's published decode tables (data/reference/tinychat.json `rows`: context 4, as the
  // README states), W4A16 as TinyChat stores it (fp16 scale and zero per group: 4.25 bits) and FP16.
  type TinyRow = { gpu: string; model: string; context: number; int4_s: number; fp16_s?: number };
  type HostRow = { gpu: string; model: string; llm: string; context: number; int4_s: number };
  const tinyFile = json<{ rows: TinyRow[]; host_rows: HostRow[]; superseded: { rows: TinyRow[] } }>('data/reference/tinychat.json');
  const awq = loadQuant('workloads/quant/tinychat-awq-w4a16.json');
  const fp16 = parseQuantScheme('w16a16');
  const tinychat = stack('tinychat');
  // The host each table was measured on (hosts/*.json: derived from that table's NVILA-2B row, below).
  const hostOf: Record<string, string> = { 'rtx-4090': 'tinychat-rtx-4090', 'jetson-agx-orin': 'tinychat-jetson-agx-orin', 'a100-sxm-40gb': 'tinychat-a100' };
  const onHost = (st: Stack, gpu: string) => stackOnHost(st, resolveShippedName('hosts', hostOf[gpu]!, '--host'))!;
  const decodeRun = (gpu: string, model: string, context: number, q: typeof awq, st?: Stack) =>
    run(
      buildGraph(loadModel(resolveShippedName('models', model, '--model')), { phase: 'decode', batch: 1, context }),
      loadArch(resolveShippedName('archs', gpu, '--arch')),
      q,
      {
        ignoreCapacity: true,
        ...(st ? { stack: st } : {}),
      },
    );
  type RowOpts = { stackOf?: (gpu: string) => Stack; gpu?: (gpu: string) => string };
  const tinyRows = (list: TinyRow[], q: typeof awq, measured: (t: TinyRow) => number | undefined, o: RowOpts = {}): ErrorRow[] =>
    list.flatMap((t) => {
      const m = measured(t);
      if (m === undefined) return [];
      const gpu = o.gpu ? o.gpu(t.gpu) : t.gpu;
      try {
        resolveShippedName('archs', gpu, '--arch');
      } catch {
        return [];
      }
      const r = decodeRun(gpu, t.model, t.context, q, o.stackOf?.(t.gpu));
      const st = r.stack?.step;
      return [
        {
          label: `${gpu} ${t.model} ctx${t.context}`,
          measuredS: m,
          modelS: r.totals.seconds,
          error: r.totals.seconds / m - 1,
          ...(st
            ? { note: `device ${(st.deviceSeconds * 1e3).toFixed(2)} ms, host issue ${(st.hostSeconds * 1e3).toFixed(2)} ms (${st.kernels} kernels)` }
            : {}),
        },
      ];
    });
  const perGpu = (rows: ErrorRow[]) => {
    for (const gpu of ['rtx-4090', 'jetson-agx-orin', 'a100']) {
      const s = errorStats(rows.filter((r) => r.label.startsWith(gpu)));
      if (s.n) console.log(`  ${gpu}: median |error| ${pct(s.median)} over ${s.n} rows`);
    }
  };
  const cur = tinyFile.rows;

  // Hosts: each table's NVILA-2B row (Qwen2-1.5B language model) is host-bound; the host time per
  // kernel it implies is the host file's value (src/compare/host-bound.ts, test/stack/host.test.ts).
  console.log(
    '\nTinyChat hosts from the NVILA-2B rows (data/reference/tinychat.json host_rows; --stack tinychat, W4A16): measured = kernels x hostLaunch + lm_head',
  );
  for (const h of tinyFile.host_rows) {
    const d = hostLaunchFromRun(h.int4_s, decodeRun(h.gpu, h.llm, h.context, awq, tinychat));
    const shipped = loadHost(resolveShippedName('hosts', hostOf[h.gpu]!, '--host')).calibration['hostLaunchSeconds']!.value;
    console.log(
      `  ${h.gpu.padEnd(16)} ${h.model} (${h.llm}, ctx ${h.context}): measured ${us(h.int4_s)}, model device ${us(d.deviceSeconds)} (host-bound), ${d.kernels} kernels, lm_head ${us(d.lastKernelSeconds)} -> ${us(d.hostLaunchSeconds)} per kernel; hosts/${hostOf[h.gpu]}.json ${us(shipped)}`,
    );
  }

  const int4Host = tinyRows(cur, awq, (t) => t.int4_s, { stackOf: (gpu) => onHost(tinychat, gpu) });
  table(
    "\nTinyChat 2.0 W4A16 decode (published, data/reference/tinychat.json rows: context 4), --stack tinychat --host <the table's host> --quant tinychat-awq-w4a16, batch 1",
    int4Host,
    tinyRows(cur, awq, (t) => t.int4_s),
  );
  perGpu(int4Host);
  const int4 = tinyRows(cur, awq, (t) => t.int4_s, { stackOf: () => tinychat });
  table("\nthe same without --host (the stack's 6 µs placeholder host cost)", int4);
  perGpu(int4);
  table(
    '\nthe A100 rows on the 80 GB part instead (--arch a100-sxm-80gb), --stack tinychat --host tinychat-a100',
    tinyRows(
      cur.filter((t) => t.gpu.startsWith('a100')),
      awq,
      (t) => t.int4_s,
      { stackOf: (gpu) => onHost(tinychat, gpu), gpu: () => 'a100-sxm-80gb' },
    ),
  );
  // The README's FP16 column is Hugging Face's default implementation (eager PyTorch), not TinyChat:
  // bandwidth-bound at batch 1, it tells which A100 the table ran on.
  table(
    '\nFP16 decode of the same tables (README: the default Hugging Face implementation, eager) ≈ --stack pytorch, batch 1',
    tinyRows(cur, fp16, (t) => t.fp16_s, { stackOf: () => pytorch }),
    tinyRows(cur, fp16, (t) => t.fp16_s),
  );
  table(
    '\nthe A100 FP16 rows on the 80 GB part (--arch a100-sxm-80gb), --stack pytorch',
    tinyRows(
      cur.filter((t) => t.gpu.startsWith('a100')),
      fp16,
      (t) => t.fp16_s,
      { stackOf: () => pytorch, gpu: () => 'a100-sxm-80gb' },
    ),
  );
  table(
    '\nsuperseded TinyChat rows (data/reference/tinychat.json superseded: three older releases, Llama-2-7B at > 500 prompt tokens), W4A16, --stack tinychat',
    tinyRows(tinyFile.superseded.rows, awq, (t) => t.int4_s, { stackOf: () => tinychat }),
  );

  // Attention backends against the FlashAttention-3 paper's figure (data/reference/attention-h100.json).
  const fa = json<{
    seq: number[];
    rows: { backend: string; causal: boolean; tflops: number[] }[];
    ablation: { batch: number; seq: number; heads: number; headDim: number; rows: { variant: string; tflops: number }[] };
  }>('data/reference/attention-h100.json');
  const backendStack: Record<string, string> = { 'flash-attention-2': 'tinychat', cudnn: 'pytorch', 'flash-attention-3': 'vllm' };
  const attRows: ErrorRow[] = [];
  for (const row of fa.rows) {
    const st = stack(backendStack[row.backend]!);
    fa.seq.forEach((seq, i) => {
      const op = {
        ...attentionOp(16384 / seq, seq, row.causal),
      };
      // timed as `op attention` times it (a microbenchmark's history where the arch has a sustained power limit)
      const r = orThrow(evaluateOp(op, h100, bf16, { stack: st })).result;
      const flops = (4 * seq * seq * 128 * 16 * (16384 / seq)) / (row.causal ? 2 : 1);
      const measuredS = flops / (row.tflops[i]! * 1e12);
      attRows.push({
        label: `${row.backend} ${row.causal ? 'causal' : 'full'} seq ${seq}`,
        measuredS,
        modelS: r.seconds,
        error: r.seconds / measuredS - 1,
        note: `--stack ${st.name}`,
      });
    });
  }
  table('\nattention forward on H100, bf16, head dim 128, B·S = 16k (FlashAttention-3 paper fig. 5; the stack whose prefill backend it is)', attRows);

  // The paper's pipelining ablation (data/reference/attention-h100.json `ablation`: Shah et al. 2024,
  // table 2). A check, not an input: its third row (no warp specialization) is no variant of this model.
  const vllm = stack('vllm');
  const ab = fa.ablation;
  const ablationOp = attentionOp(ab.batch, ab.seq, false);
  const ablationFlops = 4 * ab.seq * ab.seq * ab.headDim * ab.heads * ab.batch;
  const paperRow = (variant: string) => ab.rows.find((r) => r.variant === variant)!;
  const variant = (name: string, prefill: Partial<NonNullable<Stack['attention']>['prefill']>, paper?: { variant: string; tflops: number }) => {
    const st = { ...vllm, attention: { ...vllm.attention!, prefill: { ...vllm.attention!.prefill, ...prefill } } };
    const r = gpuTensorCoreModel.simulate(ablationOp, h100 as GpuArchConfig, parseQuantScheme('fp16'), { stack: st });
    const b = r.breakdown!;
    const tf = ablationFlops / r.seconds / 1e12;
    const step =
      b['stepCycles'] !== undefined
        ? `step ${b['stepCycles'].toFixed(0)} cycles (tensor ${b['stepTensorCycles']!.toFixed(0)}, warpgroup chain ${b['stepChainCycles']!.toFixed(0)})`
        : 'in turn';
    const vsPaper = paper ? `paper ${paper.tflops}, model time ${pct(paper.tflops / tf - 1)}` : 'paper —';
    console.log(`  ${name.padEnd(52)} model ${tf.toFixed(0).padStart(4)} TFLOPS  ${vsPaper.padEnd(30)} ${step}, ${((b['clockHz'] ?? 0) / 1e9).toFixed(2)} GHz`);
  };
  console.log(
    `\nFlashAttention-3 pipelining ablation (paper table 2: batch ${ab.batch}, seqlen ${ab.seq}, ${ab.heads} heads × ${ab.headDim}, non-causal, fp16), --stack vllm`,
  );
  variant('FlashAttention-3 (ping-pong + intra-warpgroup)', {}, paperRow('flash-attention-3'));
  variant('no intra-warpgroup pipelining (ping-pong)', { intraWarpgroupPipeline: false }, paperRow('no gemm-softmax pipelining, warp specialization'));
  variant('softmax in turn (no ping-pong; paper: no such row)', { softmaxOverlap: false });
  const noWs = paperRow('gemm-softmax pipelining, no warp specialization');
  console.log(`  (the paper's third row, ${noWs.tflops} TFLOPS ${noWs.variant}, is no variant of this model)`);
}

/** One attention op as the FlashAttention-3 paper's benchmark runs it: 16 heads of 128, seq queries over seq keys. */
function attentionOp(batch: number, seq: number, causal: boolean): AttentionOp {
  return {
    id: 'a',
    name: 'self_attn',
    kind: 'attention',
    cls: 'attention',
    layer: 0,
    phase: 'prefill',
    deps: [],
    batch,
    heads: 16,
    kvHeads: 16,
    headDim: 128,
    qLen: seq,
    kvLen: seq,
    causal,
    window: 0,
  };
}
