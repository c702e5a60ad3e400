/** Issue 22 target: Llama-3-405B decode on two DGX H100 nodes (TP 8 × PP 2) simulates in < 50 ms. */
import { loadModel, loadQuant } from '../src/config/load.ts';
import { loadSystem } from '../src/system/load.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { simulateSystem } from '../src/parallel/run-system.ts';
import { timeIt } from './timing.ts';

export default function bench(): void {
  const spec = loadModel('workloads/models/llama-3-405b.json');
  const system = loadSystem('dgx-h100-2node-ib');
  const quant = loadQuant('w16a16');
  const plan = { tp: 8, pp: 2, ep: 1, dp: 1, sequenceParallel: false, overlap: false };
  let step = 0;
  let comm = 0;
  const t = timeIt(() => {
    const r = simulateSystem({ build: (b) => buildGraph(spec, { phase: 'decode', batch: b, context: 2048 }), batch: 8, system, quant, plan });
    step = r.totals.seconds;
    comm = r.system.communicationShare;
  }, { warmup: 2, runs: 9 });
  console.log(`llama-3-405b decode batch 8 context 2048 on 2× DGX H100 (TP 8 × PP 2): median ${t.medianMs.toFixed(1)} ms to simulate; step ${(step * 1e3).toFixed(2)} ms, communication ${(comm * 100).toFixed(1)}% (target < 50 ms) ${t.medianMs < 50 ? 'OK' : 'MISSED'}`);
  const t2 = timeIt(() => {
    simulateSystem({ build: (b) => buildGraph(spec, { phase: 'decode', batch: b, context: 2048 }), batch: 8, system, quant, plan, totalsOnly: true });
  }, { warmup: 2, runs: 9 });
  console.log(`  same, totals only (sweep points): median ${t2.medianMs.toFixed(1)} ms`);
}
