/**
 * AMD/Xilinx DSP48E2 (UltraScale/UltraScale+) datapaths: a 27×18 two's-complement multiplier and
 * a 48-bit accumulator P that wraps modulo 2^48, chained through PCIN/PCOUT (UG579; facts in
 * data/reference/fpgas.json).
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

export function dsp48e2Int8(aFormat = 'int8', wFormat = 'int8'): Datapath {
  return {
    name: 'dsp48e2-int8',
    hardware: HW,
    operands: `A ${aFormat} × W ${wFormat} → 48-bit P`,
    exact: true,
    boundText: 'exact (48-bit accumulator wraps modulo 2^48)',
    run: macRun(aFormat, wFormat, 48),
  };
}

function macRun(aFormat: string, wFormat: string, bits: number): (c: CheckCase) => DatapathOutcome {
  return (c) => {
    const { M, N, K } = c;
    const { a, w } = intOperands(c, aFormat, wFormat);
    const ref = referenceGemm(a, w, c);
    const out = new Float64Array(M * N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let p = 0;
        for (let k = 0; k < K; k++) p = wrapSigned(p + a[i * K + k]! * w[j * K + k]!, bits);
        out[i * N + j] = p;
      }
    }
    return { computed: out, reference: ref.c, absReference: ref.absC, bound: new Float64Array(M * N) };
  };
}

export type DspName = 'DSP48E2' | 'DSP58';

/** Port and accumulator widths of a DSP slice: A:D pre-adder 27 bits, B 18 (DSP48E2) or 24 (DSP58), P 48 or 58 (UG579, AM004). */
export const DSP_WIDTHS: Record<DspName, { port27Bits: number; portBBits: number; accumulatorBits: number }> = {
  DSP48E2: { port27Bits: 27, portBBits: 18, accumulatorBits: 48 },
  DSP58: { port27Bits: 27, portBBits: 24, accumulatorBits: 58 },
};

export interface PackedOptions {
  /** DSPs in one cascade before the two results are extracted (WP486 arithmetic: ≤ 7 for INT8). */
  chainLength?: number;
  /** Add P[17] to the high field (the WP486 correction). Without it the high product is off by −1 whenever the low sum is negative. */
  correction?: boolean;
  aFormat?: string;
  wFormat?: string;
  /** The DSP slice (port and accumulator widths); default DSP48E2. */
  dsp?: DspName;
  /** Shift of the second packed operand = width of the low product field (WP486: 18). */
  lowFieldBits?: number;
  /**
   * Which operand the two products share: 'weight' (WP486: two activations of consecutive tokens
   * in the 27-bit port, one weight on B) or 'activation' (two weights of consecutive output
   * columns in the 27-bit port, one activation on B — FlightLLM's MPE).
   */
  share?: 'weight' | 'activation';
}

/**
 * Two products per DSP (WP486 packing), generalized over the DSP slice, the low-field width and
 * the shared operand. The fabric writes only the port's width into the DSP, so a packed operand
 * that does not fit is truncated (wraps) as in hardware, and P wraps at the accumulator width:
 * a claim that does not fit the slice computes wrong results, which check reports.
 */
export function dsp48e2Int8x2(opts: PackedOptions = {}): Datapath {
  const L = opts.chainLength ?? 7;
  const correction = opts.correction ?? true;
  const aFormat = opts.aFormat ?? 'int8';
  const wFormat = opts.wFormat ?? 'int8';
  const dsp = opts.dsp ?? 'DSP48E2';
  const s = opts.lowFieldBits ?? LOW_BITS;
  const share = opts.share ?? 'weight';
  const { port27Bits, portBBits, accumulatorBits: pBits } = DSP_WIDTHS[dsp];
  if (!Number.isInteger(L) || L < 1) throw new AccelscopeError('bad-flag', `chain length must be a positive integer (got ${L})`);
  if (!Number.isInteger(s) || s < 2 || s >= pBits) throw new AccelscopeError('bad-flag', `low field width must be an integer in [2, ${pBits}) (got ${s})`);
  const low = 2 ** s;
  const hw = dsp === 'DSP48E2' ? HW : `AMD Versal DSP58: 27×24 multiplier, 58-bit accumulator (AM004)`;
  const packed =
    share === 'weight'
      ? `A ${aFormat} (two tokens packed in the 27-bit port) × W ${wFormat} (${portBBits}-bit port)`
      : `W ${wFormat} (two output columns packed in the 27-bit port) × A ${aFormat} (${portBBits}-bit port)`;
  return {
    name: `${dsp.toLowerCase()}-int8x2${L !== 7 ? `-L${L}` : ''}${s !== LOW_BITS ? `-s${s}` : ''}${correction ? '' : '-nocorr'}`,
    hardware: `${hw}; INT8 packing per Xilinx WP486`,
    operands: `${packed}, low field ${s} bits, cascade of ${L}`,
    exact: true,
    boundText: 'exact (integer GEMM of the codes)',
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const { a, w } = intOperands(c, aFormat, wFormat);
      const ref = referenceGemm(a, w, c);
      const out = new Float64Array(M * N);
      // Packed pair (p, p+1) along the packed dimension; `other` is the shared one.
      const packedCount = share === 'weight' ? M : N;
      const otherCount = share === 'weight' ? N : M;
      const packedOf = share === 'weight' ? a : w;
      const sharedOf = share === 'weight' ? w : a;
      const at = (p: number, o: number) => (share === 'weight' ? p * N + o : o * N + p);
      let wrapped = 0;
      for (let p0 = 0; p0 < packedCount; p0 += 2) {
        const pair = p0 + 1 < packedCount;
        for (let o = 0; o < otherCount; o++) {
          let lo = 0;
          let hi = 0;
          for (let k0 = 0; k0 < K; k0 += L) {
            let acc = 0;
            for (let k = k0; k < Math.min(K, k0 + L); k++) {
              const x1 = packedOf[p0 * K + k]!;
              const x2 = pair ? packedOf[(p0 + 1) * K + k]! : 0;
              const port27 = wrapSigned(x2 * low + x1, port27Bits);
              const portB = wrapSigned(sharedOf[o * K + k]!, portBBits);
              if (port27 !== x2 * low + x1 || portB !== sharedOf[o * K + k]) wrapped++;
              acc = wrapSigned(acc + port27 * portB, pBits);
            }
            const lowField = ((acc % low) + low) % low; // P[s−1:0] as unsigned
            const lowSigned = lowField >= low / 2 ? lowField - low : lowField;
            const high = (acc - lowField) / low + (correction && lowField >= low / 2 ? 1 : 0); // P[top:s] (+ P[s−1])
            lo = wrapSigned(lo + lowSigned, pBits);
            hi = wrapSigned(hi + high, pBits);
          }
          out[at(p0, o)] = lo;
          if (pair) out[at(p0 + 1, o)] = hi;
        }
      }
      const note = wrapped > 0 ? `${wrapped} packed operand(s) did not fit the ${port27Bits}×${portBBits} ports and were truncated` : undefined;
      return { computed: out, reference: ref.c, absReference: ref.absC, bound: new Float64Array(M * N), ...(note ? { note } : {}) };
    },
  };
}

/** One product per DSP per cycle accumulated in P, for either slice (48- or 58-bit wrap). */
export function dspMac(dsp: DspName, aFormat = 'int8', wFormat = 'int8'): Datapath {
  if (dsp === 'DSP48E2') return dsp48e2Int8(aFormat, wFormat);
  const bits = DSP_WIDTHS[dsp].accumulatorBits;
  return {
    ...dsp48e2Int8(aFormat, wFormat),
    name: 'dsp58-int8',
    hardware: 'AMD Versal DSP58: 27×24 multiplier, 58-bit accumulator (AM004)',
    operands: `A ${aFormat} × W ${wFormat} → ${bits}-bit P`,
    boundText: `exact (${bits}-bit accumulator wraps modulo 2^${bits})`,
    run: macRun(aFormat, wFormat, bits),
  };
}

/**
 * AMD Versal DSP58 in its INT8 vector mode: a 3-element INT8 dot product per DSP per cycle
 * added into a 58-bit accumulator (UG1273 "Programmable Logic": 27×24 multiplier, 58-bit
 * accumulator, INT8 3-element vector dot product; facts in reference/fpgas.json). Exact.
 */
export function dsp58Int8x3(aFormat = 'int8', wFormat = 'int8', elements = 3, dsp: DspName = 'DSP58'): Datapath {
  const bits = DSP_WIDTHS[dsp].accumulatorBits;
  if (!Number.isInteger(elements) || elements < 1) throw new AccelscopeError('bad-flag', `dot-product elements must be a positive integer (got ${elements})`);
  return {
    name: `${dsp.toLowerCase()}-int8x${elements}`,
    hardware:
      dsp === 'DSP58'
        ? 'AMD Versal DSP58: INT8 3-element dot product mode, 58-bit accumulator (UG1273, AM004)'
        : `${HW}: ${elements}-element dot product per DSP (as claimed by the config)`,
    operands: `A ${aFormat} × W ${wFormat}, ${elements} products per DSP → ${bits}-bit P`,
    exact: true,
    boundText: `exact (${bits}-bit accumulator wraps modulo 2^${bits})`,
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const { a, w } = intOperands(c, aFormat, wFormat);
      const ref = referenceGemm(a, w, c);
      const out = new Float64Array(M * N);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let p = 0;
          for (let k0 = 0; k0 < K; k0 += elements) {
            let dot = 0;
            for (let k = k0; k < Math.min(K, k0 + elements); k++) dot += a[i * K + k]! * w[j * K + k]!;
            p = wrapSigned(p + dot, bits);
          }
          out[i * N + j] = p;
        }
      }
      return { computed: out, reference: ref.c, absReference: ref.absC, bound: new Float64Array(M * N) };
    },
  };
}
