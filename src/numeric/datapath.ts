/**
 * A datapath is a functional model of how one piece of hardware computes a GEMM: it takes the
 * real-valued matrices of a check case, quantizes them into the operand formats that hardware
 * consumes, computes C = A·Wᵀ the way that hardware does (its multipliers, accumulator width and
 * rounding, table lookups, packing), and returns beside it the reference over the SAME operands
 * (float64 over the dequantized values, or the exact integer GEMM of the codes) and its stated
 * bound on |computed − reference| per output. `check` (check.ts) compares them.
 */
import type { GemmShape } from './gemm.ts';

export type CaseKind = 'random' | 'outliers' | 'all-max' | 'signed-zero' | 'subnormal';

export interface CheckCase extends GemmShape {
  name: CaseKind;
  /** [M×K] activations, row-major. */
  a: Float64Array;
  /** [N×K] weights, row-major. */
  w: Float64Array;
}

export interface DatapathOutcome {
  computed: Float64Array;
  reference: Float64Array;
  /** Σ_k |a·w| per output over the datapath's operands (the scale of relative errors). */
  absReference: Float64Array;
  /** Largest |computed − reference| allowed per output; all zeros for an exact datapath. */
  bound: Float64Array;
  /** What the datapath did to the inputs (e.g. scaled them into its accumulator's range). */
  note?: string;
}

export interface Datapath {
  /** Unique name, e.g. 'tc-fp16-fp32acc', 'dsp48e2-int8x2'. */
  name: string;
  /** The hardware that computes this way (a sentence with its source). */
  hardware: string;
  /** Operand formats, e.g. 'A fp16 × W int4-g128 (fp16 scale)'. */
  operands: string;
  /** Integer datapaths must match the integer reference exactly. */
  exact: boolean;
  /** The stated error bound, in words and symbols. */
  boundText: string;
  run(c: CheckCase): DatapathOutcome;
  /** The GEMM shape the hardware claims this datapath at (e.g. K accumulated in one PIM unit); check uses it instead of its default shape. */
  shape?: GemmShape;
  /** What an arch config claims and where (config fields), when the datapath was built from a config. */
  claim?: string;
}
