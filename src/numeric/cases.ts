/**
 * Seeded check inputs, random and adversarial:
 *   random       Gaussian A and W
 *   outliers     LLM-like: a few activation channels 100× the rest (LLM.int8(), Dettmers et
 *                al. 2022 §3), heavy-tailed (Student-t, 4 dof) weights
 *   all-max      every A entry +65504 and every W entry −65504 (the largest fp16 magnitude; no
 *                cancellation, the largest sums); integer datapaths use their most negative code
 *   signed-zero  ±0 mixed into A and W, whole rows of −0
 *   subnormal    A in the fp16 subnormal range (|a| < 2^−14), W normal
 */
import { Rng } from './rng.ts';
import type { CaseKind, CheckCase } from './datapath.ts';
import type { GemmShape } from './gemm.ts';

export const CASE_KINDS: readonly CaseKind[] = ['random', 'outliers', 'all-max', 'signed-zero', 'subnormal'];

export const DEFAULT_CHECK_SHAPE: GemmShape = { M: 4, N: 16, K: 256 };

export function makeCase(kind: CaseKind, shape: GemmShape, seed: number): CheckCase {
  const { M, N, K } = shape;
  const rng = new Rng(seed ^ (CASE_KINDS.indexOf(kind) * 0x9e3779b1));
  const a = new Float64Array(M * K);
  const w = new Float64Array(N * K);
  switch (kind) {
    case 'random':
      for (let i = 0; i < a.length; i++) a[i] = rng.normal();
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * 0.05;
      break;
    case 'outliers': {
      const outlier = new Set<number>();
      while (outlier.size < Math.max(1, Math.floor(K / 64))) outlier.add(rng.int(0, K - 1));
      for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) a[i * K + k] = rng.normal() * (outlier.has(k) ? 100 : 1);
      for (let i = 0; i < w.length; i++) w[i] = rng.studentT(4) * 0.02;
      break;
    }
    case 'all-max':
      a.fill(65504);
      w.fill(-65504);
      break;
    case 'signed-zero':
      for (let i = 0; i < a.length; i++) a[i] = rng.next() < 0.5 ? (rng.next() < 0.5 ? -0 : 0) : rng.normal();
      for (let i = 0; i < w.length; i++) w[i] = rng.next() < 0.5 ? -0 : rng.normal() * 0.05;
      for (let k = 0; k < K; k++) a[k] = -0; // the first token is all −0
      break;
    case 'subnormal':
      for (let i = 0; i < a.length; i++) a[i] = rng.normal() * 2 ** -17;
      for (let i = 0; i < w.length; i++) w[i] = rng.normal();
      break;
  }
  return { name: kind, M, N, K, a, w };
}

export function makeCases(shape: GemmShape = DEFAULT_CHECK_SHAPE, seed = 1): CheckCase[] {
  return CASE_KINDS.map((k) => makeCase(k, shape, seed));
}
