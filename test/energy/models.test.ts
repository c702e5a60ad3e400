/**
 * Energy across every registered hardware model and its presets in arch-configs/: the joules a
 * model reports come from energy/ (sources traced into RunResult), are additive over ops, follow
 * the bits a format moves, and honour arch overrides.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, buildFor } from '../helpers.ts';
import { loadArch } from '../../src/config/load.ts';
import type { ArchConfig } from '../../src/config/arch.ts';
import { getModel, hardwareKinds } from '../../src/hw/registry.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import type { GemmOp } from '../../src/workload/graph.ts';
import { run } from '../../src/engine/run.ts';
import { memoryEnergy, totalPj, traceEnergySources } from '../../src/energy/account.ts';
import { InfeasibleError } from '../../src/util/errors.ts';

/** Every preset of every registered kind. */
function presets(): { file: string; arch: ArchConfig }[] {
  const out: { file: string; arch: ArchConfig }[] = [];
  const kinds = new Set(hardwareKinds());
  for (const dir of readdirSync(resolve(ROOT, 'arch-configs'))) {
    for (const f of readdirSync(resolve(ROOT, 'arch-configs', dir))) {
      if (!f.endsWith('.json')) continue;
      const arch = loadArch(resolve(ROOT, 'arch-configs', dir, f));
      if (kinds.has(arch.kind)) out.push({ file: `${dir}/${f}`, arch });
    }
  }
  return out;
}

const GEMV: GemmOp = {
  id: 'g',
  name: 'gemv',
  cls: 'mlp',
  layer: 0,
  phase: 'decode',
  deps: [],
  kind: 'gemm',
  m: 1,
  n: 4096,
  k: 4096,
  batch: 1,
  weight: 'layer',
  bias: false,
};

/** Triples of schemes whose weight bits halve twice; a model uses the first it runs on one path. */
const TRIPLES: [string, string, string][] = [
  ['w16a16', 'w8a16', 'w4a16'],
  ['w8a16', 'w4a16', 'w2a16'],
  ['w8a8', 'w4a8', 'w2a8'],
  ['w4a16', 'w2a16', 'w1a16'],
];

describe.each(presets())('energy of $file', ({ arch }) => {
  const model = getModel(arch.kind);

  it('halvingWeightBitsHalvesWeightDramEnergy on a memory-bound GEMV', () => {
    // Off-chip energy E(b) = A + c·bits(b): the weights' share is proportional to their stored
    // bits per element (scales included), the rest (activations in/out, broadcasts) does not
    // depend on them. Three points on one datapath (same energy entries) pin both terms.
    let checked = '';
    for (const triple of TRIPLES) {
      const qs = triple.map((t) => parseQuantScheme(t));
      let runs;
      try {
        runs = qs.map((q) => traceEnergySources(() => model.simulate(GEMV, arch, q)));
      } catch (e) {
        if (e instanceof InfeasibleError) continue;
        throw e;
      }
      const paths = runs.map((r) => r.sources.map((s) => s.key).join(','));
      if (new Set(paths).size !== 1) continue; // the model changed datapath (e.g. a PIM falling back to the host)
      const [e0, e1, e2] = runs.map((r) => r.result.energyPj.offChip) as [number, number, number];
      const [b0, b1, b2] = qs.map((q) => q.weights.bitsPerElement) as [number, number, number];
      const slopeHi = (e0 - e1) / (b0 - b1);
      const slopeLo = (e1 - e2) / (b1 - b2);
      expect(slopeHi, `${triple.join(' → ')}: weight energy per stored bit`).toBeGreaterThan(0);
      expect(slopeLo / slopeHi, `${triple.join(' → ')}: linear in bits`).toBeCloseTo(1, 2);
      const fixed = e1 - slopeHi * b1;
      expect(fixed, `${triple.join(' → ')}: the non-weight part`).toBeGreaterThan(-1e-6 * e1);
      // so the weights' off-chip energy at the lower width is bits(lo)/bits(hi) of the higher's
      expect((e2 - fixed) / (e1 - fixed)).toBeCloseTo(b2 / b1, 2);
      checked = triple.join(' → ');
      break;
    }
    if (!checked) {
      // every halving moves this model to another datapath: say so rather than pass silently
      expect.soft(checked, `${arch.name}: no weight-bit halving on one datapath`).not.toBe('');
    }
  });

  it('isAdditiveOverOps and lists a sourced entry for every joule', () => {
    const graph = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 512 });
    const q = parseQuantScheme(arch.kind === 'lut-tensor-core' ? 'w2a16' : 'w16a16');
    let r;
    try {
      r = run(graph, arch, q, { ignoreCapacity: true });
    } catch (e) {
      if (e instanceof InfeasibleError) return;
      throw e;
    }
    const sum = r.ops.reduce((s, o) => s + totalPj(o.energyPj), 0);
    expect(r.totals.energyJ).toBeCloseTo(sum * 1e-12, 9);
    expect(r.totals.energyPerTokenJ).toBeCloseTo(r.totals.energyJ / r.workload.tokens, 12);
    expect(r.totals.averagePowerW).toBeCloseTo(r.totals.energyJ / r.totals.seconds, 6);
    expect(r.energySources.length).toBeGreaterThan(0);
    const keys = r.energySources.map((s) => s.key);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of r.energySources) {
      expect(s.source.length, s.key).toBeGreaterThan(10);
      expect(s.overridden, s.key).toBe(false);
    }
    // the main memory's entry is among them whenever weights were read from DRAM
    if (r.totals.energyPj.offChip > 0) expect(keys.some((k) => k.startsWith('memory:'))).toBe(true);
  });

  it('an arch override of the DRAM energy shows in energySources and in the joules', () => {
    const graph = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 512 });
    const q = parseQuantScheme(arch.kind === 'lut-tensor-core' ? 'w2a16' : 'w16a16');
    const table = memoryEnergy('dram', arch).appliedPj;
    const over: ArchConfig = { ...arch, energy: { ...(arch.energy ?? {}), dram: { valuePj: 2 * table, source: 'test: twice the table' } } };
    let base;
    let doubled;
    try {
      // no run history: more DRAM energy may lift a kernel over a sustained power limit (H100/H200),
      // whose lower clock would change its compute energy too (engine/power-history.ts)
      base = run(graph, arch, q, { ignoreCapacity: true, powerHistory: 'idle' });
      doubled = run(graph, over, q, { ignoreCapacity: true, powerHistory: 'idle' });
    } catch (e) {
      if (e instanceof InfeasibleError) return;
      throw e;
    }
    const used = doubled.energySources.find((s) => s.key === `memory:${arch.memory.type}`);
    if (!used) return; // this model keeps its weights off the external bus (e.g. PIM bank-local)
    expect(used.overridden).toBe(true);
    expect(used.source).toBe('arch override: test: twice the table');
    expect(doubled.totals.energyPj.offChip).toBeGreaterThan(base.totals.energyPj.offChip);
    expect(doubled.totals.energyPj.compute).toBeCloseTo(base.totals.energyPj.compute, 3);
  });
});
