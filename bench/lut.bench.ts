/**
 * LUT tensor-core model figures: T-MAC decode tokens/s against the published table
 * (data/reference/lut.json), LUT Tensor Core vs dequantize-then-MMA on the same chip, and the
 * time to build + simulate one decode step.
 */
import { readFileSync } from 'node:fs';
import { loadArch, loadModel } from '../src/config/load.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { run } from '../src/engine/run.ts';
import { parseQuantScheme } from '../src/quant/scheme.ts';
import { deepMerge } from '../src/config/merge.ts';
import { getModel } from '../src/hw/registry.ts';
import type { GemmOp } from '../src/workload/graph.ts';
import { timeIt } from './timing.ts';

const ARCH: Record<string, string> = {
  'M2-Ultra': 'arch-configs/lut/tmac-m2-ultra.json',
  'Raspberry Pi 5': 'arch-configs/lut/tmac-raspberry-pi-5.json',
  'Snapdragon X Elite': 'arch-configs/lut/tmac-surface-laptop-7.json',
  'Jetson AGX Orin': 'arch-configs/lut/tmac-jetson-agx-orin-cpu.json',
};
const WORKLOAD: Record<string, [string, string]> = {
  'BitNet-3B': ['bitnet-b1.58-3b', 'w1.58a8'],
  'Llama-2-7B (W2)': ['llama-2-7b', 'w2a16-g128'],
  'Llama-2-7B (W4)': ['llama-2-7b', 'w4a16-g128'],
};

export default function bench(): void {
  const ref = JSON.parse(readFileSync(new URL('../data/reference/lut.json', import.meta.url), 'utf8')) as { t_mac: { param: string; value: unknown }[] };
  type Row = { model: string; device: string; threads: number; tmac_tokens_per_s: number; context?: number };
  const find = (p: string) => ref.t_mac.find((e) => e.param === p)!.value;
  const rows: Row[] = [
    ...(find('decode_throughput_table') as Row[]),
    { model: 'BitNet-3B', device: 'Snapdragon X Elite', threads: 1, tmac_tokens_per_s: 20 },
    { model: 'BitNet-3B', device: 'Snapdragon X Elite', threads: 4, tmac_tokens_per_s: 48 },
    ...(find('snapdragon_x_elite') as { framework: string; model: string; threads?: number; tokens_per_s: number }[])
      .filter((r) => r.framework === 'T-MAC CPU')
      .map((r) => ({
        model: r.model === 'llama-2-7b W4' ? 'Llama-2-7B (W4)' : 'Llama-2-7B (W2)',
        device: 'Snapdragon X Elite',
        threads: r.threads!,
        tmac_tokens_per_s: r.tokens_per_s,
        context: 1536,
      })),
    {
      model: 'Llama-2-7B (W2)',
      device: 'Jetson AGX Orin',
      threads: 12,
      tmac_tokens_per_s: (find('orin_energy_llama2_7b_w2') as { framework: string; tokens_per_s: number }[]).find((r) => r.framework === 'T-MAC CPU')!
        .tokens_per_s,
    },
  ];
  console.log(
    'T-MAC decode tokens/s (batch 1, context 128; X Elite Llama rows 1536): model vs published, per-token barrier time, instructions, and residual (published − model time per token)',
  );
  for (const r of rows) {
    const [model, quant] = WORKLOAD[r.model]!;
    const g = buildGraph(loadModel(`workloads/models/${model}.json`), { phase: 'decode', batch: 1, context: r.context ?? 128 });
    const res = run(g, loadArch(ARCH[r.device]!), parseQuantScheme(quant), { threads: r.threads });
    const tps = res.totals.tokensPerSecond;
    let syncS = 0;
    let instructions = 0;
    for (const o of res.ops) {
      syncS += o.breakdown?.['syncSeconds'] ?? 0;
      instructions += o.breakdown?.['instructions'] ?? 0;
    }
    console.log(
      `  ${r.device.padEnd(18)} ${r.model.padEnd(16)} ${String(r.threads).padStart(2)} thr  model ${tps.toFixed(2).padStart(7)}  published ${r.tmac_tokens_per_s.toFixed(2).padStart(6)}  ${((tps / r.tmac_tokens_per_s - 1) * 100).toFixed(0).padStart(4)}%  sync ${(syncS * 1e3).toFixed(2)} ms/token  ${(instructions / 1e9).toFixed(2)} G instr/token  ${res.totals.energyPerTokenJ.toFixed(3)} J/token  residual ${((1 / r.tmac_tokens_per_s - 1 / tps) * 1e3).toFixed(1)} ms/token`,
    );
  }

  const ltc = loadArch('arch-configs/lut/lut-tensor-core-a100.json');
  const mac = deepMerge(ltc, { lut: { weightBits: [8] } }) as typeof ltc;
  const m = getModel('lut-tensor-core');
  const op: GemmOp = {
    id: 'g',
    name: 'g',
    kind: 'gemm',
    cls: 'mlp',
    layer: 0,
    phase: 'prefill',
    deps: [],
    m: 4096,
    n: 4096,
    k: 4096,
    batch: 1,
    weight: 'layer',
    bias: false,
  };
  console.log('LUT Tensor Core vs dequantize-then-MMA on the same A100-like chip, 4096³ GEMM');
  for (const a of ['16', '8']) {
    for (const b of [1, 2, 3, 4]) {
      const q = parseQuantScheme(`w${b}a${a}`);
      const l = m.simulate(op, ltc, q);
      const d = m.simulate(op, mac, q);
      console.log(
        `  W${b}A${a}: time ${(l.seconds * 1e6).toFixed(0)} µs vs ${(d.seconds * 1e6).toFixed(0)} µs (×${(d.seconds / l.seconds).toFixed(2)}), compute energy ×${(d.energyPj.compute / l.energyPj.compute).toFixed(1)} in favour of LUT`,
      );
    }
  }

  const spec = loadModel('workloads/models/llama-2-7b.json');
  const pi = loadArch(ARCH['Raspberry Pi 5']!);
  const q = parseQuantScheme('w2a16-g128');
  const t = timeIt(() => run(buildGraph(spec, { phase: 'decode', batch: 1, context: 128 }), pi, q, { threads: 2 }));
  console.log(`llama-2-7b decode build+simulate on the Pi 5 T-MAC model: median ${t.medianMs.toFixed(2)} ms`);
}
