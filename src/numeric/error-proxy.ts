/**
 * An error proxy for comparing quant schemes: one GEMM C = A·Wᵀ on seeded synthetic LLM-like
 * operands (synthetic.ts), with W quantized to the scheme's weight format and A to its activation
 * format (both quantize → dequantize, bit-exact codecs), against the float64 GEMM of the
 * unquantized operands. Reports SQNR = 10·log10(‖C‖² / ‖Ĉ − C‖²) in dB and the relative Frobenius
 * error ‖Ĉ − C‖ / ‖C‖. The KV-cache format does not enter (no attention here).
 * It is a PROXY: it ranks formats by how much signal a GEMM keeps; it is not model accuracy or
 * perplexity, which depend on the real weights, on calibration (GPTQ/AWQ) and on error
 * propagation through the network.
 */
import type { QuantScheme } from '../quant/types.ts';
import { fakeQuantize } from '../quant/codec.ts';
import { referenceGemm } from './gemm.ts';
import { relFrobenius } from './metrics.ts';
import { syntheticActivations, syntheticWeights, type SyntheticShape } from './synthetic.ts';

export interface ErrorProxyOptions extends Partial<SyntheticShape> {
  seed?: number;
}

export interface ErrorProxyResult {
  scheme: string;
  weights: string;
  activations: string;
  sqnrDb: number;
  relFrobeniusError: number;
  shape: SyntheticShape;
  seed: number;
}

export const DEFAULT_PROXY_SHAPE: SyntheticShape = { M: 16, N: 256, K: 1024 };

interface Operands {
  a: Float64Array;
  w: Float64Array;
  c: Float64Array;
}
const cache = new Map<string, Operands>();

function operands(shape: SyntheticShape, seed: number): Operands {
  const key = `${shape.M}x${shape.N}x${shape.K}@${seed}`;
  let o = cache.get(key);
  if (!o) {
    const a = syntheticActivations(shape.M, shape.K, seed);
    const w = syntheticWeights(shape.N, shape.K, seed);
    o = { a, w, c: referenceGemm(a, w, shape).c };
    if (cache.size > 8) cache.clear();
    cache.set(key, o);
  }
  return o;
}

export function errorProxy(scheme: QuantScheme, opts: ErrorProxyOptions = {}): ErrorProxyResult {
  const shape = { M: opts.M ?? DEFAULT_PROXY_SHAPE.M, N: opts.N ?? DEFAULT_PROXY_SHAPE.N, K: opts.K ?? DEFAULT_PROXY_SHAPE.K };
  const seed = opts.seed ?? 1;
  const { a, w, c } = operands(shape, seed);
  const aq = fakeQuantize(scheme.activations, a, shape.M, shape.K);
  const wq = fakeQuantize(scheme.weights, w, shape.N, shape.K);
  const cq = referenceGemm(aq, wq, shape).c;
  const rel = relFrobenius(cq, c);
  return {
    scheme: scheme.name,
    weights: scheme.weights.name,
    activations: scheme.activations.name,
    sqnrDb: rel === 0 ? Infinity : -20 * Math.log10(rel),
    relFrobeniusError: rel,
    shape,
    seed,
  };
}
