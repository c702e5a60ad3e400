/**
 * Published FlightLLM figures (data/reference/flightllm.json), computed from the configs alone:
 * LLaMA-2-7B decode, batch 1. U280: 55 token/s measured on the board (context not published:
 * checked at 512, and over 128–2047 for the spread). VHK158: ~92.5 token/s from the authors'
 * model (their 512-prompt/1024-decode case averages context ≈ 1024). Tolerance 25%.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, archPath, buildFor } from '../../helpers.ts';
import { loadArch, loadQuant } from '../../../src/config/load.ts';
import { run } from '../../../src/engine/run.ts';
import type { FpgaArchConfig } from '../../../src/hw/fpga-dsp-chain/config.ts';

const q = loadQuant(resolve(ROOT, 'workloads/quant/flightllm-w4a8.json'));
const ref = JSON.parse(readFileSync(resolve(ROOT, 'data/reference/flightllm.json'), 'utf8')) as { flightllm: { param: string; value: unknown }[] };
const refValue = <T>(p: string) => ref.flightllm.find((e) => e.param === p)!.value as T;
function tokensPerSecond(rel: string, context: number): number {
  return run(buildFor('llama-2-7b', { phase: 'decode', batch: 1, context }), loadArch(archPath(rel)), q).totals.tokensPerSecond;
}

// Two kinds of reference, named in every test (issue 26): MEASURED — the U280's 55 token/s on the
// board; PROJECTED — the VHK158 decode and prefill figures of the authors' instruction-level
// profiler (no hardware involved). The U280 has no published prefill.
describe('FlightLLM fidelity (±25%)', () => {
  it('MEASURED: U280 decode, 55 token/s on the board', () => {
    const t = tokensPerSecond('fpga/u280-flightllm', 512);
    expect(Math.abs(t / 55 - 1)).toBeLessThanOrEqual(0.25);
  });

  it("PROJECTED: VHK158 decode, ~92.5 token/s from the authors' profiler", () => {
    const t = tokensPerSecond('fpga/vhk158-flightllm', 1024);
    expect(Math.abs(t / 92.5 - 1)).toBeLessThanOrEqual(0.25);
  });

  it("PROJECTED: VHK158 prefill of 128 and 512 tokens, the artifact's profiler output (289.9 and 1181.4 ms)", () => {
    const arch = loadArch(archPath('fpga/vhk158-flightllm'));
    for (const [seq, ms] of [
      [128, 289.9],
      [512, 1181.4],
    ] as const) {
      const s = run(buildFor('llama-2-7b', { phase: 'prefill', batch: 1, seq }), arch, q).totals.seconds;
      expect(Math.abs((s * 1e3) / ms - 1)).toBeLessThanOrEqual(0.25);
    }
  });

  it("PROJECTED prefill: the model is 0.8× the profiler's time at both lengths, the profiler's fixed 3.2 / 4-core scaling (profile/inst_gen/inst_profiler.py correction_factor), within 3%", () => {
    // The profiler times one core's instruction stream and divides by 3.2 with SLR_NUM = 4 cores
    // (both read from the artifact: flightllm.json); this model splits every op over the 4 cores
    // with only tile quantization and a barrier.
    const correction = refValue<number>('vhk158_profiler_correction_factor');
    const cores = refValue<{ SLR_NUM: number }>('vhk158_model_parallelism').SLR_NUM;
    const rows = refValue<{ VHK158: [string, number, number, number, number][] }>('vhk158_fig12_profile').VHK158;
    const arch = loadArch(archPath('fpga/vhk158-flightllm'));
    expect((arch as FpgaArchConfig).fpga.accelerator.cores).toBe(cores);
    for (const seq of [128, 512]) {
      const ms = rows.find((r) => r[0].startsWith(`${seq}/`))![1];
      const s = run(buildFor('llama-2-7b', { phase: 'prefill', batch: 1, seq }), arch, q).totals.seconds;
      expect(Math.abs((s * 1e3) / ms / (correction / cores) - 1)).toBeLessThanOrEqual(0.03);
    }
  });

  it('decode slows as the KV cache grows (attention reads every cached key)', () => {
    const a = tokensPerSecond('fpga/u280-flightllm', 128);
    const b = tokensPerSecond('fpga/u280-flightllm', 2047);
    expect(b).toBeLessThan(a);
  });
});
