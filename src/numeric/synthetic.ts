/**
 * Seeded synthetic LLM-like GEMM operands for the format-comparison error proxy.
 *   weights W [N×K]: Student-t (5 dof) — heavier tails than Gaussian, as trained LLM weights
 *     have — times a per-input-channel spread (log-normal, σ = 0.3), std ≈ 0.02.
 *   activations A [M×K]: Gaussian per token with a per-token magnitude (log-normal, σ = 0.5),
 *     and ~1% of the channels (at least one) carrying systematic outliers 20–60× the rest, the
 *     feature the LLM.int8() paper (Dettmers et al. 2022, §3–4) and SmoothQuant (Xiao et al. 2023,
 *     §3) describe for LLM activations beyond ~6.7B parameters.
 * These are stand-ins with the qualitative shape of real tensors, not real tensors: the proxy
 * built on them ranks formats, it does not predict model accuracy.
 */
import { Rng } from './rng.ts';

export interface SyntheticShape {
  M: number;
  N: number;
  K: number;
}

export function syntheticWeights(N: number, K: number, seed: number): Float64Array {
  const rng = new Rng(seed * 2 + 1);
  const colScale = Float64Array.from({ length: K }, () => Math.exp(0.3 * rng.normal()));
  const w = new Float64Array(N * K);
  const std = 0.02 / Math.sqrt(5 / 3); // t(5) has variance 5/3
  for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) w[j * K + k] = rng.studentT(5) * std * colScale[k]!;
  return w;
}

export function syntheticActivations(M: number, K: number, seed: number): Float64Array {
  const rng = new Rng(seed * 2 + 2);
  const outliers = new Map<number, number>();
  const count = Math.max(1, Math.round(K / 100));
  while (outliers.size < count) outliers.set(rng.int(0, K - 1), 20 + 40 * rng.next());
  const a = new Float64Array(M * K);
  for (let i = 0; i < M; i++) {
    const tok = Math.exp(0.5 * rng.normal());
    for (let k = 0; k < K; k++) a[i * K + k] = rng.normal() * tok * (outliers.get(k) ?? 1);
  }
  return a;
}
