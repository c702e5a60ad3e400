/**
 * FlightLLM's 6× energy efficiency over a V100S (FPGA'24 abstract; data/reference/flightllm.json)
 * is not reproduced (modeled ≈ 2.2×): a known gap. These tests pin WHERE it sits, so a model
 * change that moves it shows up here (docs/models/fpga-dsp-chain.md "Energy: FlightLLM's 6×").
 * Split against the U280's MEASURED energy per token (45 W board power at 55 token/s, AccLLM
 * Table VII and the artifact README) and the V100S energy per token the 6× implies.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, buildFor, makeArch } from '../../helpers.ts';
import { loadQuant } from '../../../src/config/load.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { run } from '../../../src/engine/run.ts';

const ref = JSON.parse(readFileSync(resolve(ROOT, 'data/reference/flightllm.json'), 'utf8')) as { flightllm: { param: string; value: unknown }[] };
const pub = (p: string) => Number(ref.flightllm.find((e) => e.param === p)!.value);
const W4A8 = loadQuant(resolve(ROOT, 'workloads/quant/flightllm-w4a8.json'));
const g = () => buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 512 });

describe('knownGap: FlightLLM U280 vs V100S energy efficiency (published 6×)', () => {
  const fpga = run(g(), makeArch('fpga/u280-flightllm'), W4A8);
  const gpu = run(g(), makeArch('gpu/v100s'), parseQuantScheme('w16a16'), { ignoreCapacity: true });
  const ratio = gpu.totals.energyPerTokenJ / fpga.totals.energyPerTokenJ;
  const fpgaMeasuredJ = pub('u280_power_w') / pub('llama2_7b_decode_tokens_per_s_u280');
  const gpuImpliedJ = pub('energy_efficiency_vs_V100S_U280') * fpgaMeasuredJ;

  it('the modeled ratio has the published direction but stays outside 25% of 6× (between 1.5× and 4.5×)', () => {
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(0.75 * pub('energy_efficiency_vs_V100S_U280'));
  });

  it('FPGA side: the modeled U280 spends less per token than the board measured (0.4–1×), so no higher FPGA static power can close the gap', () => {
    const side = fpga.totals.energyPerTokenJ / fpgaMeasuredJ;
    expect(side).toBeGreaterThan(0.4);
    expect(side).toBeLessThan(1);
  });

  it('GPU side: the modeled V100S spends under a third of the J/token the 6× implies (4.9 J), at an average power far below its 250 W board power', () => {
    expect(gpu.totals.energyPerTokenJ / gpuImpliedJ).toBeLessThan(1 / 3);
    // The implied figure at the modeled token rate would need more than the V100S board power.
    expect(gpuImpliedJ * gpu.totals.tokensPerSecond).toBeGreaterThan(makeArch('gpu/v100s').power!.tdpW!);
    expect(gpu.totals.averagePowerW).toBeLessThan(0.4 * makeArch('gpu/v100s').power!.tdpW!);
  });

  it('the gap is the V100S power accounting, with numbers: at its 250 W board power and the modeled token rate the ratio against the measured U280 is within 25% of 6×; measured GPU LLaMA decode (3–4 J/token) gives 3.7–4.9×', () => {
    const tdpW = makeArch('gpu/v100s').power!.tdpW!;
    const atBoardPower = tdpW / gpu.totals.tokensPerSecond / fpgaMeasuredJ;
    expect(Math.abs(atBoardPower / pub('energy_efficiency_vs_V100S_U280') - 1)).toBeLessThanOrEqual(0.25);
    // The modeled V100S's own power is the lever: its average is far below the board power.
    expect(gpu.totals.averagePowerW / tdpW).toBeLessThan(0.4);
    const samsi = ref.flightllm.find((e) => e.param === 'gpu_llama_decode_energy_per_token_measured')!.value as number[];
    const [lo, hi] = samsi.map((j) => j / fpgaMeasuredJ) as [number, number];
    expect(lo).toBeGreaterThan(3.5);
    expect(hi).toBeLessThan(pub('energy_efficiency_vs_V100S_U280'));
    // The 6× is consistent with an HF-naive stack (the artifact's GPU-naive, ~45 token/s) drawing
    // 80–100% of the board power: 4.91 J/token × 45 token/s ≈ 221 W.
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
