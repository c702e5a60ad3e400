/**
 * FlightLLM's 6× energy efficiency over a V100S (FPGA'24 abstract; data/reference/flightllm.json).
 * Since the V100S preset carries the GPU board-power components (`gpu.power`: AccelWattch's own
 * V100 clock-tree and leakage figures, issue 26), the modeled V100S draws 71% of its 250 W board
 * power decoding at batch 1 and the modeled ratio is 5.4×, within 25% of 6×. These tests pin both
 * sides against the U280's MEASURED energy per token (45 W board power at 55 token/s, AccLLM
 * Table VII and the artifact README) and the V100S energy per token the 6× implies, so the part
 * of the agreement that rests on placeholders shows (docs/models/fpga-dsp-chain.md "Energy").
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, buildFor, makeArch } from '../../helpers.ts';
import { loadQuant } from '../../../src/config/load.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { run } from '../../../src/engine/run.ts';
import type { GpuArchConfig } from '../../../src/hw/gpu-tensor-core/config.ts';

const ref = JSON.parse(readFileSync(resolve(ROOT, 'data/reference/flightllm.json'), 'utf8')) as { flightllm: { param: string; value: unknown }[] };
const pub = (p: string) => Number(ref.flightllm.find((e) => e.param === p)!.value);
const W4A8 = loadQuant(resolve(ROOT, 'workloads/quant/flightllm-w4a8.json'));
const fp16 = parseQuantScheme('w16a16');
const g = () => buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 512 });
const within25 = (x: number, p: number) => Math.abs(x / p - 1) <= 0.25;

describe('FlightLLM U280 vs V100S energy efficiency (published 6×)', () => {
  const v100s = makeArch<GpuArchConfig>('gpu/v100s');
  const tdpW = v100s.power!.tdpW!;
  const fpga = run(g(), makeArch('fpga/u280-flightllm'), W4A8);
  const gpu = run(g(), v100s, fp16, { ignoreCapacity: true });
  const ratio = gpu.totals.energyPerTokenJ / fpga.totals.energyPerTokenJ;
  const published = pub('energy_efficiency_vs_V100S_U280');
  const fpgaMeasuredJ = pub('u280_power_w') / pub('llama2_7b_decode_tokens_per_s_u280');
  const gpuImpliedJ = published * fpgaMeasuredJ;

  it('the modeled ratio (modeled V100S over modeled U280) is within 25% of the published 6×', () => {
    expect(within25(ratio, published)).toBe(true);
    expect(ratio).toBeGreaterThan(5);
    expect(ratio).toBeLessThan(6);
  });

  it('mechanism: without the board-power components (no gpu.power: table energies + idle only) the same V100S gives 2.15×, outside 25%', () => {
    const bare: GpuArchConfig = { ...v100s, gpu: { ...v100s.gpu, power: undefined } };
    const r = run(g(), bare, fp16, { ignoreCapacity: true });
    expect(r.totals.tokensPerSecond).toBeCloseTo(gpu.totals.tokensPerSecond, 6); // decode stays under 250 W: same clock, same time
    const bareRatio = r.totals.energyPerTokenJ / fpga.totals.energyPerTokenJ;
    expect(bareRatio).toBeGreaterThan(2);
    expect(bareRatio).toBeLessThan(0.75 * published);
    // What the section adds: active-SM clock power and the leakage of a hot die.
    expect(gpu.totals.averagePowerW - r.totals.averagePowerW).toBeGreaterThan(80);
  });

  it('GPU side: the V100S decodes at 60–80% of its 250 W board power (Samsi et al. found V100s near their cap decoding LLaMA), at its boost clock', () => {
    expect(gpu.totals.averagePowerW / tdpW).toBeGreaterThan(0.6);
    expect(gpu.totals.averagePowerW / tdpW).toBeLessThan(0.8);
    for (const o of gpu.ops) expect(o.breakdown?.['powerLimited'] ?? 0, o.name).toBe(0);
    expect(gpu.ops.some((o) => o.breakdown?.['clockHz'] === v100s.gpu.clockHz)).toBe(true);
  });

  it('the voltage placeholder is not what lands the ratio: maxVoltageV 0.9–1.1 V keeps it within 25% of 6×', () => {
    for (const maxVoltageV of [0.9, 1.1]) {
      const a: GpuArchConfig = { ...v100s, gpu: { ...v100s.gpu, power: { ...v100s.gpu.power!, maxVoltageV } } };
      const r = run(g(), a, fp16, { ignoreCapacity: true });
      expect(within25(r.totals.energyPerTokenJ / fpga.totals.energyPerTokenJ, published), `${maxVoltageV} V`).toBe(true);
    }
  });

  it("what the agreement rests on: both sides sit under their references by similar factors — the U280 at 0.6× the measured board's J/token (32 W vs 45 W: the 25 W idle placeholder), the V100S at ~0.54× the J/token the 6× implies — so against the measured U280 the modeled V100S gives only 3.3×", () => {
    const side = fpga.totals.energyPerTokenJ / fpgaMeasuredJ;
    expect(side).toBeGreaterThan(0.5);
    expect(side).toBeLessThan(0.7);
    const vsMeasured = gpu.totals.energyPerTokenJ / fpgaMeasuredJ;
    expect(vsMeasured).toBeGreaterThan(3);
    expect(vsMeasured).toBeLessThan(0.75 * published);
    // The V100S side: the modeled J/token is about half the 4.9 J the 6× implies against the measured U280.
    expect(gpu.totals.energyPerTokenJ / gpuImpliedJ).toBeGreaterThan(0.45);
    expect(gpu.totals.energyPerTokenJ / gpuImpliedJ).toBeLessThan(0.65);
  });

  it('the 6× is consistent with the measured U280 against a V100S on an HF-naive stack (the artifact GPU-naive, ~45 token/s) drawing 80–100% of its board power; measured GPU LLaMA decode (3–4 J/token) gives 3.7–4.9×', () => {
    const samsi = ref.flightllm.find((e) => e.param === 'gpu_llama_decode_energy_per_token_measured')!.value as number[];
    const [lo, hi] = samsi.map((j) => j / fpgaMeasuredJ) as [number, number];
    expect(lo).toBeGreaterThan(3.5);
    expect(hi).toBeLessThan(published);
    const naive = ref.flightllm.find((e) => e.param === 'artifact_gpu_profile_llama2_7b_batch1')!.value as { rows: [string, number, number, number, number][] };
    const naiveTokS = Math.min(...naive.rows.map((r) => r[3]));
    const impliedW = gpuImpliedJ * naiveTokS;
    expect(impliedW).toBeGreaterThan(0.8 * tdpW);
    expect(impliedW).toBeLessThan(tdpW);
  });

  it("DSP energy is not the lever: compute is under 1% of the U280's decode energy", () => {
    const e = fpga.totals.energyPj;
    expect(e.compute / (e.compute + e.onChip + e.offChip + e.static)).toBeLessThan(0.01);
  });
});
