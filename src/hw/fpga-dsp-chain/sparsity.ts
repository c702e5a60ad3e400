/**
 * The configurable sparse DSP chain: N:M and block structured weight sparsity. The chain skips
 * the zero work (its K shrinks to the kept elements; an index selects each nonzero's activation),
 * but every nonzero (N:M) or every block (block sparsity) carries index bits that are stored,
 * moved from HBM and read by the chain: sparsity cuts MACs by the density, traffic by less.
 */
import type { FpgaArchConfig, SparsityRule } from './config.ts';

export interface SparseWeights {
  rule?: SparsityRule;
  /** Fraction of weights kept (1 = dense). */
  density: number;
  /** K per output column after skipping zeros (what the chain streams). */
  kEff: number;
  /** Weight data bytes (nonzeros only) at `bitsPerElement`. */
  dataBytes: number;
  /** Index (metadata) bytes. */
  indexBytes: number;
}

export function sparsityRuleFor(opName: string, c: FpgaArchConfig): SparsityRule | undefined {
  return (c.fpga.accelerator.sparsity ?? []).find((r) => r.ops.includes(opName));
}

export function ruleDensity(r: SparsityRule): number {
  return r.pattern === 'nm' ? r.n / r.m : r.density;
}

/** A k×n weight matrix (per instance) at `bitsPerElement` storage under the op's sparsity rule. */
export function sparseWeights(opName: string, k: number, n: number, bitsPerElement: number, c: FpgaArchConfig): SparseWeights {
  const rule = sparsityRuleFor(opName, c);
  const dense = (k * n * bitsPerElement) / 8;
  if (!rule) return { density: 1, kEff: k, dataBytes: dense, indexBytes: 0 };
  const density = ruleDensity(rule);
  const nonzeros = k * n * density;
  const indexBytes =
    rule.pattern === 'nm' ? (nonzeros * rule.indexBits) / 8 : (Math.ceil(k / rule.blockSize) * Math.ceil(n / rule.blockSize) * rule.indexBitsPerBlock) / 8;
  return { rule, density, kEff: Math.ceil(k * density), dataBytes: (nonzeros * bitsPerElement) / 8, indexBytes };
}
