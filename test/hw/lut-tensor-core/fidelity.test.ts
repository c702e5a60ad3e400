/**
 * T-MAC's published decode throughput (data/reference/lut.json, from microsoft/T-MAC
 * docs/profiling_data.md: batch 1, CPU only, llama.cpp b2794) reproduced from the arch configs
 * alone. The model is not fitted to these rows; each row is checked with the tolerance below.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadArch, loadQuant } from '../../../src/config/load.ts';
import { run } from '../../../src/engine/run.ts';
import { cpuBandwidthBps, type CpuArch } from '../../../src/hw/lut-tensor-core/cpu.ts';
import { archPath, buildFor, DATA } from '../../helpers.ts';

/** Fidelity tolerance: |model / published − 1| ≤ 25%. */
const TOLERANCE = 0.25;
/** Decode at a short context (T-MAC's e2e runs generate from a short prompt). */
const CONTEXT = 128;

interface Row {
  model: string;
  device: string;
  threads: number;
  tmac_tokens_per_s: number;
}
const ref = JSON.parse(readFileSync(resolve(DATA, 'reference/lut.json'), 'utf8')) as { t_mac: { param: string; value: unknown }[] };
const rows = ref.t_mac.find((e) => e.param === 'decode_throughput_table')!.value as Row[];

const ARCH: Record<string, string> = {
  'M2-Ultra': 'lut/tmac-m2-ultra',
  'Raspberry Pi 5': 'lut/tmac-raspberry-pi-5',
  'Snapdragon X Elite': 'lut/tmac-surface-laptop-7',
};
/** T-MAC runs BitNet-3B as 2-bit (ternary coded in 2 bits) with int8 activations; Llama-2 W2/W4 are group-128 with fp16 activations. */
const WORKLOAD: Record<string, { model: string; quant: string }> = {
  'BitNet-3B': { model: 'bitnet-b1.58-3b', quant: 'w1.58a8' },
  'Llama-2-7B (W2)': { model: 'llama-2-7b', quant: 'w2a16-g128' },
  'Llama-2-7B (W4)': { model: 'llama-2-7b', quant: 'w4a16-g128' },
};

const graphs = new Map<string, ReturnType<typeof buildFor>>();
function tokensPerSecond(device: string, workload: string, threads: number, context = CONTEXT): number {
  const w = WORKLOAD[workload]!;
  const key = `${w.model}@${context}`;
  let g = graphs.get(key);
  if (!g) graphs.set(key, (g = buildFor(w.model, { phase: 'decode', batch: 1, context })));
  return run(g, loadArch(archPath(ARCH[device]!)), loadQuant(w.quant), { threads }).totals.tokensPerSecond;
}

/**
 * Rows the model does not reproduce today, with the reason (docs/models/lut-tensor-core.md,
 * "Known gaps"). They are checked to stay over-predicted within the stated bound, so a model
 * change that moves them shows up here.
 */
const KNOWN_GAPS: Record<string, { maxRatio: number; why: string }> = {
  'BitNet-3B|M2-Ultra|1': {
    maxRatio: 1.45,
    why: 'BitNet runs ~1.5× slower per weight than Llama W2 on one M2 core in T-MAC; not explained by lookups, bytes, table builds or barriers',
  },
  'BitNet-3B|M2-Ultra|4': {
    maxRatio: 2.0,
    why: 'a fixed ~8 ms per token the model lacks; not bandwidth: the M2 Ultra CPU is measured copying 179 GB/s with 4 threads (whisper.cpp bench)',
  },
  'Llama-2-7B (W2)|M2-Ultra|8': {
    maxRatio: 2.1,
    why: 'a fixed ~10 ms per token the model lacks, the same as W4 (per token, not per byte); barriers add 0.6 ms of it',
  },
  'Llama-2-7B (W4)|M2-Ultra|8': { maxRatio: 1.7, why: 'a fixed ~10 ms per token the model lacks, the same as W2 (per token, not per byte)' },
};

describe(`T-MAC decode tokens/s within ${TOLERANCE * 100}% of published`, () => {
  for (const r of rows) {
    const key = `${r.model}|${r.device}|${r.threads}`;
    const gap = KNOWN_GAPS[key];
    if (gap) {
      it(`knownGap: ${r.model} on ${r.device}, ${r.threads} thread(s): over-predicted, below ${gap.maxRatio}× of ${r.tmac_tokens_per_s} (${gap.why})`, () => {
        const ratio = tokensPerSecond(r.device, r.model, r.threads) / r.tmac_tokens_per_s;
        expect(ratio).toBeGreaterThan(1 + TOLERANCE);
        expect(ratio).toBeLessThan(gap.maxRatio);
      });
    } else {
      it(`${r.model} on ${r.device}, ${r.threads} thread(s): ${r.tmac_tokens_per_s} tok/s`, () => {
        const model = tokensPerSecond(r.device, r.model, r.threads);
        expect(Math.abs(model / r.tmac_tokens_per_s - 1)).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  }
});

// Why the M2 Ultra multi-thread rows stay known gaps (docs/models/lut-tensor-core.md): the
// published shortfall is a per-token time that does not grow with the bytes moved, so it is not
// a DRAM bandwidth limit, and the modeled CPU bandwidth is already below what the M2 Ultra's CPU
// is measured to move (whisper.cpp scripts/bench-all-gg.txt, 'M2 Ultra' memcpy: 198 GB/s copied
// with 8 threads = ~396 GB/s of read + write traffic).
describe('M2 Ultra multi-thread gap: per token, not per byte', () => {
  const pub = (m: string, t: number) => rows.find((r) => r.model === m && r.device === 'M2-Ultra' && r.threads === t)!.tmac_tokens_per_s;
  const gapSeconds = (m: string, t: number) => 1 / pub(m, t) - 1 / tokensPerSecond('M2-Ultra', m, t);
  it('W4 at 8 threads moves ~1.7× the bytes of W2, yet misses about the same time per token (within 25%)', () => {
    const w2 = gapSeconds('Llama-2-7B (W2)', 8);
    const w4 = gapSeconds('Llama-2-7B (W4)', 8);
    expect(w2).toBeGreaterThan(0);
    // A bandwidth shortfall would scale with bytes: w4 / w2 ≈ 1.7.
    expect(Math.abs(w4 / w2 - 1)).toBeLessThanOrEqual(TOLERANCE);
  });
  it('the modeled 8-thread CPU bandwidth stays below the measured memcpy traffic (2 × 198 GB/s)', () => {
    const arch = loadArch(archPath('lut/tmac-m2-ultra')) as CpuArch;
    expect(cpuBandwidthBps(arch, 8)).toBeLessThan(2 * 198e9);
    expect(cpuBandwidthBps(arch, 1)).toBeLessThanOrEqual(2 * 56e9);
  });
});

describe('cost scales linearly with weight bits, as published', () => {
  // Published W2/W4 throughput ratio at the same thread count, against the model's.
  for (const [device, threads] of [
    ['M2-Ultra', 1],
    ['Raspberry Pi 5', 1],
    ['Raspberry Pi 5', 2],
  ] as const) {
    it(`${device}, ${threads} thread(s): tok/s(W2) / tok/s(W4) within ${TOLERANCE * 100}%`, () => {
      const pub = (m: string) => rows.find((r) => r.model === m && r.device === device && r.threads === threads)!.tmac_tokens_per_s;
      const published = pub('Llama-2-7B (W2)') / pub('Llama-2-7B (W4)');
      const model = tokensPerSecond(device, 'Llama-2-7B (W2)', threads) / tokensPerSecond(device, 'Llama-2-7B (W4)', threads);
      expect(Math.abs(model / published - 1)).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

// Snapdragon X Elite (Surface Laptop 7 class) rows of data/reference/lut.json: the README
// headline (BitNet-3B, 20 tok/s on 1 core, 48 on 4) and the 'Compared to NPU' table (Llama-2-7B,
// input 1024 / output 1024: decode at a ~1.5k-token context). W4 rows are fidelity tests; the
// others are over-predicted (single-core rate ~1.45× too high) and checked as known gaps.
describe('Snapdragon X Elite (Surface Laptop 7 class)', () => {
  const snap = ref.t_mac.find((e) => e.param === 'snapdragon_x_elite')!.value as { framework: string; model: string; threads?: number; tokens_per_s: number }[];
  /** Known over-predictions: row key → upper bound of model / published. */
  const GAPS: Record<string, number> = {
    'BitNet-3B|1': 1.6,
    'BitNet-3B|4': 2.15,
    'Llama-2-7B (W2)|1': 1.55,
    'Llama-2-7B (W2)|4': 1.4,
  };
  const cases: { workload: string; threads: number; published: number; context: number }[] = [
    { workload: 'BitNet-3B', threads: 1, published: 20, context: CONTEXT },
    { workload: 'BitNet-3B', threads: 4, published: 48, context: CONTEXT },
    ...snap
      .filter((r) => r.framework === 'T-MAC CPU')
      .map((r) => ({
        workload: r.model === 'llama-2-7b W4' ? 'Llama-2-7B (W4)' : 'Llama-2-7B (W2)',
        threads: r.threads!,
        published: r.tokens_per_s,
        context: 1536,
      })),
  ];
  it('covers the published rows', () => expect(cases).toHaveLength(6));
  for (const c of cases) {
    const gap = GAPS[`${c.workload}|${c.threads}`];
    if (gap) {
      it(`knownGap: ${c.workload}, ${c.threads} thread(s): over-predicted, below ${gap}× of ${c.published} tok/s`, () => {
        const ratio = tokensPerSecond('Snapdragon X Elite', c.workload, c.threads, c.context) / c.published;
        expect(ratio).toBeGreaterThan(1 + TOLERANCE);
        expect(ratio).toBeLessThan(gap);
      });
    } else {
      it(`${c.workload}, ${c.threads} thread(s): within ${TOLERANCE * 100}% of ${c.published} tok/s`, () => {
        const ratio = tokensPerSecond('Snapdragon X Elite', c.workload, c.threads, c.context) / c.published;
        expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  }
});

// Prefill (data/reference/lut.json prefill_surface_laptop7: Llama-2-7B W2, 256-token prompt):
// compute-bound, so it checks the lookup rate rather than the memory system.
describe('T-MAC prefill on a Surface Laptop 7 class CPU', () => {
  const pre = ref.t_mac.find((e) => e.param === 'prefill_surface_laptop7')!.value as { threads: number; batch: number; tmac: number }[];
  const arch = loadArch(archPath('lut/tmac-surface-laptop-7'));
  const g = buildFor('llama-2-7b', { phase: 'prefill', batch: 1, seq: 256 });
  const tps = (threads: number) => run(g, arch, loadQuant('w2a16-g128'), { threads }).totals.tokensPerSecond;
  it(`4 threads: within ${TOLERANCE * 100}% of the published tokens/s`, () => {
    const r = pre.find((p) => p.threads === 4)!;
    expect(Math.abs(tps(4) / r.tmac - 1)).toBeLessThanOrEqual(TOLERANCE);
  });
  it('knownGap: 8 threads over-predicted, below 1.5×', () => {
    const r = pre.find((p) => p.threads === 8)!;
    const ratio = tps(8) / r.tmac;
    expect(ratio).toBeGreaterThan(1 + TOLERANCE);
    expect(ratio).toBeLessThan(1.5);
  });
  it('prefill is lookup-bound in the LUT GEMMs', () => {
    const res = run(g, arch, loadQuant('w2a16-g128'), { threads: 4 });
    const mlp = res.classes.find((c) => c.cls === 'mlp')!;
    expect(mlp.bound).toBe('compute');
  });
});

// Jetson AGX Orin, T-MAC CPU, Llama-2-7B W2, 12 threads (data/reference/lut.json
// orin_energy_llama2_7b_w2: 15.62 tok/s). The config is datasheet values only; the 12-thread rate
// is over-predicted ~3× because nothing sourced bounds what the Orin CPU complex can pull from the
// LPDDR5 it shares with the GPU (docs/models/lut-tensor-core.md, known gaps).
describe('Jetson AGX Orin CPU', () => {
  it('knownGap: Llama-2-7B W2, 12 threads over-predicted, below 3.3× of 15.62 tok/s', () => {
    const orin = ref.t_mac.find((e) => e.param === 'orin_energy_llama2_7b_w2')!.value as { framework: string; tokens_per_s: number }[];
    const published = orin.find((r) => r.framework === 'T-MAC CPU')!.tokens_per_s;
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: CONTEXT });
    const model = run(g, loadArch(archPath('lut/tmac-jetson-agx-orin-cpu')), loadQuant('w2a16-g128'), { threads: 12 }).totals.tokensPerSecond;
    expect(model / published).toBeGreaterThan(1 + TOLERANCE);
    expect(model / published).toBeLessThan(3.3);
  });
});
