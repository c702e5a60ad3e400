import { describe, expect, it } from 'vitest';
import { createEvaluator, run } from '../../src/engine/run.ts';
import { opGroups } from '../../src/engine/op-groups.ts';
import { buildFor, makeArch, ROOT } from '../helpers.ts';
import { loadQuant } from '../../src/config/load.ts';
import { opShapeKey } from '../../src/workload/ops.ts';
import type { OpGraph } from '../../src/workload/graph.ts';
import type { ArchConfig } from '../../src/arch/base.ts';

/** The op-by-op walk the engine did before grouping: every op evaluated, summed in graph order. */
function opByOp(g: OpGraph, arch: ArchConfig, quant: string, loadedSeconds?: number) {
  const ev = createEvaluator(arch, loadQuant(quant), loadedSeconds === undefined ? {} : { loadedSeconds });
  let seconds = 0,
    rooflineSeconds = 0,
    flops = 0,
    bytes = 0,
    compute = 0,
    onChip = 0,
    offChip = 0,
    stat = 0;
  const ops = g.ops.map((op) => {
    const { r, p } = ev(op);
    seconds += r.seconds;
    rooflineSeconds += p.seconds;
    flops += r.flops;
    bytes += r.bytes['dram'] ?? 0;
    compute += r.energyPj.compute;
    onChip += r.energyPj.onChip;
    offChip += r.energyPj.offChip;
    stat += r.energyPj.static;
    return { id: op.id, seconds: r.seconds, flops: r.flops, energyPj: r.energyPj, roofline: p.seconds };
  });
  return { seconds, rooflineSeconds, flops, bytes, energyPj: { compute, onChip, offChip, static: stat }, ops };
}

describe('engine: identical ops evaluated once per group', () => {
  it('Llama-2-7B decode: 451 ops in 17 groups (32 identical layers), counts add up to the ops', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 8, context: 2048 });
    const { reps, seq, counts } = opGroups(g);
    expect(g.ops).toHaveLength(451);
    expect(reps).toHaveLength(17);
    expect([...counts].reduce((a, b) => a + b, 0)).toBe(451);
    expect(counts.filter((c) => c === 32)).toHaveLength(14); // every per-layer op, once per layer
    // every op of a group has the representative's shape, name and class
    g.ops.forEach((op, i) => {
      const rep = reps[seq[i]!]!;
      expect([opShapeKey(op), op.name, op.cls]).toEqual([opShapeKey(rep), rep.name, rep.cls]);
    });
    expect(opGroups(g)).toBe(opGroups(g)); // computed once per graph
  });

  it('k_proj and v_proj share a shape but stay apart (a model may fuse one and not the other)', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 10 });
    const { reps } = opGroups(g);
    const k = reps.find((o) => o.name === 'k_proj')!;
    const v = reps.find((o) => o.name === 'v_proj')!;
    expect(opShapeKey(k)).toBe(opShapeKey(v));
    expect(k).not.toBe(v);
  });

  // Models whose layers differ: MoE (experts with fractional counts), alternating sliding/global
  // attention (Gemma 2 and 3), sliding window everywhere (Mistral), MoE + sliding (gpt-oss), MLA.
  const cases: [string, string, string][] = [
    ['llama-2-7b', 'gpu/h100-sxm', 'w4a16-g128'],
    ['mixtral-8x7b', 'gpu/h100-sxm', 'w16a16'],
    ['gemma-2-9b', 'gpu/h100-sxm', 'w8a8'],
    ['gemma-3-4b', 'fpga/u280-flightllm', `${ROOT}/workloads/quant/flightllm-w4a8.json`],
    ['mistral-7b', 'pim/neupims', 'w16a16'],
    ['gpt-oss-20b', 'gpu/h200', 'fp8'],
    ['deepseek-v2-lite', 'lut/lut-tensor-core-a100', 'w2a16'],
  ];
  for (const [model, archName, quant] of cases) {
    it(`${model} on ${archName} (${quant}): grouped totals and per-op rows are bit-identical to an op-by-op walk`, () => {
      const arch = makeArch(archName);
      for (const w of [
        { phase: 'decode' as const, batch: 4, context: 4100 },
        { phase: 'prefill' as const, batch: 1, seq: 300 },
      ]) {
        const g = buildFor(model, w);
        // one given history for both (a sustained power limit's bench history is settled by whole-step passes)
        const r = run(g, arch, loadQuant(quant), { ignoreCapacity: true, powerHistory: 0.05 });
        const ref = opByOp(g, arch, quant, r.powerHistory ? 0.05 : undefined);
        if (!r.schedule) expect(r.totals.seconds).toBe(ref.seconds);
        expect(r.totals.sequentialSeconds ?? r.totals.seconds).toBe(ref.seconds);
        expect(r.totals.rooflineSeconds).toBe(ref.rooflineSeconds);
        expect(r.totals.flops).toBe(ref.flops);
        expect(r.totals.bytes).toBe(ref.bytes);
        expect(r.totals.energyPj).toEqual(ref.energyPj);
        expect(r.ops.map((o) => ({ id: o.id, seconds: o.seconds, flops: o.flops, energyPj: o.energyPj, roofline: o.roofline.seconds }))).toEqual(ref.ops);
        expect(opGroups(g).reps.length).toBeLessThan(g.ops.length / 2);
      }
    });
  }
});
