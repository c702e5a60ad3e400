/**
 * FlashAttention-3's prefill schedule (src/hw/gpu-tensor-core/attention-schedule.ts): counted
 * softmax instructions, the ping-pong step (tensor-bound vs softmax-bound), masked diagonal blocks,
 * persistent CTAs dealt longest first, and the per-CTA prologue at short sequences.
 */
import { describe, expect, it } from 'vitest';
import { heaviestUnitLoad, pipeRates, softmaxCounts, softmaxCycles, stepCycles, type StepInput } from '../../../src/hw/gpu-tensor-core/attention-schedule.ts';
import { attentionTiming, maskedBlocksVisited } from '../../../src/hw/gpu-tensor-core/attention.ts';
import { gpuTensorCoreModel } from '../../../src/hw/gpu-tensor-core/model.ts';
import { opFlops } from '../../../src/workload/ops.ts';
import { attention, bf16, fixedClock, h100 } from './fixtures.ts';

describe('softmax instruction counts of one warpgroup step', () => {
  it('64 rows × 128 keys, d_v 128: exact lane operations per pipe', () => {
    const n = softmaxCounts(64, 128, 128);
    // one exp2 per score + one rescale factor on each of a row's 4 threads
    expect(n.exp).toBe(64 * 128 + 64 * 4);
    // FFMA (scale, subtract max) + FADD (row sum) per score
    expect(n.fp32Exp).toBe(2 * 64 * 128);
    // O rescale (rows × d_v) + 4 per-row products on each of the row's 4 threads
    expect(n.fp32Rescale).toBe(64 * 128 + 4 * 64 * 4);
    // FMNMX per score + 2 after the shuffles on each row-thread
    expect(n.minMax).toBe(64 * 128 + 2 * 64 * 4);
    expect(n.convert).toBe((64 * 128) / 2);
    expect(n.shuffle).toBe(2 * 64 * 4);
  });

  it('a masked block adds compare + select per score, on the min/max pipe only', () => {
    const plain = softmaxCounts(64, 128, 128);
    const masked = softmaxCounts(64, 128, 128, 64 * 128);
    expect(masked.minMax - plain.minMax).toBe(2 * 64 * 128);
    expect({ ...masked, minMax: 0 }).toEqual({ ...plain, minMax: 0 });
  });

  it('H100 pipes (128 FP32 lanes, 16 SFU): the exponential phase is SFU-bound and the phases add', () => {
    const r = pipeRates(128, 16);
    expect(r).toEqual({ sfu: 16, fp32: 128, minMax: 64, convert: 64, shuffle: 32 });
    const c = softmaxCycles(softmaxCounts(64, 128, 128), r);
    expect(c.expPhase).toBe((64 * 128 + 256) / 16); // 528 > (16384/128 + 4096/64) = 192
    expect(c.maxPhase).toBe((8192 + 512) / 64 + 512 / 32);
    expect(c.rescale).toBe((8192 + 1024) / 128);
    expect(c.total).toBe(c.maxPhase + c.expPhase + c.rescale);
    // Half the SFU lanes: the exp phase doubles, the others stay.
    const half = softmaxCycles(softmaxCounts(64, 128, 128), pipeRates(128, 8));
    expect(half.expPhase).toBe(2 * c.expPhase);
    expect(half.maxPhase).toBe(c.maxPhase);
  });
});

describe('ping-pong step', () => {
  const base: StepInput = { gemmQk: 640, gemmPv: 640, softmax: 752, warpgroups: 2, schedule: 'ping-pong', intraWarpgroupPipeline: true };

  it('tensor-bound: the step is both warpgroups’ GEMMs when one warpgroup’s GEMM-I + softmax fits beside them', () => {
    const s = stepCycles(base);
    expect(s.tensor).toBe(2 * 1280);
    expect(s.chain).toBe(640 + 752);
    expect(s.step).toBe(2560);
    expect(s.bound).toBe('tensor');
  });

  it('softmax-bound: the step is GEMM-I + softmax (its own GEMM-II hidden under it), one cycle past the tensor time', () => {
    const s = stepCycles({ ...base, softmax: 2560 - 640 + 1 });
    expect(s.step).toBe(2561);
    expect(s.bound).toBe('softmax');
    // Without the intra-warpgroup pipeline GEMM-II is on the chain too: GEMM + softmax.
    const noPipe = stepCycles({ ...base, softmax: 2000, intraWarpgroupPipeline: false });
    expect(noPipe.step).toBe(640 + 640 + 2000);
    expect(stepCycles({ ...base, softmax: 2000 }).step).toBe(2640); // hides GEMM-II: 640 + 2000
  });

  it('in turn (no ping-pong): every warpgroup’s GEMMs and softmax add up', () => {
    expect(stepCycles({ ...base, schedule: 'in-turn' }).step).toBe(2 * (1280 + 752));
  });

  it('never faster without a mechanism: in turn ≥ ping-pong without the pipeline ≥ with it ≥ the tensor time', () => {
    for (const softmax of [100, 640, 1280, 1920, 3000]) {
      const pp = stepCycles({ ...base, softmax }).step;
      const noPipe = stepCycles({ ...base, softmax, intraWarpgroupPipeline: false }).step;
      const turn = stepCycles({ ...base, softmax, schedule: 'in-turn' }).step;
      expect(noPipe).toBeGreaterThanOrEqual(pp);
      expect(turn).toBeGreaterThan(noPipe);
      expect(pp).toBeGreaterThanOrEqual(2560);
    }
  });
});

describe('persistent CTAs, longest first', () => {
  it('equal tiles: ⌈tiles / SMs⌉ of them on the heaviest SM', () => {
    expect(heaviestUnitLoad(new Array<number>(2048).fill(10), 132)).toBe(16 * 10);
    expect(heaviestUnitLoad(new Array<number>(132).fill(10), 132)).toBe(10);
    expect(heaviestUnitLoad(new Array<number>(133).fill(10), 132)).toBe(20);
  });

  it('unequal tiles: greedy onto the least-loaded SM, longest first (LPT), never below the mean or the longest tile', () => {
    expect(heaviestUnitLoad([5, 4, 3, 3, 3], 2)).toBe(10); // 5+3 | 4+3+3 (LPT; the optimum 9 needs lookahead)
    expect(heaviestUnitLoad([7, 1, 1, 1], 2)).toBe(7);
    // Copies: each size present `copies` times, dealt in whole rounds where greedy would.
    expect(heaviestUnitLoad([2, 1], 3, 3)).toBe(heaviestUnitLoad([2, 2, 2, 1, 1, 1], 3));
    // Against plain greedy (each tile onto the least-loaded SM, longest first), seeded sizes.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let t = 0; t < 20; t++) {
      const sizes = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => 1 + Math.floor(rnd() * 40));
      const copies = 1 + Math.floor(rnd() * 30);
      const units = 1 + Math.floor(rnd() * 20);
      const loads = new Array<number>(units).fill(0);
      for (const w of sizes.flatMap((x) => new Array<number>(copies).fill(x)).sort((a, b) => b - a)) {
        const i = loads.indexOf(Math.min(...loads));
        loads[i] = loads[i]! + w;
      }
      expect(heaviestUnitLoad(sizes, units, copies), `case ${t}`).toBe(Math.max(...loads));
    }
    const causal = Array.from({ length: 32 }, (_, b) => b + 1);
    const load = heaviestUnitLoad(causal, 8);
    expect(load).toBeGreaterThanOrEqual((32 * 33) / 2 / 8);
    expect(load).toBeLessThanOrEqual((32 * 33) / 2 / 8 + 32);
  });
});

describe('blocks the mask cuts', () => {
  it('causal, aligned 128 × 128: one diagonal block per query block', () => {
    const op = attention({ qLen: 4096, kvLen: 4096 });
    let cut = 0;
    for (let b = 0; b < 32; b++) cut += maskedBlocksVisited(op, b * 128, (b + 1) * 128, 128);
    expect(cut).toBe(32);
  });

  it('causal, 128 query rows over 176-key blocks: the diagonal crosses a block boundary', () => {
    const op = attention({ qLen: 4096, kvLen: 4096 });
    // rows 128..255 mask keys 129..255: blocks 0 (0..175) and 1 (176..351)
    expect(maskedBlocksVisited(op, 128, 256, 176)).toBe(2);
    // rows 0..127 mask keys 1..127: block 0 only
    expect(maskedBlocksVisited(op, 0, 128, 176)).toBe(1);
  });

  it('one key past a block: the partial last block is masked (sequence end), a full-length block is not', () => {
    const full = attention({ causal: false, qLen: 256, kvLen: 256 });
    expect(maskedBlocksVisited(full, 0, 128, 128)).toBe(0);
    const past = attention({ causal: false, qLen: 257, kvLen: 257 });
    expect(maskedBlocksVisited(past, 0, 128, 128)).toBe(1);
    // causal, the last single-row query block: no key past its row, only the sequence end
    const c = attention({ qLen: 4097, kvLen: 4097 });
    expect(maskedBlocksVisited(c, 4096, 4097, 128)).toBe(1);
  });

  it('the simulated op reports its masked blocks: causal 4096, 16 heads → 16 × 32', () => {
    const r = gpuTensorCoreModel.simulate(attention({ heads: 16, kvHeads: 16 }), h100(), bf16);
    expect(r.breakdown!['diagonalBlocks']).toBe(16 * 32);
    expect(r.breakdown!['pingPongWarpgroups']).toBe(2);
  });
});

describe('FlashAttention-3 prefill on H100 (gpu.attention.softmaxOverlap: ping-pong)', () => {
  it('head dim 128: the counted softmax fits beside the other warpgroup’s GEMMs (tensor-bound step)', () => {
    const t = attentionTiming(attention({ causal: false, heads: 16, kvHeads: 16, qLen: 8192, kvLen: 8192 }), fixedClock(h100()), bf16, 'cold');
    expect(t.schedule!.step.bound).toBe('tensor');
    expect(t.schedule!.step.chain).toBeLessThan(t.schedule!.step.tensor);
  });

  it('a quarter of the SFU rate makes the step softmax-bound and slower', () => {
    const op = attention({ causal: false, heads: 16, kvHeads: 16, qLen: 8192, kvLen: 8192 });
    const base = attentionTiming(op, fixedClock(h100()), bf16, 'cold');
    const slow = attentionTiming(op, fixedClock(h100({ gpu: { attention: { sfuOpsPerClockPerSm: 4 } } })), bf16, 'cold');
    expect(slow.schedule!.step.bound).toBe('softmax');
    expect(slow.seconds).toBeGreaterThan(1.1 * base.seconds);
  });

  it('each CTA pays its prologue: at 512 tokens (4 key blocks per CTA) the throughput is well below 16k’s, same CTA count', () => {
    const tflops = (seq: number) => {
      const op = attention({ causal: false, heads: 16, kvHeads: 16, batch: 16384 / seq, qLen: seq, kvLen: seq });
      const r = gpuTensorCoreModel.simulate(op, h100(), bf16);
      return { tf: opFlops(op) / r.seconds / 1e12, ctas: r.breakdown!['ctas']!, cta: r.breakdown!['ctaOverheadS']! };
    };
    const short = tflops(512);
    const long = tflops(16384);
    expect(short.ctas).toBe(long.ctas);
    expect(short.cta).toBeGreaterThan(0);
    expect(short.tf).toBeLessThan(0.8 * long.tf);
  });

  it('time never falls as the sequence grows (batch fixed), causal and not', () => {
    for (const causal of [true, false]) {
      let prev = 0;
      for (const s of [128, 129, 300, 512, 1000, 2048, 2049, 4096]) {
        const t = gpuTensorCoreModel.simulate(attention({ causal, heads: 16, kvHeads: 16, qLen: s, kvLen: s }), fixedClock(h100()), bf16).seconds;
        expect(t, `${causal ? 'causal' : 'full'} seq ${s}`).toBeGreaterThanOrEqual(prev);
        prev = t;
      }
    }
  });
});
