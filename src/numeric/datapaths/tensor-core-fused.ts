/**
 * Tensor cores as they add inside an MMA: not a chain of IEEE additions but a fused multi-term
 * sum. For each block of n products (plus the running accumulator c), every term is aligned to
 * the largest exponent E among them and truncated (toward zero) to the fixed-point quantum
 * 2^(E − w + 1) — w significant bits relative to the largest term, no guard bits — the aligned
 * terms are added exactly (carry-out bits on the left), and the block result is rounded toward
 * zero to fp32. Products of the inputs are exact.
 *   Evidence: Fasi, Higham, Mikaitis, Pranesh, "Numerical behavior of NVIDIA tensor cores", PeerJ
 *   CS 7:e330 (2021) — exact products, alignment to the largest magnitude, truncation, no guard
 *   digits, two carry-out bits, no normalization inside the block (V100, T4, A100); Khattak &
 *   Mikaitis, "Accurate Models of NVIDIA Tensor Cores", arXiv 2512.07004 (V100…B200).
 *   The parameters below (block size n, kept bits w) are PLACEHOLDERS from secondary reverse-
 *   engineering notes (a public probing suite reports 24 bits RZ on A100 fp16, 25 bits RZ on H100
 *   fp16, 13 bits RZ for FP8 wgmma on H100 — consistent with DeepSeek-V3 §3.3.2, "around 14
 *   bits"); they are not vendor documentation.
 */
import type { CheckCase, Datapath, DatapathOutcome } from '../datapath.ts';
import { referenceGemm } from '../gemm.ts';
import { quantizeTensor } from '../../quant/codec.ts';
import { dequantize, scaleIndex } from '../../quant/tensor.ts';
import { floorLog2, mustMinifloat } from '../../quant/minifloat.ts';

export interface FusedMmaParams {
  /** Products added in one fused step (plus the accumulator). */
  blockK: number;
  /** Significant bits kept relative to the largest term's exponent. */
  alignBits: number;
  label: string;
}

export const A100_FP16: FusedMmaParams = { blockK: 8, alignBits: 24, label: 'a100' };
export const H100_FP16: FusedMmaParams = { blockK: 16, alignBits: 25, label: 'h100' };
export const H100_FP8: FusedMmaParams = { blockK: 32, alignBits: 13, label: 'h100' };

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/** Rounds toward zero to fp32. */
export function fp32Rz(x: number): number {
  const r = Math.fround(x);
  if (Math.abs(r) <= Math.abs(x) || !Number.isFinite(r)) return r;
  F32[0] = r;
  I32[0]! -= 1; // one fp32 ulp toward zero (same sign, smaller magnitude)
  return F32[0];
}

/** One fused step: terms aligned to the largest one, truncated to w bits, summed exactly, RZ to fp32. */
export function fusedSum(terms: ArrayLike<number>, n: number, w: number): number {
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(terms[i]!));
  if (max === 0) return 0;
  const q = 2 ** (floorLog2(max) - w + 1);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.trunc(terms[i]! / q); // integers < 2^(w+1): exact
  return fp32Rz(s * q);
}

function fusedGemm(a: Float64Array, w: Float64Array, M: number, N: number, K: number, p: FusedMmaParams): Float64Array {
  const out = new Float64Array(M * N);
  const terms = new Float64Array(p.blockK + 1);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k0 = 0; k0 < K; k0 += p.blockK) {
        const k1 = Math.min(K, k0 + p.blockK);
        terms[0] = acc;
        for (let k = k0; k < k1; k++) terms[k - k0 + 1] = a[i * K + k]! * w[j * K + k]!;
        acc = fusedSum(terms, k1 - k0 + 1, p.alignBits);
      }
      out[i * N + j] = acc;
    }
  }
  return out;
}

/** Per block: n + 1 truncations of at most one quantum 2^(1−w)·(largest term) each, plus the RZ to fp32. */
function fusedBound(absC: Float64Array, K: number, p: FusedMmaParams, extraRel = 0): Float64Array {
  const blocks = Math.ceil(K / p.blockK);
  const rel = blocks * ((p.blockK + 1) * 2 ** (1 - p.alignBits) + 2 ** -23) + extraRel;
  return Float64Array.from(absC, (v) => rel * v * (1 + rel));
}

export function mmaFused(dtype: 'fp16' | 'bf16', p: FusedMmaParams): Datapath {
  const mf = mustMinifloat(dtype);
  return {
    name: `tc-${dtype}-fused-${p.label}`,
    hardware: `NVIDIA ${p.label.toUpperCase()} tensor core, fused ${p.blockK}-term sum, ${p.alignBits} aligned bits, RZ (placeholder parameters)`,
    operands: `A ${dtype} × W ${dtype} → fp32 (fused block of ${p.blockK})`,
    exact: false,
    boundText: `|err| ≤ ⌈K/${p.blockK}⌉·(${p.blockK + 1}·2^${1 - p.alignBits} + 2^-23)·Σ|a·w|`,
    run(c: CheckCase): DatapathOutcome {
      const a = Float64Array.from(c.a, (v) => mf.round(v));
      const w = Float64Array.from(c.w, (v) => mf.round(v));
      const ref = referenceGemm(a, w, c);
      return { computed: fusedGemm(a, w, c.M, c.N, c.K, p), reference: ref.c, absReference: ref.absC, bound: fusedBound(ref.absC, c.K, p) };
    },
  };
}

/** FP8 wgmma with the fused, w-bit accumulation, then the fp32 scale epilogue. */
export function mmaFp8Fused(aFormat: string, wFormat: string, p: FusedMmaParams): Datapath {
  return {
    name: `tc-${wFormat}-${aFormat}-fused-${p.label}`,
    hardware: `NVIDIA ${p.label.toUpperCase()} FP8 wgmma without promotion: fused ${p.blockK}-term sum, ${p.alignBits} aligned bits, RZ (placeholder parameters)`,
    operands: `A ${aFormat} × W ${wFormat} → fused ${p.alignBits}-bit accumulation → × fp32 scales`,
    exact: false,
    boundText: `|err| ≤ (⌈K/${p.blockK}⌉·(${p.blockK + 1}·2^${1 - p.alignBits} + 2^-23) + 2^-22)·Σ|a·w|`,
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const qa = quantizeTensor(aFormat, c.a, M, K);
      const qw = quantizeTensor(wFormat, c.w, N, K);
      const ref = referenceGemm(dequantize(qa), dequantize(qw), c);
      const acc = fusedGemm(qa.values, qw.values, M, N, K, p);
      const out = new Float64Array(M * N);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          const s = Math.fround(qa.scales[scaleIndex(qa, i, 0)]! * qw.scales[scaleIndex(qw, j, 0)]!);
          out[i * N + j] = Math.fround(acc[i * N + j]! * s);
        }
      }
      return { computed: out, reference: ref.c, absReference: ref.absC, bound: fusedBound(ref.absC, K, p, 2 ** -22) };
    },
  };
}
