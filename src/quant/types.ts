/** Compute dtypes a datapath may consume natively (tensor-core peaks are keyed by these). */
export type ComputeDtype = 'fp64' | 'fp32' | 'tf32' | 'fp16' | 'bf16' | 'fp8' | 'fp6' | 'fp4' | 'int8' | 'int4' | 'int2' | 'int1' | 'ternary';

/**
 * How a tensor is stored. `bitsPerElement` is the storage cost amortized per element, scales and
 * zero points included (INT4 g128 with an fp16 scale = 4 + 16/128 = 4.125).
 */
export interface TensorFormat {
  /** Canonical name: 'fp16', 'int4-g128', 'mxfp4', 'nvfp4', 'ternary', … */
  name: string;
  /** Bits of one element's code, scales excluded. */
  elementBits: number;
  /** Storage bits per element, scales and zero points amortized in. */
  bitsPerElement: number;
  /** The dtype a datapath consumes when it runs this format natively. */
  computeDtype: ComputeDtype;
  /** Weight formats below 8 bits are usually dequantized before a MAC datapath. */
  isFloat: boolean;
  groupSize?: number;
}

/** The formats of a model's weights, activations and KV cache (and embeddings / lm_head). */
export interface QuantScheme {
  name: string;
  weights: TensorFormat;
  activations: TensorFormat;
  kv: TensorFormat;
  /** Embedding tables and lm_head stay at 16 bits unless the scheme says otherwise. */
  embeddings: TensorFormat;
}
