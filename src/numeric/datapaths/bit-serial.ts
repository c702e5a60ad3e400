/**
 * Bit-serial weights: a B-bit two's-complement weight is processed one bit plane per cycle,
 *   Σ_k q_k·a_k = Σ_{b<B−1} 2^b·Σ_k bit_b(q_k)·a_k − 2^(B−1)·Σ_k bit_{B−1}(q_k)·a_k,
 * each plane an AND-accumulate of integer activations, shifted and added into an accumulator of
 * `accBits` bits that wraps (two's complement). This is the datapath of bit-serial accelerators
 * (Stripes/Loom, Bit Fusion's bit-level composition, the bit-serial weight path of LUT Tensor Core
 * and BitMoD, arXiv 2411.11745). Exact: compared per weight scale group with the integer GEMM.
 */
import type { CheckCase, Datapath, DatapathOutcome } from '../datapath.ts';
import { quantizeTensor } from '../../quant/codec.ts';
import { intOperands, wrapSigned } from './tensor-core.ts';
import { weightBits } from './lut.ts';

export function bitSerialDatapath(wFormat: string, aFormat = 'int8', accBits = 32): Datapath {
  const B = weightBits(wFormat);
  return {
    name: `bit-serial-w-${wFormat}-a-${aFormat}`,
    hardware: `bit-serial weight planes (${B} planes, ${accBits}-bit accumulator)`,
    operands: `A ${aFormat} × W ${wFormat} (two's complement bit planes)`,
    exact: true,
    boundText: `exact (integer partial sum per weight scale group; ${accBits}-bit accumulator wraps)`,
    run(c: CheckCase): DatapathOutcome {
      const { M, N, K } = c;
      const { a, w } = intOperands(c, aFormat, wFormat);
      const qw = c.name === 'all-max' ? undefined : quantizeTensor(wFormat, c.w, N, K);
      const gc = qw && !qw.perTensor ? qw.groupCols : K;
      const nG = Math.ceil(K / gc);
      const out = new Float64Array(M * N * nG);
      const ref = new Float64Array(M * N * nG);
      const absRef = new Float64Array(M * N * nG);
      const mod = 2 ** B;
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          for (let g = 0; g < nG; g++) {
            const k0 = g * gc;
            const k1 = Math.min(K, k0 + gc);
            let acc = 0;
            for (let b = 0; b < B; b++) {
              let plane = 0;
              for (let k = k0; k < k1; k++) {
                const bits = (w[j * K + k]! + mod) % mod; // two's-complement bit pattern
                if ((bits >> b) & 1) plane = wrapSigned(plane + a[i * K + k]!, accBits);
              }
              acc = wrapSigned(acc + (b === B - 1 ? -plane : plane) * 2 ** b, accBits);
            }
            let r = 0;
            let ar = 0;
            for (let k = k0; k < k1; k++) {
              r += a[i * K + k]! * w[j * K + k]!;
              ar += Math.abs(a[i * K + k]! * w[j * K + k]!);
            }
            const idx = (i * N + j) * nG + g;
            out[idx] = acc;
            ref[idx] = r;
            absRef[idx] = ar;
          }
        }
      }
      return { computed: out, reference: ref, absReference: absRef, bound: new Float64Array(out.length) };
    },
  };
}
