/**
 * Thermal state per run (issue 19): the die temperature each shipped H100 measurement ran at under
 * its own protocol (src/compare/thermal-protocol.ts, the thermal network of h100-sxm.json
 * gpu.power.thermal) and the model's error at that temperature, beside the sustained default
 * (leakage.junctionTempC, every kernel); then the die temperature the whole steps would need.
 * Prints figures only: `npm run bench -- gpu-thermal`.
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
import { errorStats, gemmOp, type ErrorRow, type GemmPoint, type StepPoint } from '../src/compare/stack-fidelity.ts';
import { gemmDieTemp, MEASURED_HEATED_CALLS, repeatedRunDieTemp } from '../src/compare/thermal-protocol.ts';
import { thermalImpedanceCPerW } from '../src/hw/gpu-tensor-core/thermal.ts';

const json = <T>(rel: string): T => JSON.parse(readFileSync(new URL(`../${rel}`, import.meta.url), 'utf8')) as T;
const stack = (name: string) => loadStack(resolveShippedName('stacks', name, '--stack'));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export default function bench(): void {
  const h100 = loadArch('arch-configs/gpu/h100-sxm.json') as GpuArchConfig;
  const p = h100.gpu.power!;
  const th = p.thermal!;
  console.log('H100 SXM thermal network (gpu.power.thermal):');
  for (const s of th.stages) console.log(`  ${s.name.padEnd(28)} ${s.resistanceCPerW} °C/W, τ ${s.timeConstantS} s`);
  const idleW = h100.power!.idleW!;
  const rise = (t: number) => thermalImpedanceCPerW(th, t) * (h100.power!.tdpW! - idleW);
  console.log(
    `  die rise at the ${h100.power!.tdpW} W limit from idle (${p.leakage.idleTempC} °C): 10 ms +${rise(0.01).toFixed(1)} °C, 100 ms +${rise(0.1).toFixed(1)}, 1 s +${rise(1).toFixed(1)}, 10 s +${rise(10).toFixed(1)}, steady +${rise(Infinity).toFixed(1)} (= junctionTempC ${p.leakage.junctionTempC} °C, the sustained default)`,
  );

  // GEMM microbenchmarks at their protocol's die temperature.
  const pytorch = stack('pytorch');
  const pts = [
    ...json<{ results: (GemmPoint & { reps: number })[] }>('data/measured/h100-gemm-llama2-7b-fp16-bf16.json').results,
    ...json<{ results: (GemmPoint & { reps: number })[] }>('data/measured/h100-gemm-llama2-7b-int8-tf32.json').results,
  ];
  const sustained: ErrorRow[] = [];
  const protocol: ErrorRow[] = [];
  console.log('\nH100 GEMMs (--stack pytorch, l2 flushed), power-limited ones: die temperature under the protocol, error sustained → protocol');
  for (const pt of pts) {
    const q = opQuantScheme(pt.dtype);
    const op = gemmOp(pt.M, pt.N, pt.K);
    const opts = { l2State: 'flushed', stack: pytorch };
    const label = `${pt.shape} M=${pt.M} ${pt.dtype}`;
    const a = gpuTensorCoreModel.simulate(op, h100, q, opts);
    const t = gemmDieTemp(gpuTensorCoreModel, h100, op, q, opts, MEASURED_HEATED_CALLS.gemm(pt.reps))!;
    const b = gpuTensorCoreModel.simulate(op, h100, q, { ...opts, dieTempC: t });
    sustained.push({ label, measuredS: pt.median_s, modelS: a.seconds, error: a.seconds / pt.median_s - 1 });
    protocol.push({ label, measuredS: pt.median_s, modelS: b.seconds, error: b.seconds / pt.median_s - 1 });
    if (a.breakdown?.['powerLimited'])
      console.log(
        `  ${label.padEnd(34)} ${t.toFixed(1).padStart(5)} °C  clock ${((a.breakdown['clockHz'] ?? 0) / 1e6).toFixed(0)} → ${((b.breakdown?.['clockHz'] ?? 0) / 1e6).toFixed(0)} MHz  error ${pct(a.seconds / pt.median_s - 1).padStart(6)} → ${pct(b.seconds / pt.median_s - 1).padStart(6)}`,
      );
  }
  const sa = errorStats(sustained);
  const sb = errorStats(protocol);
  console.log(
    `  all ${sa.n} GEMMs: median |error| ${pct(sa.median)} / p90 ${pct(sa.p90)} sustained (shipped) → ${pct(sb.median)} / ${pct(sb.p90)} at the protocol's die temperature`,
  );

  // Whole steps at their protocol's die temperature, and at fixed temperatures.
  const steps = json<{ results: StepPoint[] }>('data/measured/h100-llama2-7b-whole-steps.json').results;
  const spec = loadModel('workloads/models/llama-2-7b.json');
  const bf16 = parseQuantScheme('bf16');
  const fixed = [45, 75, 85, 95, 105];
  console.log(`\nwhole Llama-2-7B steps: die temperature under the protocol, error sustained → protocol; error at a die of ${fixed.join(' / ')} °C`);
  for (const pt of steps) {
    for (const phase of ['decode', 'prefill'] as const) {
      const g0 = buildGraph(spec, phase === 'decode' ? { phase, batch: pt.B, context: pt.context } : { phase, batch: pt.B, seq: pt.context });
      const g = { ...g0, ops: g0.ops.filter((o) => o.cls !== 'rotary') };
      const st = stack(phase === 'decode' ? 'pytorch-cudagraph' : 'pytorch');
      const measured = phase === 'decode' ? pt.decode_step_cuda_graph.median_s : pt.prefill_eager.median_s;
      const runAt = (dieTempC?: number) =>
        run(g, h100, bf16, { ignoreCapacity: true, stack: st, totalsOnly: true, ...(dieTempC !== undefined ? { dieTempC } : {}) });
      const err = (dieTempC?: number) => runAt(dieTempC).totals.seconds / measured - 1;
      const calls = phase === 'decode' ? MEASURED_HEATED_CALLS.decodeStep : MEASURED_HEATED_CALLS.prefillStep;
      const t = repeatedRunDieTemp(h100, calls, (dieTempC) => {
        const r = runAt(dieTempC);
        return { seconds: r.totals.seconds, powerW: r.totals.averagePowerW };
      })!;
      console.log(
        `  ${`llama-2-7b ${phase} B${pt.B} ${pt.context}`.padEnd(30)} ${calls} runs heated → ${t.toFixed(1).padStart(5)} °C  error ${pct(err()).padStart(6)} → ${pct(err(t)).padStart(6)}   fixed: ${fixed.map((x) => pct(err(x))).join(' / ')}`,
      );
    }
  }

  // Llama-3-70B-sized projection at M = 16384 (no measurement shipped: the issue quotes 640–690 TFLOPS).
  const big = gemmOp(16384, 28672, 8192);
  const q = opQuantScheme('bf16');
  const opts = { l2State: 'flushed', stack: pytorch };
  const tBig = gemmDieTemp(gpuTensorCoreModel, h100, big, q, opts, MEASURED_HEATED_CALLS.gemm(20))!;
  const tf = (dieTempC?: number) => {
    const r = gpuTensorCoreModel.simulate(big, h100, q, { ...opts, ...(dieTempC !== undefined ? { dieTempC } : {}) });
    return `${((2 * 16384 * 28672 * 8192) / r.seconds / 1e12).toFixed(0)} TFLOPS at ${((r.breakdown?.['clockHz'] ?? 0) / 1e6).toFixed(0)} MHz`;
  };
  console.log(
    `\nLlama-3-70B up/gate-sized GEMM 16384x28672x8192 bf16 (issue: measured 640–690 TFLOPS; not in data/measured): sustained ${tf()}; protocol die ${tBig.toFixed(1)} °C ${tf(tBig)}; 95 °C ${tf(95)}; 105 °C ${tf(105)}`,
  );
}
