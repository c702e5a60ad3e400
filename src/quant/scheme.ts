import { AccelscopeError } from '../util/errors.ts';
import type { QuantScheme, TensorFormat } from './types.ts';
import { getFormat } from './formats.ts';
import { ownTable } from '../util/own.ts';

/**
 * QuantScheme grammar:
 *   w<bits>a<bits>[-g<group>][-kv<bits>]     e.g. w16a16, w8a8, w4a16-g128, w2a16-g64, w1.58a8, w8a8-kv8
 *   named: fp8, mxfp8, mxfp6, mxfp4, nvfp4, fp6 (weights and activations in that format)
 * Weights of 16 bits are fp16; 8 bits int8 per output channel; 1.58 is ternary (BitNet b1.58);
 * below 8 bits int<b> group-wise with an fp16 scale (per channel when no -g is given).
 * Activations: 16 → fp16, 8 → int8 (per token), 4 → int4. KV cache: activations' format unless -kv.
 */
const GRAMMAR = /^w(16|8|6|4|3|2|1\.58|1)a(16|8|4)(?:-g(\d+))?(?:-kv(16|8|4))?$/;

const NAMED: Record<string, { weights: string; activations: string; kv?: string }> = ownTable({
  fp16: { weights: 'fp16', activations: 'fp16' },
  bf16: { weights: 'bf16', activations: 'bf16' },
  fp8: { weights: 'fp8-e4m3', activations: 'fp8-e4m3' },
  mxfp8: { weights: 'mxfp8-e4m3', activations: 'mxfp8-e4m3' },
  mxfp6: { weights: 'mxfp6-e3m2', activations: 'mxfp6-e3m2' },
  mxfp4: { weights: 'mxfp4', activations: 'mxfp4', kv: 'fp16' },
  nvfp4: { weights: 'nvfp4', activations: 'nvfp4', kv: 'fp16' },
  fp6: { weights: 'fp6-e3m2', activations: 'fp16' },
});

export const NAMED_SCHEMES: readonly string[] = Object.keys(NAMED);

export function parseQuantScheme(text: string, where: { file?: string; pointer?: string } = {}): QuantScheme {
  const s = text.trim();
  const named = NAMED[s];
  if (named) {
    const activations = getFormat(named.activations);
    return {
      name: s,
      weights: getFormat(named.weights),
      activations,
      kv: getFormat(named.kv ?? (activations.bitsPerElement >= 8 ? named.activations : 'fp16')),
      embeddings: getFormat('fp16'),
    };
  }
  const m = GRAMMAR.exec(s);
  if (!m) {
    throw new AccelscopeError(
      'bad-quant',
      `unknown quant scheme '${s}': expected w<bits>a<bits>[-g<group>][-kv<bits>] (e.g. w4a16-g128) or one of ${NAMED_SCHEMES.join(', ')}`,
      where,
    );
  }
  const [, wb, ab, g, kvb] = m;
  const group = g === undefined ? undefined : Number(g);
  if (group !== undefined && (group < 1 || !Number.isInteger(group))) {
    throw new AccelscopeError('bad-quant', `group size must be a positive integer in '${s}'`, where);
  }
  const weights = weightFormat(wb!, group, s, where);
  const activations = activationFormat(ab!);
  const kv = kvb ? activationFormat(kvb) : activations;
  return { name: s, weights, activations, kv, embeddings: getFormat('fp16') };
}

function weightFormat(bits: string, group: number | undefined, s: string, where: { file?: string; pointer?: string }): TensorFormat {
  if (bits === '16') {
    if (group !== undefined) throw new AccelscopeError('bad-quant', `16-bit weights take no group size in '${s}'`, where);
    return getFormat('fp16');
  }
  if (bits === '1.58') return getFormat('ternary');
  if (bits === '1') return getFormat(group ? `binary-g${group}` : 'binary');
  return getFormat(group ? `int${bits}-g${group}` : `int${bits}`);
}

function activationFormat(bits: string): TensorFormat {
  return getFormat(bits === '16' ? 'fp16' : `int${bits}`);
}

export const DEFAULT_QUANT = 'w16a16';
