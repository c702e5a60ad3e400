/**
 * Device memory a step needs: weights (at their storage formats), the KV cache at the end of the
 * step, and the peak transient activations (the largest op's activation inputs + outputs).
 */
import type { KvGroup, OpGraph } from './graph.ts';
import type { QuantScheme } from '../quant/types.ts';
import { opTraffic } from './ops.ts';

export interface Footprint {
  weightsBytes: number;
  kvCacheBytes: number;
  activationBytes: number;
  totalBytes: number;
}

export function weightBytes(g: OpGraph, q: QuantScheme): number {
  const p = g.meta.params;
  return (p.layer * q.weights.bitsPerElement + p.embedding * q.embeddings.bitsPerElement) / 8 + p.other * 2;
}

/**
 * KV cache held for `tokens` tokens per sequence. Built graphs list per-layer groups: a sliding
 * window or chunked layer keeps at most its span, an MLA layer its latent row; otherwise every
 * layer keeps 2 · kvHeads · headDim elements per token.
 */
export function kvCacheBytes(g: OpGraph, q: QuantScheme, tokens = g.meta.kv.tokens): number {
  const kv = g.meta.kv;
  const perSeqElements = kv.groups
    ? kv.groups.reduce((sum, gr) => sum + gr.layers * gr.elementsPerToken * (gr.window > 0 ? Math.min(tokens, gr.window) : tokens), 0)
    : 2 * kv.layers * kv.kvHeads * kv.headDim * tokens;
  return (perSeqElements * g.meta.batch * q.kv.bitsPerElement) / 8;
}

/**
 * The KV groups of layers [from, to) (a pipeline stage), each layer's row scaled by `headShare`
 * (the K/V heads a tensor-parallel device keeps over all of them; 1 for MLA's shared latent).
 */
export function sliceKvGroups(groups: KvGroup[], from: number, to: number, headShare = 1): KvGroup[] {
  const out: KvGroup[] = [];
  let start = 0;
  for (const g of groups) {
    const lo = Math.max(from, start);
    const hi = Math.min(to, start + g.layers);
    if (hi > lo) out.push({ layers: hi - lo, elementsPerToken: Math.round(g.elementsPerToken * headShare), window: g.window });
    start += g.layers;
  }
  return out;
}

export function footprint(g: OpGraph, q: QuantScheme): Footprint {
  const weightsBytes = weightBytes(g, q);
  const kvBytes = kvCacheBytes(g, q);
  let activationBytes = 0;
  for (const op of g.ops) {
    // Attention's K/V live in the cache (counted above); its Q and output are activations.
    const a = opTraffic(op, q).activations;
    if (a > activationBytes) activationBytes = a;
  }
  return { weightsBytes, kvCacheBytes: kvBytes, activationBytes, totalBytes: weightsBytes + kvBytes + activationBytes };
}
