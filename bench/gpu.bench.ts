/**
 * GPU tensor-core model (issue 5): the per-point error table against the measured H100 GEMMs,
 * one GEMM evaluation (< 50 µs) and a Llama-3-70B decode graph through run() (< 20 ms); the
 * W4A16 mixed-input speedup over fp16 by M (Marlin: near 4x up to batch 16-32) and the H100
 * average power of Llama-2-7B prefill and decode.
 */
import { readFileSync } from 'node:fs';
import { loadArch, loadModel } from '../src/config/load.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { run } from '../src/engine/run.ts';
import { parseQuantScheme } from '../src/quant/scheme.ts';
import { gpuTensorCoreModel, type GpuArchConfig } from '../src/hw/gpu-tensor-core/model.ts';
import { gemmOp, type GemmPoint } from '../src/compare/stack-fidelity.ts';
import { timeIt } from './timing.ts';
import { getFormat } from '../src/quant/formats.ts';
import type { QuantScheme } from '../src/quant/types.ts';

export default function bench(): void {
  const arch = loadArch('arch-configs/gpu/h100-sxm.json') as GpuArchConfig;
  const measured = JSON.parse(readFileSync(new URL('../data/measured/h100-gemm-llama2-7b-fp16-bf16.json', import.meta.url), 'utf8')) as {
    results: GemmPoint[];
  };
  console.log('H100 GEMM: model vs measured cuBLAS (l2State flushed, as measured)');
  console.log('shape                    M      N      K  dtype  measured    model   error  bound    tile       splitK');
  const errs: number[] = [];
  for (const p of measured.results) {
    const r = gpuTensorCoreModel.simulate(gemmOp(p.M, p.N, p.K), arch, parseQuantScheme(p.dtype), { l2State: 'flushed' });
    const e = r.seconds / p.median_s - 1;
    errs.push(Math.abs(e));
    const b = r.breakdown!;
    console.log(
      `${p.shape.padEnd(20)} ${String(p.M).padStart(5)} ${String(p.N).padStart(6)} ${String(p.K).padStart(6)}  ${p.dtype.padEnd(5)} ${(p.median_s * 1e6).toFixed(1).padStart(7)}µs ${(r.seconds * 1e6).toFixed(1).padStart(7)}µs ${(100 * e).toFixed(1).padStart(6)}%  ${r.bound.padEnd(8)} ${`${b['tileM']}x${b['tileN']}x${b['tileK']}`.padEnd(10)} ${b['splitK']}`,
    );
  }
  errs.sort((a, b) => a - b);
  const median = (errs[(errs.length - 1) >> 1]! + errs[errs.length >> 1]!) / 2;
  console.log(
    `median |error| ${(100 * median).toFixed(1)}% (target ≤ 10%), worst ${(100 * errs[errs.length - 1]!).toFixed(1)}% (target ≤ 35%) over ${errs.length} points`,
  );

  // Every measured dtype (issue 19): fp16/bf16 and the int8 (torch._int_mm, M padded) / tf32 file.
  const tf = getFormat('tf32');
  const tf32: QuantScheme = { name: 'tf32', weights: tf, activations: tf, kv: tf, embeddings: getFormat('fp16') };
  const other = JSON.parse(readFileSync(new URL('../data/measured/h100-gemm-llama2-7b-int8-tf32.json', import.meta.url), 'utf8')) as { results: GemmPoint[] };
  const byDtype = new Map<string, number[]>();
  for (const p of [...measured.results, ...other.results]) {
    const qd = p.dtype === 'tf32' ? tf32 : p.dtype === 'int8' ? parseQuantScheme('w8a8') : parseQuantScheme(p.dtype);
    const r = gpuTensorCoreModel.simulate(gemmOp(Math.max(p.M, p.M_padded_to ?? 0), p.N, p.K), arch, qd, { l2State: 'flushed' });
    const list = byDtype.get(p.dtype) ?? [];
    list.push(Math.abs(r.seconds / p.median_s - 1));
    byDtype.set(p.dtype, list);
  }
  const stats = (a: number[]) => {
    const s = [...a].sort((x, y) => x - y);
    return `median ${((100 * (s[(s.length - 1) >> 1]! + s[s.length >> 1]!)) / 2).toFixed(1)}% p90 ${(100 * s[Math.ceil(0.9 * s.length) - 1]!).toFixed(1)}% worst ${(100 * s[s.length - 1]!).toFixed(1)}% (n=${s.length})`;
  };
  console.log('\nH100 GEMM |error| by dtype (target median ≤ 6 %, p90 ≤ 20 %; int8 via torch._int_mm is the software-stack kernel family, not modeled here)');
  for (const [d, a] of byDtype) console.log(`  ${d.padEnd(5)} ${stats(a)}`);
  console.log(`  all   ${stats([...byDtype.values()].flat())}`);

  console.log('\nH100 power-limited clock (board limit 700 W): large GEMMs, clean L2');
  for (const [m, n, k, d] of [
    [16384, 16384, 16384, 'bf16'],
    [16384, 16384, 16384, 'fp16'],
    [16384, 28672, 8192, 'bf16'],
    [16384, 8192, 28672, 'bf16'],
    [16384, 4096, 4096, 'bf16'],
    [1024, 4096, 4096, 'bf16'],
    [16384, 4096, 4096, 'tf32'],
    [1, 4096, 4096, 'bf16'],
  ] as const) {
    const r = gpuTensorCoreModel.simulate(gemmOp(m, n, k), arch, d === 'tf32' ? tf32 : parseQuantScheme(d));
    const b = r.breakdown!;
    console.log(
      `  ${`${m}x${n}x${k} ${d}`.padEnd(24)} ${((2 * m * n * k) / r.seconds / 1e12).toFixed(0).padStart(5)} TFLOPS  clock ${(b['clockHz']! / 1e6).toFixed(0)} MHz  ${b['powerW']!.toFixed(0)} W (MMA delivery ${b['mmaDeliveryW']!.toFixed(0)}, SM clock tree ${b['activeSmClockW']!.toFixed(0)}, hot-die leakage +${b['leakageExtraW']!.toFixed(0)})`,
    );
  }

  const q = parseQuantScheme('bf16');
  let i = 0;
  const shapes = [gemmOp(1, 4096, 4096), gemmOp(4096, 11008, 4096), gemmOp(256, 4096, 11008), gemmOp(16384, 12288, 4096)];
  const one = timeIt(() => {
    for (let j = 0; j < 100; j++) gpuTensorCoreModel.simulate(shapes[i++ % shapes.length]!, arch, q);
  });
  const perEvalUs = (one.medianMs * 1e3) / 100;
  console.log(`one GEMM evaluation: median ${perEvalUs.toFixed(1)} µs (target < 50 µs) ${perEvalUs < 50 ? 'OK' : 'MISSED'}`);

  const spec = loadModel('workloads/models/llama-3-70b.json');
  const graph = buildGraph(spec, { phase: 'decode', batch: 1, context: 2048 });
  const w16 = parseQuantScheme('w16a16');
  const t = timeIt(() => run(graph, arch, w16, { ignoreCapacity: true }));
  console.log(
    `llama-3-70b decode b1 ctx2048 graph through run() on ${arch.name}: median ${t.medianMs.toFixed(2)} ms (target < 20 ms) ${t.medianMs < 20 ? 'OK' : 'MISSED'}`,
  );

  console.log('\nW4A16 (mixed-input kernel) vs fp16, 1xMx28672x8192 GEMM, clean L2: fp16 / w4a16 time');
  for (const file of ['arch-configs/gpu/h100-sxm.json', 'arch-configs/gpu/a100-sxm-80gb.json']) {
    const a = loadArch(file) as GpuArchConfig;
    const cells = [1, 16, 32, 64, 128, 1024, 8192].map((m) => {
      const f = gpuTensorCoreModel.simulate(gemmOp(m, 28672, 8192), a, w16, { l2State: 'cold' });
      const q4 = gpuTensorCoreModel.simulate(gemmOp(m, 28672, 8192), a, parseQuantScheme('w4a16-g128'), { l2State: 'cold' });
      return `M=${m} ${(f.seconds / q4.seconds).toFixed(2)}x (${q4.bound}, tile m${q4.breakdown!['tileM']})`;
    });
    console.log(`  ${a.name}: ${cells.join(' · ')}`);
  }

  console.log('\naverage power, llama-2-7b w16a16 on H100 (TDP 700 W)');
  const l2 = loadModel('workloads/models/llama-2-7b.json');
  for (const shape of [
    { phase: 'prefill', batch: 1, seq: 2048 },
    { phase: 'prefill', batch: 8, seq: 1024 },
    { phase: 'decode', batch: 1, context: 2048 },
    { phase: 'decode', batch: 64, context: 2048 },
  ] as const) {
    const r = run(buildGraph(l2, shape), arch, w16, { ignoreCapacity: true });
    const e = r.totals.energyPj;
    const tot = e.compute + e.onChip + e.offChip + e.static;
    const pct = (x: number) => `${((100 * x) / tot).toFixed(0)}%`;
    console.log(
      `  ${JSON.stringify(shape)}: ${r.totals.averagePowerW.toFixed(0)} W (compute ${pct(e.compute)}, on-chip ${pct(e.onChip)}, off-chip ${pct(e.offChip)}, static ${pct(e.static)})`,
    );
  }
}
