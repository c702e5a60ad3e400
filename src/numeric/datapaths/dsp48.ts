/**
 * AMD/Xilinx DSP48E2 (UltraScale/UltraScale+) datapaths: a 27×18 two's-complement multiplier and
 * a 48-bit accumulator P that wraps modulo 2^48, chained through PCIN/PCOUT (UG579; facts in
 * /work/shared/reference/fpgas.json).
 *
 *   dsp48e2-int8     one INT8 product per DSP per cycle accumulated in P (48-bit wrap).
 *   dsp48e2-int8x2   two INT8 products per DSP (Xilinx WP486): two activations sharing one
 *                    weight are packed in the 27-bit port, (a2 << 18) + a1 (pre-adder A+D), the
 *                    weight w sits in the 18-bit port, so P += a2·w·2^18 + a1·w. A cascade of L
 *                    DSPs accumulates L such terms; then the low product is P[17:0] read as a
 *                    signed 18-bit number and the high product is P[47:18] PLUS P[17] — the
 *                    correction term: a negative low field borrowed one from the high field.
 *                    The low field holds |Σ a1·w| < 2^17 only while L·2^14 < 2^17 (|a|,|w| ≤
 *                    128), so the cascade length is L ≤ 7; longer chains corrupt both results.
 * Partial results of successive chains are added in a 48-bit fabric accumulator. Both paths are
 * exact integer datapaths: check compares them with the exact integer GEMM of the codes.
 */
import type { CheckCase, Datapath, DatapathOutcome } from '../datapath.ts';
import { referenceGemm } from '../gemm.ts';
import { intOperands, wrapSigned } from './tensor-core.ts';
import { AccelscopeError } from '../../util/errors.ts';

const HW = 'AMD/Xilinx DSP48E2 (UltraScale+): 27×18 multiplier, 48-bit accumulator (UG579, UG974)';
const LOW_BITS = 18;
const LOW = 2 ** LOW_BITS;

function fitsSigned(v: number, bits: number): boolean {
  return v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1);
}

export function dsp48e2Int8(aFormat = 'int8', wFormat = 'int8'): Datapath {
  return {
    name: 'dsp48e2-int8',
    hardware: HW,
    operands: `A ${aFormat} × W ${wFormat} → 48-bit P`,
    exact: true,
    boundText: 'exact (48-bit accumulator wraps modulo 2^48)',
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const { a, w } = intOperands(c, aFormat, wFormat);
      const ref = referenceGemm(a, w, c);
      const out = new Float64Array(M * N);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let p = 0;
          for (let k = 0; k < K; k++) p = wrapSigned(p + a[i * K + k]! * w[j * K + k]!, 48);
          out[i * N + j] = p;
        }
      }
      return { computed: out, reference: ref.c, absReference: ref.absC, bound: new Float64Array(M * N) };
    },
  };
}

export interface PackedOptions {
  /** DSPs in one cascade before the two results are extracted (WP486 arithmetic: ≤ 7 for INT8). */
  chainLength?: number;
  /** Add P[17] to the high field (the WP486 correction). Without it the high product is off by −1 whenever the low sum is negative. */
  correction?: boolean;
  aFormat?: string;
  wFormat?: string;
}

export function dsp48e2Int8x2(opts: PackedOptions = {}): Datapath {
  const L = opts.chainLength ?? 7;
  const correction = opts.correction ?? true;
  const aFormat = opts.aFormat ?? 'int8';
  const wFormat = opts.wFormat ?? 'int8';
  if (!Number.isInteger(L) || L < 1) throw new AccelscopeError('bad-flag', `chain length must be a positive integer (got ${L})`);
  return {
    name: `dsp48e2-int8x2${L !== 7 ? `-L${L}` : ''}${correction ? '' : '-nocorr'}`,
    hardware: `${HW}; INT8 packing per Xilinx WP486`,
    operands: `A ${aFormat} (two tokens packed in the 27-bit port) × W ${wFormat} (18-bit port), cascade of ${L}`,
    exact: true,
    boundText: 'exact (integer GEMM of the codes)',
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const { a, w } = intOperands(c, aFormat, wFormat);
      const ref = referenceGemm(a, w, c);
      const out = new Float64Array(M * N);
      for (let i = 0; i < M; i += 2) {
        const pair = i + 1 < M;
        for (let j = 0; j < N; j++) {
          let lo = 0;
          let hi = 0;
          for (let k0 = 0; k0 < K; k0 += L) {
            let p = 0;
            for (let k = k0; k < Math.min(K, k0 + L); k++) {
              const a1 = a[i * K + k]!;
              const a2 = pair ? a[(i + 1) * K + k]! : 0;
              const port27 = a2 * LOW + a1;
              const port18 = w[j * K + k]!;
              if (!fitsSigned(port27, 27) || !fitsSigned(port18, 18)) {
                throw new AccelscopeError('unsupported', `dsp48e2-int8x2: operands ${a1}, ${a2}, ${port18} do not fit the 27×18 ports`);
              }
              p = wrapSigned(p + port27 * port18, 48);
            }
            const low = ((p % LOW) + LOW) % LOW; // P[17:0] as unsigned
            const lowSigned = low >= LOW / 2 ? low - LOW : low;
            const high = (p - low) / LOW + (correction && low >= LOW / 2 ? 1 : 0); // P[47:18] (+ P[17])
            lo = wrapSigned(lo + lowSigned, 48);
            hi = wrapSigned(hi + high, 48);
          }
          out[i * N + j] = lo;
          if (pair) out[(i + 1) * N + j] = hi;
        }
      }
      return { computed: out, reference: ref.c, absReference: ref.absC, bound: new Float64Array(M * N) };
    },
  };
}

/**
 * AMD Versal DSP58 in its INT8 vector mode: a 3-element INT8 dot product per DSP per cycle
 * added into a 58-bit accumulator (UG1273 "Programmable Logic": 27×24 multiplier, 58-bit
 * accumulator, INT8 3-element vector dot product; facts in reference/fpgas.json). Exact.
 */
export function dsp58Int8x3(aFormat = 'int8', wFormat = 'int8'): Datapath {
  return {
    name: 'dsp58-int8x3',
    hardware: 'AMD Versal DSP58: INT8 3-element dot product mode, 58-bit accumulator (UG1273, AM004)',
    operands: `A ${aFormat} × W ${wFormat}, three products per DSP → 58-bit P`,
    exact: true,
    boundText: 'exact (58-bit accumulator wraps modulo 2^58)',
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const { a, w } = intOperands(c, aFormat, wFormat);
      const ref = referenceGemm(a, w, c);
      const out = new Float64Array(M * N);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let p = 0;
          for (let k0 = 0; k0 < K; k0 += 3) {
            let dot = 0;
            for (let k = k0; k < Math.min(K, k0 + 3); k++) dot += a[i * K + k]! * w[j * K + k]!;
            p = wrapSigned(p + dot, 58);
          }
          out[i * N + j] = p;
        }
      }
      return { computed: out, reference: ref.c, absReference: ref.absC, bound: new Float64Array(M * N) };
    },
  };
}
