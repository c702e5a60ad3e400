/**
 * PIM DRAM model figures: the PIMSimulator checks (cycles, speedups), the batch where the host
 * overtakes PIM, NeuPIMs' gains, and how long a whole decode step takes to simulate.
 */
import { loadArch, loadModel } from '../src/config/load.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { run } from '../src/engine/run.ts';
import { parseQuantScheme } from '../src/quant/scheme.ts';
import { simulatePim, planOp } from '../src/hw/pim-dram/model.ts';
import { hostStream, resolveDram } from '../src/hw/pim-dram/dram.ts';
import { scheduleGraph } from '../src/hw/pim-dram/concurrency.ts';
import { systolicGemm } from '../src/hw/pim-dram/systolic.ts';
import type { PimArchConfig } from '../src/hw/pim-dram/schema.ts';
import type { AttentionOp, GemmOp, Op } from '../src/workload/graph.ts';
import { standaloneGemm } from '../src/workload/graph.ts';
import { shardStage } from '../src/parallel/shard.ts';
import { deviceMeta } from '../src/parallel/device-meta.ts';
import { stageLayers } from '../src/parallel/partition.ts';
import { SINGLE_DEVICE_PLAN } from '../src/parallel/plan.ts';
import { timeIt } from './timing.ts';

const gemv = (n: number, k: number, m = 1): GemmOp => standaloneGemm(m, n, k, { name: 'g', cls: 'mlp', phase: 'decode' });

export default function bench(): void {
  const q = parseQuantScheme('fp16');
  const base = loadArch('arch-configs/pim/hbm-pim-aquabolt-xl.json') as PimArchConfig;
  const c: PimArchConfig = { ...base, pim: { ...base.pim, dispatch: { gemm: 'pim', attention: 'pim', elementwise: 'pim' } } };
  const d = resolveDram(c);
  const g = simulatePim(gemv(4096, 4096), c, q).cycles;
  const h = hostStream(d, 33570816).cycles;
  console.log(
    `HBM-PIM GEMV 4096x4096 fp16: PIM ${g} cycles (PIMSimulator 13300 incl. read-back), host read ${h} (36082), speedup ${(h / g).toFixed(2)} (2.71)`,
  );
  for (const [fn, E, inputs, pimRef, hostRef, bytes] of [
    ['add', 1048576, 2, 3349, 6651, 6291456],
    ['mul', 2097152, 2, 5926, 13255, 12582912],
    ['relu', 4194304, 1, 7665, 17504, 16777216],
  ] as const) {
    const op: Op = { id: 'e', name: 'e', cls: 'residual', layer: 0, phase: 'decode', deps: [], kind: 'elementwise', fn, elements: E, inputs };
    const p = simulatePim(op, c, q).cycles;
    const hh = hostStream(d, bytes).cycles;
    console.log(
      `HBM-PIM ${fn.toUpperCase()} ${E}: PIM ${p} cycles (${pimRef}), host ${hh} (${hostRef}), speedup ${(hh / p).toFixed(2)} (${(hostRef / pimRef).toFixed(2)})`,
    );
  }
  // Kernel program (issue 26): padded tiles and mode switches; references: 4096x4096 and
  // 1024x4096 (one 4096-output tile, the same command stream in PIMSimulator) 13300 cycles;
  // 4096x1024 ~3540 (issue 26's PIMSimulator run: the model's former 3002 was 18% fast).
  const bare: PimArchConfig = { ...c, pim: { ...c.pim, kernel: { outputTile: 'channel', padTiles: false, modeSwitchesPerKernel: 0, modeSwitchesPerPass: 0 } } };
  for (const [n, k, ref] of [
    [4096, 4096, 13300],
    [1024, 4096, 13300],
    [4096, 1024, 3542],
    [4096, 128, NaN],
    [4096, 129, NaN],
    [4097, 4096, NaN],
  ] as const) {
    const withProgram = simulatePim(gemv(n, k), c, q).cycles;
    const without = simulatePim(gemv(n, k), bare, q).cycles;
    console.log(
      `HBM-PIM GEMV ${n}x${k} (out x in): ${withProgram} cycles with the kernel program, ${without} without${Number.isNaN(ref) ? '' : ` (PIMSimulator ${ref}: ${(100 * (withProgram / ref - 1)).toFixed(1)}% vs ${(100 * (without / ref - 1)).toFixed(1)}%)`}`,
    );
  }
  let m = 1;
  while (planOp(gemv(4096, 4096, m), base, q).unit === 'pim') m++;
  console.log(`host GEMM overtakes PIM (4096x4096, auto dispatch) at batch ${m}`);

  const neu = loadArch('arch-configs/pim/neupims.json') as PimArchConfig;
  const gpt3 = loadModel('test/hw/pim-dram/fixtures/gpt3-7b.json');
  const sys = neu.pim.host.systolic!;
  for (const m of [64, 128, 256]) {
    const r = systolicGemm({ m, k: 4096, n: 16384, actBytes: 2, weightBytes: 2 }, sys);
    console.log(
      `NeuPIMs NPU GEMM ${m}x4096x16384: ${r.cycles} cycles, L2 tile ${r.l2.m}x${r.l2.k}x${r.l2.n}, array utilization ${(100 * r.utilization).toFixed(1)}%`,
    );
  }
  // NeuPIMs across operating points (issue 26; docs/models/pim-dram.md): vs NPU-only / vs naive
  // NPU+PIM / PIM busy over NPU busy; '*' marks a point that does not fit 32 GiB.
  const npuOnly: PimArchConfig = {
    ...neu,
    pim: { ...neu.pim, dispatch: { gemm: 'host', attention: 'host', elementwise: 'host' }, concurrency: { dualRowBuffer: false, subBatchInterleave: false } },
  };
  const naiveCfg: PimArchConfig = { ...neu, pim: { ...neu.pim, concurrency: { dualRowBuffer: false, subBatchInterleave: false } } };
  const contexts = [64, 128, 256, 512, 1024];
  console.log(
    `NeuPIMs GPT-3 7B decode, vs NPU-only (published 2.4x) / vs naive NPU+PIM (1.6x) / PIM busy:NPU busy (published utilizations 26%:65% = 0.40); contexts ${contexts.join(', ')}`,
  );
  for (const batch of [32, 64, 128, 256, 512]) {
    const cells = contexts.map((context) => {
      const graph = buildGraph(gpt3, { phase: 'decode', batch, context });
      const full = scheduleGraph(graph, neu, q);
      const fits = run(graph, neu, q, { ignoreCapacity: true, totalsOnly: true }).memory.fits;
      return `${fits ? ' ' : '*'}${(scheduleGraph(graph, npuOnly, q).seconds / full.seconds).toFixed(2)}/${(scheduleGraph(graph, naiveCfg, q).seconds / full.seconds).toFixed(2)}/${(full.pimBusySeconds / full.hostBusySeconds).toFixed(2)}`;
    });
    console.log(`  b${String(batch).padEnd(4)}${cells.join('  ')}`);
  }
  // The authors' evaluation setting (issue 26; test/hw/pim-dram/neupims-eval.test.ts): each device
  // holds a tensor-parallel quarter of GPT-3 7B (n_tp 4); 308 = the ShareGPT pools' mean length.
  const plan = { ...SINGLE_DEVICE_PLAN, tp: 4 };
  const tpContexts = [64, 128, 308, 512, 1024];
  console.log(`NeuPIMs GPT-3 7B decode, one TP-4 device, same columns, i = sub-batches interleaved; contexts ${tpContexts.join(', ')}`);
  for (const batch of [32, 64, 128, 256, 512]) {
    const cells = tpContexts.map((context) => {
      const g = buildGraph(gpt3, { phase: 'decode', batch, context });
      const ops = shardStage(g.ops, { plan, dModel: 4096, wireBytes: 2, tokens: batch }).ops;
      const kvHeads = (ops.find((o) => o.kind === 'attention') as AttentionOp).kvHeads;
      const graph = {
        ...g,
        ops,
        meta: deviceMeta({ graph: g, ops, plan, layers: stageLayers(gpt3.layers, 1)[0]!, firstStage: true, lastStage: true, kvHeads }),
      };
      const full = scheduleGraph(graph, neu, q);
      const fits = run(graph, neu, q, { ignoreCapacity: true, totalsOnly: true }).memory.fits;
      return `${fits ? ' ' : '*'}${(scheduleGraph(graph, npuOnly, q).seconds / full.seconds).toFixed(2)}/${(scheduleGraph(graph, naiveCfg, q).seconds / full.seconds).toFixed(2)}/${(full.pimBusySeconds / full.hostBusySeconds).toFixed(2)}${full.breakdown['subBatchInterleaved'] ? 'i' : ' '}`;
    });
    console.log(`  b${String(batch).padEnd(4)}${cells.join('  ')}`);
  }

  const llama = loadModel('workloads/models/llama-2-7b.json');
  for (const f of ['hbm-pim-aquabolt-xl', 'neupims']) {
    const arch = loadArch(`arch-configs/pim/${f}.json`);
    const t = timeIt(() => run(buildGraph(llama, { phase: 'decode', batch: 8, context: 2048 }), arch, q, { ignoreCapacity: true }), { warmup: 1, runs: 5 });
    console.log(`llama-2-7b decode b8 ctx2048 on ${f}: build+simulate median ${t.medianMs.toFixed(1)} ms`);
  }
}
