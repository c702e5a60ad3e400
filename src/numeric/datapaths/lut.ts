/**
 * Table-lookup GEMM over weight bit planes (T-MAC, Wei et al., EuroSys 2025, arXiv 2407.00088;
 * LUT Tensor Core, Mo et al., ISCA 2025, arXiv 2408.06003 — facts in reference/lut.json).
 *
 * A B-bit weight q (two's complement) is stored offset-binary u = q + 2^(B−1) and split into B
 * bit planes. Reinterpreting each bit as s = 2·bit − 1 ∈ {−1, +1} gives q' = 2u − (2^B − 1) =
 * Σ_b 2^b·s_b = 2q + 1. For every group of G = 4 activations a table holds T[p] = Σ_j s_j(p)·a_j
 * for the 2^G sign patterns p; symmetrization stores only the 2^(G−1) patterns whose top bit is
 * 0 and reads T[p] = −T[~p] for the others (LUT Tensor Core's "table symmetrization"). Then
 *   Σ_k q_k·a_k = (Σ_b 2^b Σ_groups T[p_b,group] − Σ_k a_k) / 2.
 * Integer activations (int8): tables, lookups and the correction are integers — exact, checked
 * per weight scale group against the integer GEMM of the codes. fp16 activations: table entries
 * are summed in fp32 and stored in the table dtype (fp16 by default, the LUT Tensor Core
 * "entry width = accumulate dtype"), lookups accumulate in fp32, each scale group's sum is
 * multiplied by its scale and accumulated in fp32.
 */
import type { CheckCase, Datapath, DatapathOutcome } from '../datapath.ts';
import { gamma, referenceGemm } from '../gemm.ts';
import { quantizeTensor, dequantize } from '../../quant/codec.ts';
import { scaleIndex, type QuantizedTensor } from '../../quant/tensor.ts';
import { mustMinifloat } from '../../quant/minifloat.ts';
import { parseFormatName } from '../../quant/spec.ts';
import { intMin, intOperands } from './tensor-core.ts';
import { AccelscopeError } from '../../util/errors.ts';

const G = 4; // activations per table (T-MAC g = 4; LUT Tensor Core K = 4)
const fround = Math.fround;

export function weightBits(format: string): number {
  const s = parseFormatName(format);
  if (s.kind === 'int' && s.symmetric) return s.bits;
  if (s.kind === 'ternary') return 2;
  throw new AccelscopeError('unsupported', `bit planes need symmetric integer or ternary weights, not ${format}`);
}

/** Symmetrized tables for one row of activations: 2^(G−1) entries per group of G, entry = Σ ±a. */
function buildTables(a: ArrayLike<number>, off: number, K: number, round: (v: number) => number): Float64Array {
  const groups = Math.ceil(K / G);
  const half = 2 ** (G - 1);
  const t = new Float64Array(groups * half);
  for (let g = 0; g < groups; g++) {
    for (let p = 0; p < half; p++) {
      let s = 0;
      for (let j = 0; j < G; j++) {
        const k = g * G + j;
        const v = k < K ? a[off + k]! : 0;
        s = fround(s + ((p >> j) & 1 ? v : -v));
      }
      t[g * half + p] = round(s);
    }
  }
  return t;
}

function lookup(t: Float64Array, g: number, p: number): number {
  const half = 2 ** (G - 1);
  const mask = 2 ** G - 1;
  return p & half ? -t[g * half + (~p & mask)]! : t[g * half + p]!;
}

/** Σ_{k in [k0,k1)} q_k·a_k by table lookups over the B bit planes of the weights u = q + 2^(B−1). */
function lutDot(tables: Float64Array, w: ArrayLike<number>, woff: number, B: number, k0: number, k1: number, add: (acc: number, v: number) => number): number {
  let acc = 0;
  for (let b = 0; b < B; b++) {
    let plane = 0;
    for (let g = k0 / G; g < k1 / G; g++) {
      let p = 0;
      for (let j = 0; j < G; j++) {
        const k = g * G + j;
        const u = k < k1 ? w[woff + k]! + 2 ** (B - 1) : 2 ** (B - 1); // padding weights contribute q = 0 …
        p |= ((u >> b) & 1) << j;
      }
      plane = add(plane, lookup(tables, g, p));
    }
    acc = add(acc, plane * 2 ** b);
  }
  return acc;
}

/** Weight scale groups along K (per-row formats: one group of K). */
function groupCols(q: QuantizedTensor): number {
  return q.perTensor ? q.cols : q.groupCols;
}

export function lutIntDatapath(wFormat: string, aFormat = 'int8'): Datapath {
  const B = weightBits(wFormat);
  return {
    name: `lut-w-${wFormat}-a-${aFormat}`,
    hardware: 'T-MAC (CPU) / LUT Tensor Core: bit-plane table lookup, integer activations',
    operands: `A ${aFormat} × W ${wFormat} (${B} bit planes), tables of 2^${G - 1} symmetrized entries per ${G} activations`,
    exact: true,
    boundText: 'exact (integer partial sum per weight scale group)',
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const { a, w } = intOperands(c, aFormat, wFormat);
      const qw = c.name === 'all-max' ? undefined : quantizeTensor(wFormat, c.w, N, K);
      const gc = qw ? groupCols(qw) : K;
      if (gc % G !== 0 && gc !== K) throw new AccelscopeError('unsupported', `lut: weight group ${gc} is not a multiple of ${G}`);
      const nG = Math.ceil(K / gc);
      const out = new Float64Array(M * N * nG);
      const ref = new Float64Array(M * N * nG);
      const absRef = new Float64Array(M * N * nG);
      const intAdd = (x: number, y: number) => x + y;
      for (let i = 0; i < M; i++) {
        const tables = buildTables(a, i * K, K, (v) => v);
        for (let j = 0; j < N; j++) {
          for (let g = 0; g < nG; g++) {
            const k0 = g * gc;
            const k1 = Math.min(K, k0 + gc);
            let sumA = 0;
            let r = 0;
            let ar = 0;
            for (let k = k0; k < k1; k++) {
              sumA += a[i * K + k]!;
              r += a[i * K + k]! * w[j * K + k]!;
              ar += Math.abs(a[i * K + k]! * w[j * K + k]!);
            }
            const idx = (i * N + j) * nG + g;
            out[idx] = (lutDot(tables, w, j * K, B, k0, k1, intAdd) - sumA) / 2;
            ref[idx] = r;
            absRef[idx] = ar;
          }
        }
      }
      return { computed: out, reference: ref, absReference: absRef, bound: new Float64Array(out.length) };
    },
  };
}

export function lutFloatDatapath(wFormat: string, tableDtype: 'fp16' | 'fp32' = 'fp16'): Datapath {
  const B = weightBits(wFormat);
  const fp16 = mustMinifloat('fp16');
  const tf = mustMinifloat(tableDtype);
  const uT = 2 ** -(tf.spec.manBits + 1);
  const etaT = tf.minSubnormal / 2;
  return {
    name: `lut-w-${wFormat}-a-fp16-t${tableDtype}`,
    hardware: `LUT Tensor Core (W_INT × A_FP16): ${tableDtype} table entries, fp32 accumulation`,
    operands: `A fp16 × W ${wFormat} (${B} bit planes), ${tableDtype} tables`,
    exact: false,
    boundText: `|err| ≤ Σ_g |s_g|·2^B·((u_${tableDtype} + γ(2^-24))·Σ_g|a| + (K_g/4)·η_${tableDtype}) + γ_{n}(2^-24)·Σ|a·w|`,
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const a = new Float64Array(c.a.length);
      for (let i = 0; i < a.length; i++) a[i] = fp16.round(c.a[i]!);
      // A table entry sums G activations in the table dtype: keep it in range (exact power-of-two scaling).
      let maxEntry = 0;
      for (let i = 0; i < a.length; i += G) {
        let s = 0;
        for (let j = i; j < Math.min(a.length, i + G); j++) s += Math.abs(a[j]!);
        maxEntry = Math.max(maxEntry, s);
      }
      let note: string | undefined;
      if (maxEntry > tf.max / 2) {
        const f = 2 ** Math.floor(Math.log2(tf.max / 2 / maxEntry));
        for (let i = 0; i < a.length; i++) a[i] = fp16.round(a[i]! * f);
        note = `A scaled by 2^${Math.log2(f)} into the ${tableDtype} table's range`;
      }
      const qw = quantizeTensor(wFormat, c.w, N, K);
      if (c.name === 'all-max') qw.values.fill(intMin(wFormat));
      const gc = groupCols(qw);
      if (gc % G !== 0 && gc !== K) throw new AccelscopeError('unsupported', `lut: weight group ${gc} is not a multiple of ${G}`);
      const nG = Math.ceil(K / gc);
      const ref = referenceGemm(a, dequantize(qw), c);
      const out = new Float64Array(M * N);
      const bound = new Float64Array(M * N);
      const f32Add = (x: number, y: number) => fround(x + y);
      const terms = (gc / G) * B + B + G + 4;
      const cTable = uT + gamma(G + terms, 2 ** -24) * (1 + uT);
      for (let i = 0; i < M; i++) {
        const tables = buildTables(a, i * K, K, (v) => tf.round(v));
        for (let j = 0; j < N; j++) {
          let acc = 0;
          let bnd = 0;
          for (let g = 0; g < nG; g++) {
            const k0 = g * gc;
            const k1 = Math.min(K, k0 + gc);
            let sumA = 0;
            let absA = 0;
            for (let k = k0; k < k1; k++) {
              sumA = fround(sumA + a[i * K + k]!);
              absA += Math.abs(a[i * K + k]!);
            }
            const s = qw.scales[scaleIndex(qw, j, k0)]! * qw.tensorScale;
            const part = fround((lutDot(tables, qw.values, j * K, B, k0, k1, f32Add) - sumA) / 2);
            acc = fround(acc + fround(part * s));
            bnd += Math.abs(s) * 2 ** B * (cTable * absA + ((k1 - k0) / G) * etaT);
          }
          out[i * N + j] = acc;
          bound[i * N + j] = bnd + gamma(2 * nG + 2, 2 ** -24) * ref.absC[i * N + j]! * (1 + cTable * 2 ** B);
        }
      }
      return { computed: out, reference: ref.c, absReference: ref.absC, bound, ...(note ? { note } : {}) };
    },
  };
}
