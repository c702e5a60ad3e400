/**
 * FPGA DSP-chain model (issue 6): LLaMA-2-7B decode at batch 1 on the FlightLLM presets against
 * the published figures (U280 55 token/s measured; VHK158 ~92.5 token/s from the authors' model),
 * the effect of sparsity and always-on-chip decode, DSP utilization, and the cost of a run.
 */
import { loadArch, loadModel, loadQuant } from '../src/config/load.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { run } from '../src/engine/run.ts';
import type { FpgaArchConfig } from '../src/hw/fpga-dsp-chain/config.ts';
import { timeIt } from './timing.ts';

export default function bench(): void {
  const spec = loadModel('workloads/models/llama-2-7b.json');
  const q = loadQuant('workloads/quant/flightllm-w4a8.json');
  const presets: [string, number][] = [
    ['arch-configs/fpga/u280-flightllm.json', 55],
    ['arch-configs/fpga/vhk158-flightllm.json', 92.5],
  ];
  console.log('LLaMA-2-7B decode, batch 1, flightllm-w4a8 (token/s; gap vs published)');
  console.log('preset                      context  token/s    gap  dense-q/k  no-on-chip  DSP util  mJ/token');
  for (const [file, published] of presets) {
    const arch = loadArch(file) as FpgaArchConfig;
    const dense = structuredClone(arch);
    dense.fpga.accelerator.sparsity = [];
    const offChip = structuredClone(arch);
    offChip.fpga.accelerator.alwaysOnChipDecode = false;
    const a = arch.fpga.accelerator;
    const peakMacsPerCycle = a.cores * a.mpe.chains * a.mpe.chainLength * (a.mpe.productsPerDsp['int8'] ?? 1);
    for (const context of [128, 512, 1024, 2047]) {
      const g = buildGraph(spec, { phase: 'decode', batch: 1, context });
      const r = run(g, arch, q);
      const macs = r.ops.reduce((s, o) => s + (o.breakdown?.['usefulMacs'] ?? 0), 0);
      const util = macs / (r.totals.seconds * a.clockHz * peakMacsPerCycle);
      const t = r.totals.tokensPerSecond;
      console.log(
        `${file.replace('arch-configs/fpga/', '').padEnd(27)} ${String(context).padStart(7)} ${t.toFixed(1).padStart(8)} ${`${(100 * (t / published - 1)).toFixed(1)}%`.padStart(6)}` +
          ` ${run(g, dense, q).totals.tokensPerSecond.toFixed(1).padStart(10)} ${run(g, offChip, q).totals.tokensPerSecond.toFixed(1).padStart(11)}` +
          ` ${`${(100 * util).toFixed(1)}%`.padStart(9)} ${(r.totals.energyPerTokenJ * 1e3).toFixed(1).padStart(9)}`,
      );
    }
  }
  const arch = loadArch(presets[0]![0]);
  const t = timeIt(() => run(buildGraph(spec, { phase: 'decode', batch: 1, context: 2048 }), arch, q));
  console.log(`build + run LLaMA-2-7B decode on the U280 preset: median ${t.medianMs.toFixed(2)} ms`);
}
