/**
 * PIM DRAM bank units: the K dimension of a GEMV/GEMM is split across banks (contiguous slices,
 * bank 0 first), each bank's unit computes its partial dot products in the unit's own precision,
 * and the host (or buffer die) adds the bank partials in fp32, in bank order 0, 1, …, B−1.
 *
 *   simd  (Samsung HBM-PIM / FIMDRAM): each of `lanes` fp16 SIMD lanes keeps its own accumulator
 *         register; lane l of a bank takes every lanes-th element of the bank's slice; MAC =
 *         fp16 multiply then fp16 add (two roundings). The lanes·banks partials are read out and
 *         summed in fp32. (PCU ops "FP16 ADD, MUL, MAC, MAD", 16 lanes — reference/pim.json; the
 *         16-lane width there is marked unverified.)
 *   tree  (SK hynix AiM): `lanes` bf16 multipliers feed an adder tree each step; the tree output
 *         is accumulated per bank. Tree and accumulator precision are not published in the
 *         retrieved sources (reference/pim.json marks them unverified): modeled as fp32,
 *         a placeholder.
 * fp16 accumulators overflow at 65504: inputs are scaled by a power of two (exact) so that every
 * Σ|a·w| stays at most half of it — the datapath's stated range — and the outcome says so.
 */
import type { CheckCase, Datapath, DatapathOutcome } from '../datapath.ts';
import { gamma, referenceGemm } from '../gemm.ts';
import { mustMinifloat } from '../../quant/minifloat.ts';

const fround = Math.fround;

export interface PimOptions {
  name: string;
  hardware: string;
  operandDtype: 'fp16' | 'bf16';
  structure: 'simd' | 'tree';
  /** Precision of the bank unit's products and accumulator. */
  bankDtype: 'fp16' | 'bf16' | 'fp32';
  lanes: number;
  banks: number;
}

export const HBM_PIM: PimOptions = {
  name: 'pim-hbm-fp16',
  hardware: 'Samsung HBM-PIM (FIMDRAM, Aquabolt-XL): fp16 SIMD MAC per bank pair',
  operandDtype: 'fp16',
  structure: 'simd',
  bankDtype: 'fp16',
  lanes: 16,
  banks: 16,
};
export const AIM_BF16: PimOptions = {
  name: 'pim-aim-bf16',
  hardware: 'SK hynix GDDR6-AiM: bf16 multipliers + adder tree per bank (fp32 tree/accumulator: placeholder)',
  operandDtype: 'bf16',
  structure: 'tree',
  bankDtype: 'fp32',
  lanes: 16,
  banks: 16,
};

export function pimDatapath(o: PimOptions): Datapath {
  const op = mustMinifloat(o.operandDtype);
  const bank = mustMinifloat(o.bankDtype);
  const uB = o.bankDtype === 'fp32' ? 2 ** -24 : 2 ** -(bank.spec.manBits + 1);
  const etaB = bank.minSubnormal / 2;
  const rb = o.bankDtype === 'fp32' ? fround : (v: number) => bank.round(v);
  return {
    name: o.name,
    hardware: o.hardware,
    operands: `A ${o.operandDtype} × W ${o.operandDtype} → ${o.bankDtype} per ${o.structure === 'simd' ? 'lane' : 'bank'} (${o.banks} banks × ${o.lanes} lanes) → fp32 across banks`,
    exact: false,
    boundText: `|err| ≤ (γ_{2n}(u_${o.bankDtype}) + γ_{lanes·banks}(2^-24)(1+γ))·Σ|a·w| + 2K·η_${o.bankDtype}, n = K/(banks·lanes)`,
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      let a = Float64Array.from(c.a, (v) => op.round(v));
      const w = Float64Array.from(c.w, (v) => op.round(v));
      let note: string | undefined;
      let ref = referenceGemm(a, w, c);
      if (o.bankDtype === 'fp16') {
        const maxAbs = ref.absC.reduce((m, v) => Math.max(m, v), 0);
        const limit = bank.max / 2;
        if (maxAbs > limit) {
          const f = 2 ** Math.floor(Math.log2(limit / maxAbs));
          a = Float64Array.from(a, (v) => op.round(v * f));
          ref = referenceGemm(a, w, c);
          note = `A scaled by 2^${Math.log2(f)} into the fp16 accumulator's range`;
        }
      }
      const slice = Math.ceil(K / o.banks);
      const out = new Float64Array(M * N);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let host = 0;
          for (let b = 0; b < o.banks; b++) {
            const k0 = b * slice;
            const k1 = Math.min(K, k0 + slice);
            if (o.structure === 'simd') {
              for (let l = 0; l < o.lanes; l++) {
                let acc = 0;
                for (let k = k0 + l; k < k1; k += o.lanes) acc = rb(acc + rb(a[i * K + k]! * w[j * K + k]!));
                host = fround(host + acc);
              }
            } else {
              let acc = 0;
              for (let s = k0; s < k1; s += o.lanes) {
                let tree = 0;
                for (let k = s; k < Math.min(k1, s + o.lanes); k++) tree = rb(tree + rb(a[i * K + k]! * w[j * K + k]!));
                acc = rb(acc + tree);
              }
              host = fround(host + acc);
            }
          }
          out[i * N + j] = host;
        }
      }
      const n = Math.ceil(slice / (o.structure === 'simd' ? o.lanes : 1)) + (o.structure === 'tree' ? o.lanes : 0);
      const gb = gamma(2 * n + 2, uB);
      const rel = gb + gamma(o.lanes * o.banks + 1, 2 ** -24) * (1 + gb);
      const bound = Float64Array.from(ref.absC, (v) => rel * v + 2 * K * etaB);
      return { computed: out, reference: ref.c, absReference: ref.absC, bound, ...(note ? { note } : {}) };
    },
  };
}
