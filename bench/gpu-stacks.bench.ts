/**
 * Software stacks on the shipped measured H100 data (issue 19): GEMM error tables by dtype with
 * and without the pytorch stack (INT8 runs through torch._int_mm's cuBLASLt IMMA family), the
 * whole Llama-2-7B decode (pytorch-cudagraph) and prefill (pytorch) steps, and the published
 * TinyChat W4A16 decode rows (data/reference/tinychat.json) with the tinychat stack.
 */
import { readFileSync } from 'node:fs';
import { loadArch, loadModel } from '../src/config/load.ts';
import { loadStack } from '../src/config/load-stack.ts';
import { resolveShippedName } from '../src/catalog/resolve-name.ts';
import { run } from '../src/engine/run.ts';
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
    table(
      `\nH100 ${dtype} GEMMs, --stack pytorch (l2 flushed, as measured)`,
      gemmRows(pts, gpuTensorCoreModel, h100, scheme, pytorch),
      gemmRows(pts, gpuTensorCoreModel, h100, scheme),
    );
  }
  const withStack = gemmRows(all, gpuTensorCoreModel, h100, scheme, pytorch);
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

  console.log('\nTinyChat W4A16 decode (published, data/reference/tinychat.json), --stack tinychat, batch 1');
  const tiny = json<{ rows: { gpu: string; model: string; context: number; int4_s: number }[] }>('data/reference/tinychat.json').rows;
  const w4 = parseQuantScheme('w4a16-g128');
  const tinychat = stack('tinychat');
  const rows: ErrorRow[] = [];
  const bareRows: ErrorRow[] = [];
  for (const t of tiny) {
    let archFile: string;
    try {
      archFile = resolveShippedName('archs', t.gpu, '--arch');
    } catch {
      continue;
    }
    const arch = loadArch(archFile);
    const g = buildGraph(loadModel(resolveShippedName('models', t.model, '--model')), { phase: 'decode', batch: 1, context: t.context });
    const r = run(g, arch, w4, { ignoreCapacity: true, stack: tinychat });
    const b = run(g, arch, w4, { ignoreCapacity: true });
    rows.push({ label: `${t.gpu} ${t.model}`, measuredS: t.int4_s, modelS: r.totals.seconds, error: r.totals.seconds / t.int4_s - 1 });
    bareRows.push({ label: `${t.gpu} ${t.model}`, measuredS: t.int4_s, modelS: b.totals.seconds, error: b.totals.seconds / t.int4_s - 1 });
  }
  table('', rows, bareRows);

  // Attention backends against the FlashAttention-3 paper's figure (data/reference/attention-h100.json).
  const fa = json<{ seq: number[]; rows: { backend: string; causal: boolean; tflops: number[] }[] }>('data/reference/attention-h100.json');
  const backendStack: Record<string, string> = { 'flash-attention-2': 'tinychat', cudnn: 'pytorch', 'flash-attention-3': 'vllm' };
  const attRows: ErrorRow[] = [];
  for (const row of fa.rows) {
    const st = stack(backendStack[row.backend]!);
    fa.seq.forEach((seq, i) => {
      const op = {
        ...attentionOp(16384 / seq, seq, row.causal),
      };
      const r = gpuTensorCoreModel.simulate(op, h100 as GpuArchConfig, bf16, { stack: st });
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
