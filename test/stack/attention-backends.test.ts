/**
 * Attention backends as a stack declares them (issue 19): PyTorch 2.11's SDPA on Hopper is cuDNN
 * (test/fixtures trace kernel names; stacks/gpu/pytorch.json sources), modelled as wgmma MMAs with
 * the softmax in turn — between FlashAttention-2 (mma.sync at Hopper's half rate) and
 * FlashAttention-3 (softmax overlapped). Checked against the cuDNN figures of the
 * FlashAttention-3 paper; causal tiles and mma.sync row padding counted exactly.
 */
import { describe, expect, it } from 'vitest';
import { shippedFiles } from '../../src/catalog/shipped.ts';
import { loadStack } from '../../src/config/load-stack.ts';
import { loadArch } from '../../src/config/load.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { gpuTensorCoreModel, type GpuArchConfig } from '../../src/hw/gpu-tensor-core/model.ts';
import { archPath } from '../helpers.ts';
import type { AttentionOp } from '../../src/workload/graph.ts';

const stack = (name: string) => loadStack(shippedFiles('stacks').find((f) => f.name === name)!.path);
const h100 = () => loadArch(archPath('gpu/h100-sxm.json')) as GpuArchConfig;
const bf16 = parseQuantScheme('bf16');

const att = (o: Partial<AttentionOp> & { qLen: number; kvLen: number }): AttentionOp => ({
  id: 'a',
  name: 'self_attn',
  kind: 'attention',
  cls: 'attention',
  layer: 0,
  phase: o.qLen > 1 ? 'prefill' : 'decode',
  deps: [],
  batch: 1,
  heads: 16,
  kvHeads: 16,
  headDim: 128,
  causal: true,
  window: 0,
  ...o,
});
/** Attention FLOPs as the FlashAttention papers count them: 4·S²·d·heads·batch, half when causal. */
const paperFlops = (a: AttentionOp) => (4 * a.qLen * a.kvLen * a.headDim * a.heads * a.batch) / (a.causal ? 2 : 1);

describe('cuDNN SDPA prefill (pytorch stack) on H100', () => {
  const arch = h100();
  const st = stack('pytorch');
  it('names the backend and runs wgmma with the softmax in turn', () => {
    expect(st.attention!.prefill.backend).toMatch(/cudnn/);
    expect(st.attention!.prefill.instruction).toBe('wgmma');
    expect(st.attention!.prefill.softmaxOverlap).toBe(false);
  });
  // FlashAttention-3 paper (Shah et al. 2024) fig. 5, H100 SXM5 bf16 head dim 128, B·S = 16k, 16 heads: cuDNN bars.
  const published: [number, boolean, number][] = [
    [16384, true, 539],
    [4096, true, 518],
    [16384, false, 595],
    [2048, false, 617],
  ];
  for (const [seq, causal, tflops] of published) {
    it(`seq ${seq} ${causal ? 'causal' : 'non-causal'}: within 10% of the published ${tflops} TFLOPS`, () => {
      const a = att({ batch: 16384 / seq, qLen: seq, kvLen: seq, causal });
      const r = gpuTensorCoreModel.simulate(a, arch, bf16, { stack: st });
      const modelled = paperFlops(a) / r.seconds / 1e12;
      expect(Math.abs(modelled / tflops - 1)).toBeLessThan(0.1);
    });
  }
  it('slower than FlashAttention-3 (vllm), faster than FlashAttention-2 (tinychat: mma.sync at half rate)', () => {
    const a = att({ batch: 2, qLen: 8192, kvLen: 8192 });
    const t = (name: string) => gpuTensorCoreModel.simulate(a, arch, bf16, { stack: stack(name) }).seconds;
    expect(t('pytorch')).toBeGreaterThan(1.15 * t('vllm'));
    expect(t('pytorch')).toBeLessThan(t('tinychat') / 1.3);
  });
  it('a causal mask costs the tiles it visits: one query row past a 128-row block adds a block of 3 key blocks', () => {
    const r = (s: number) => gpuTensorCoreModel.simulate(att({ qLen: s, kvLen: s }), arch, bf16, { stack: st }).breakdown!;
    const at256 = r(256)['issuedMacs']!;
    const at257 = r(257)['issuedMacs']!;
    // 16 heads × (blocks 0, 1: 1 + 2 key blocks) × 128 × 128 × (128 + 128) MACs, then one more query block over ⌈257/128⌉ = 3 key blocks
    expect(at256).toBe(16 * 3 * 128 * 128 * 256);
    expect(at257 - at256).toBe(16 * 3 * 128 * 128 * 256);
    expect(r(257)['ctas']).toBe(r(256)['ctas']! + 16);
  });
});

describe('decode: cuDNN unsplit mma.sync kernel (pytorch) vs FlashAttention-3 split-KV (vllm)', () => {
  const arch = h100();
  it('one CTA per (sequence, KV head), rows padded to the m16 of mma.sync, not wgmma m64', () => {
    const a = att({ batch: 2, heads: 32, kvHeads: 8, qLen: 1, kvLen: 1000, causal: false });
    const r = gpuTensorCoreModel.simulate(a, arch, bf16, { stack: stack('pytorch') }).breakdown!;
    expect(r['kvSplits']).toBe(1);
    expect(r['ctas']).toBe(2 * 8);
    // 4 query heads per KV head = 4 rows, padded to 16; ⌈1000/64⌉ = 16 key blocks of 64; 256 MACs per (row, key)
    expect(r['issuedMacs']).toBe(2 * 8 * 16 * 16 * 64 * 256);
    const v = gpuTensorCoreModel.simulate(a, arch, bf16, { stack: stack('vllm') }).breakdown!;
    expect(v['kvSplits']).toBeGreaterThan(1);
  });
  it('17 query rows of a KV head (a GQA group of 17, one token) take two m16 tiles: 32 rows', () => {
    const a = att({ batch: 1, heads: 17, kvHeads: 1, qLen: 1, kvLen: 64, causal: false });
    const r = gpuTensorCoreModel.simulate(a, arch, bf16, { stack: stack('pytorch') }).breakdown!;
    expect(r['issuedMacs']).toBe(1 * 1 * 32 * 64 * 256);
  });
});

describe('FlashAttention-3 prefill (vllm) on H100: its tile per mask and its ping-pong schedule', () => {
  const arch = h100();
  const st = stack('vllm');
  const r = (a: AttentionOp) => gpuTensorCoreModel.simulate(a, arch, bf16, { stack: st }).breakdown!;
  it('176-key blocks without a mask (tile_size.h, head dim 128), 128 with the causal mask: issued MACs exact', () => {
    // 512 keys = ⌈512/176⌉ = 3 blocks of 176 for each of 4 query blocks of 128
    expect(r(att({ qLen: 512, kvLen: 512, causal: false }))['issuedMacs']).toBe(16 * 4 * 3 * 128 * 176 * 256);
    // causal 256: query blocks visit 1 + 2 key blocks of 128
    expect(r(att({ qLen: 256, kvLen: 256 }))['issuedMacs']).toBe(16 * 3 * 128 * 128 * 256);
  });
  it('two consumer warpgroups in ping-pong; the tensor-bound step is their GEMMs: 2 × 64 rows × 176 keys × 256 MACs at the tensor rate', () => {
    const b = r(att({ qLen: 8192, kvLen: 8192, causal: false }));
    expect(b['pingPongWarpgroups']).toBe(2);
    const fmaPerClk = arch.gpu.tensorFmaPerClockPerSm['bf16']! * arch.calibration!['tensorCoreEfficiency']!.value;
    expect(b['stepTensorCycles']).toBeCloseTo((2 * 64 * 176 * 256) / fmaPerClk, 9);
    expect(b['stepCycles']).toBe(b['stepTensorCycles']);
    expect(b['stepChainCycles']).toBeLessThan(b['stepTensorCycles']!);
  });
  it('cuDNN (pytorch) keeps its in-turn schedule: no ping-pong breakdown', () => {
    const b = gpuTensorCoreModel.simulate(att({ qLen: 4096, kvLen: 4096 }), arch, bf16, { stack: stack('pytorch') }).breakdown!;
    expect(b['pingPongWarpgroups']).toBeUndefined();
  });
});
