/**
 * GPU tensor-core datapaths: operands are dequantized (or converted) into the MMA input type,
 * multiplied exactly, and accumulated in fp32; scales are applied as the kernels do.
 *
 *   mma-float        fp16/bf16 × fp16/bf16 → fp32 (HMMA). Each product is rounded to fp32 (exact
 *                    for fp16; bf16 products can leave fp32's range), then added to an fp32
 *                    accumulator in K order.
 *   mma-weight-only  W in any storage format (int4-g128, ternary, fp6 …) is dequantized to the
 *                    activation type: w = RN_fp16(value · scale) (the dequant kernel's one fp16
 *                    multiply, e.g. Marlin/AWQ), then mma-float. Reference: exact value · scale.
 *   imma             int × int → int32 (IMMA, INT8/INT4 tensor cores): exact integer GEMM of the
 *                    codes (minus zero points), the int32 accumulator wrapping modulo 2^32.
 *   mma-fp8-scaled   FP8 codes × FP8 codes, fp32 accumulation, then D = acc · RN32(s_a · s_w) with
 *                    per-tensor (cuBLASLt scaleA·scaleB) or per-row / per-channel scales.
 *   mma-block-scaled MX / NVFP4 (Blackwell block-scaled MMA): each K-block's dot product in fp32 is
 *                    multiplied by the product of the two block scales, accumulated in fp32, and
 *                    NVFP4's fp32 tensor scales are applied at the end.
 * Bounds: fp32 accumulation is stated with u = 2^−23 so that it covers both round-to-nearest and
 * the truncating alignment tensor cores use inside an MMA (Fasi, Higham, Mikaitis, Pranesh,
 * "Numerical behavior of NVIDIA tensor cores", PeerJ CS 2021): |err| ≤ γ_n(2^−23)·Σ|a·w| with n
 * the roundings on the longest path, plus the dequant rounding for weight-only paths.
 * Not modeled: the reduced (~14-bit) accumulation of FP8 WGMMA on Hopper reported in
 * DeepSeek-V3 §3.3.2 — a kernel that does not promote partial sums to CUDA cores sees more error.
 */
import type { QuantScheme } from '../../quant/types.ts';
import { quantizeTensor } from '../../quant/codec.ts';
import { dequantize, scaleIndex } from '../../quant/tensor.ts';
import { parseFormatName } from '../../quant/spec.ts';
import { mustMinifloat } from '../../quant/minifloat.ts';
import { gamma, referenceGemm, rowAbsSums } from '../gemm.ts';
import type { CheckCase, Datapath, DatapathOutcome } from '../datapath.ts';

const U_ACC = 2 ** -23;
const FP32_HALF_MIN_SUB = 2 ** -150;
const fround = Math.fround;
const TC = 'NVIDIA tensor cores (Volta–Blackwell), fp32 accumulation (CUDA PTX ISA, mma/wgmma)';

function castAll(name: 'fp16' | 'bf16', x: Float64Array): Float64Array {
  const mf = mustMinifloat(name);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = mf.round(x[i]!);
  return out;
}

/** fp32 accumulation of exact-then-fp32-rounded products, K order, from a +0 accumulator. */
function mmaFp32(a: Float64Array, w: Float64Array, M: number, N: number, K: number): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc = fround(acc + fround(a[i * K + k]! * w[j * K + k]!));
      c[i * N + j] = acc;
    }
  }
  return c;
}

function boundFrom(absC: Float64Array, rel: number, abs: number | ((idx: number) => number) = 0): Float64Array {
  const b = new Float64Array(absC.length);
  for (let i = 0; i < b.length; i++) b[i] = rel * absC[i]! + (typeof abs === 'number' ? abs : abs(i));
  return b;
}

export function mmaFloat(dtype: 'fp16' | 'bf16'): Datapath {
  return {
    name: `tc-${dtype}-mma`,
    hardware: `${TC}: HMMA ${dtype}`,
    operands: `A ${dtype} × W ${dtype} → fp32`,
    exact: false,
    boundText: '|err| ≤ γ_{K+1}(2^-23)·Σ|a·w| + K·2^-150',
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const a = castAll(dtype, c.a);
      const w = castAll(dtype, c.w);
      const ref = referenceGemm(a, w, c);
      return {
        computed: mmaFp32(a, w, M, N, K),
        reference: ref.c,
        absReference: ref.absC,
        bound: boundFrom(ref.absC, gamma(K + 1, U_ACC), K * FP32_HALF_MIN_SUB),
      };
    },
  };
}

export function mmaWeightOnly(weightFormat: string, act: 'fp16' | 'bf16'): Datapath {
  const mf = mustMinifloat(act);
  const uD = 2 ** -(mf.spec.manBits + 1);
  const etaD = mf.minSubnormal / 2;
  return {
    name: `tc-w-${weightFormat}-a-${act}`,
    hardware: `${TC}: weight-only kernels (dequantize W to ${act} in registers, then HMMA), e.g. Marlin, AWQ, FP6-LLM`,
    operands: `A ${act} × W ${weightFormat} → dequantized to ${act} → fp32`,
    exact: false,
    boundText: `|err| ≤ (u_${act} + γ_{K+1}(2^-23)(1+u_${act}))·Σ|a·w| + (1+γ)·η_${act}·Σ|a|`,
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const a = castAll(act, c.a);
      const q = quantizeTensor(weightFormat, c.w, N, K);
      const exactW = dequantize(q);
      const wDeq = new Float64Array(exactW.length);
      for (let i = 0; i < wDeq.length; i++) wDeq[i] = mf.round(exactW[i]!, 'saturate');
      const ref = referenceGemm(a, exactW, c);
      const g = gamma(K + 1, U_ACC);
      const rowA = rowAbsSums(a, M, K);
      return {
        computed: mmaFp32(a, wDeq, M, N, K),
        reference: ref.c,
        absReference: ref.absC,
        bound: boundFrom(ref.absC, uD + g * (1 + uD), (idx) => (1 + g) * etaD * rowA[Math.floor(idx / N)]! + K * FP32_HALF_MIN_SUB),
      };
    },
  };
}

/** The most negative code of a symmetric integer format (used by the all-max case). */
export function intMin(format: string): number {
  const s = parseFormatName(format);
  if (s.kind === 'int') return s.symmetric ? -(2 ** (s.bits - 1)) : 0;
  return -1; // ternary / binary
}

/** Integer operand matrices for a case: quantized codes, or every code at its most negative in 'all-max'. */
export function intOperands(c: CheckCase, aFormat: string, wFormat: string): { a: Float64Array; w: Float64Array } {
  if (c.name === 'all-max') {
    return { a: new Float64Array(c.M * c.K).fill(intMin(aFormat)), w: new Float64Array(c.N * c.K).fill(intMin(wFormat)) };
  }
  return { a: quantizeTensor(aFormat, c.a, c.M, c.K).values, w: quantizeTensor(wFormat, c.w, c.N, c.K).values };
}

/** Wraps an integer to a two's-complement register of `bits` bits (exact for |v| < 2^53). */
export function wrapSigned(v: number, bits: number): number {
  const m = 2 ** bits;
  if (v >= -m / 2 && v < m / 2) return v; // in range (and, above 2^53, the only exact case)
  let r = v % m;
  if (r < 0) r += m;
  return r >= m / 2 ? r - m : r;
}

export function imma(aFormat: string, wFormat: string): Datapath {
  return {
    name: `tc-imma-${wFormat}-${aFormat}`,
    hardware: `${TC}: IMMA int8/int4 with int32 accumulators`,
    operands: `A ${aFormat} × W ${wFormat} → int32`,
    exact: true,
    boundText: 'exact (integer GEMM of the codes; int32 wraps)',
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const { a, w } = intOperands(c, aFormat, wFormat);
      const ref = referenceGemm(a, w, c);
      const out = new Float64Array(M * N);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let k = 0; k < K; k++) acc = wrapSigned(acc + a[i * K + k]! * w[j * K + k]!, 32);
          out[i * N + j] = acc;
        }
      }
      return { computed: out, reference: ref.c, absReference: ref.absC, bound: new Float64Array(M * N) };
    },
  };
}

export function mmaScaledFloat(aFormat: string, wFormat: string): Datapath {
  return {
    name: `tc-${wFormat}-${aFormat}-scaled`,
    hardware: `${TC}: FP8 MMA (Hopper/Ada/Blackwell) with scale factors applied to the fp32 result (cuBLASLt scaleA/scaleB, per-row in vLLM/CUTLASS epilogues)`,
    operands: `A ${aFormat} × W ${wFormat} (fp32 scales) → fp32`,
    exact: false,
    boundText: '|err| ≤ γ_{K+2}(2^-23)·Σ|a·w|',
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const qa = quantizeTensor(aFormat, c.a, M, K);
      const qw = quantizeTensor(wFormat, c.w, N, K);
      const ref = referenceGemm(dequantize(qa), dequantize(qw), c);
      const acc = mmaFp32(qa.values, qw.values, M, N, K);
      const out = new Float64Array(M * N);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          const s = fround(qa.scales[scaleIndex(qa, i, 0)]! * qw.scales[scaleIndex(qw, j, 0)]!);
          out[i * N + j] = fround(acc[i * N + j]! * s);
        }
      }
      return { computed: out, reference: ref.c, absReference: ref.absC, bound: boundFrom(ref.absC, gamma(K + 2, U_ACC)) };
    },
  };
}

export function mmaBlockScaled(aFormat: string, wFormat: string): Datapath {
  return {
    name: `tc-${wFormat}-${aFormat}-block-scaled`,
    hardware: `${TC}: Blackwell block-scaled MMA (tcgen05.mma …block_scale, MX and NVFP4)`,
    operands: `A ${aFormat} × W ${wFormat} → fp32 per block × block scales → fp32`,
    exact: false,
    boundText: '|err| ≤ γ_{K+2K/B+2}(2^-23)·Σ|a·w|  (B = block size)',
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const qa = quantizeTensor(aFormat, c.a, M, K);
      const qw = quantizeTensor(wFormat, c.w, N, K);
      const ref = referenceGemm(dequantize(qa), dequantize(qw), c);
      const B = qa.groupCols;
      const out = new Float64Array(M * N);
      const ts = fround(qa.tensorScale * qw.tensorScale);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let k0 = 0; k0 < K; k0 += B) {
            let part = 0;
            for (let k = k0; k < Math.min(K, k0 + B); k++) part = fround(part + fround(qa.values[i * K + k]! * qw.values[j * K + k]!));
            const s = fround(qa.scales[scaleIndex(qa, i, k0)]! * qw.scales[scaleIndex(qw, j, k0)]!);
            acc = fround(acc + fround(part * s));
          }
          out[i * N + j] = ts === 1 ? acc : fround(acc * ts);
        }
      }
      const nb = Math.ceil(K / B);
      return { computed: out, reference: ref.c, absReference: ref.absC, bound: boundFrom(ref.absC, gamma(K + 2 * nb + 2, U_ACC)) };
    },
  };
}

/** The tensor-core datapath a quant scheme runs on, or undefined when tensor cores do not run it. */
export function tensorCoreDatapath(q: QuantScheme): Datapath | undefined {
  const ws = parseFormatName(q.weights.name);
  const as = parseFormatName(q.activations.name);
  const act16 = as.kind === 'float' && (as.element === 'fp16' || as.element === 'bf16') ? as.element : undefined;
  if (act16 && ws.kind === 'float' && ws.scale === 'none' && ws.element === act16) return mmaFloat(act16);
  if (act16) return mmaWeightOnly(q.weights.name, act16);
  const intLike = (s: typeof ws) => (s.kind === 'int' && !s.floatZero) || s.kind === 'ternary' || s.kind === 'binary';
  if (as.kind === 'int' && intLike(as) && intLike(ws)) return imma(q.activations.name, q.weights.name);
  if (as.kind === 'float' && as.scale !== 'none' && ws.kind === 'float' && ws.scale !== 'none') return mmaScaledFloat(q.activations.name, q.weights.name);
  if ((as.kind === 'mx' || as.kind === 'nvfp4') && (ws.kind === 'mx' || ws.kind === 'nvfp4') && as.blockSize === ws.blockSize) {
    return mmaBlockScaled(q.activations.name, q.weights.name);
  }
  return undefined;
}
