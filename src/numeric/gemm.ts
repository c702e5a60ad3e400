/**
 * The reference kernel: C = A · Wᵀ in float64, A [M×K] (activations, one row per token),
 * W [N×K] (weights, one row per output channel), C [M×N]. Beside C it returns Σ_k |a_ik·w_jk|
 * per output, the magnitude every floating-point error bound is stated against. For integer
 * operands (|a|,|w| ≤ 2^8, K ≤ 2^30) every partial sum is an integer below 2^53, so the
 * float64 result is the exact integer result.
 */
export interface GemmShape {
  M: number;
  N: number;
  K: number;
}

export interface Reference {
  c: Float64Array;
  absC: Float64Array;
}

export function referenceGemm(a: ArrayLike<number>, w: ArrayLike<number>, { M, N, K }: GemmShape): Reference {
  const c = new Float64Array(M * N);
  const absC = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let t = 0;
      for (let k = 0; k < K; k++) {
        const p = a[i * K + k]! * w[j * K + k]!;
        s += p;
        t += Math.abs(p);
      }
      c[i * N + j] = s;
      absC[i * N + j] = t;
    }
  }
  return { c, absC };
}

/** Σ_k |a_ik| per row of A (bounds on absolute rounding of weights scale with it). */
export function rowAbsSums(a: ArrayLike<number>, M: number, K: number): Float64Array {
  const s = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    let t = 0;
    for (let k = 0; k < K; k++) t += Math.abs(a[i * K + k]!);
    s[i] = t;
  }
  return s;
}

/** γ_n = n·u / (1 − n·u): the classical bound on n floating-point roundings of unit roundoff u. */
export function gamma(n: number, u: number): number {
  return (n * u) / (1 - n * u);
}
