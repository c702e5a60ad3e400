/**
 * Hardware kind → the datapaths that kind claims. Typed as a Record over the kinds, so adding a
 * kind without its datapaths fails to compile. Each entry builds the datapaths for one quant
 * scheme (those the hardware runs natively; none when it does not run that scheme), or, with no
 * scheme, the set `accelscope check` exercises by default.
 */
import type { QuantScheme } from '../quant/types.ts';
import { getFormat } from '../quant/formats.ts';
import { parseQuantScheme } from '../quant/scheme.ts';
import { parseFormatName } from '../quant/spec.ts';
import { AccelscopeError } from '../util/errors.ts';
import type { Datapath } from './datapath.ts';
import { tensorCoreDatapath } from './datapaths/tensor-core.ts';
import { A100_FP16, H100_FP16, H100_FP8, mmaFp8Fused, mmaFused } from './datapaths/tensor-core-fused.ts';
import { dsp48e2Int8, dsp48e2Int8x2, dsp58Int8x3 } from './datapaths/dsp48.ts';
import { AIM_BF16, HBM_PIM, pimDatapath } from './datapaths/pim.ts';
import { lutFloatDatapath, lutIntDatapath } from './datapaths/lut.ts';
import { bitSerialDatapath } from './datapaths/bit-serial.ts';

export type DatapathKind = 'gpu-tensor-core' | 'fpga-dsp-chain' | 'pim-dram' | 'lut-tensor-core';

/** FP8 with one scale per row of A (token) and of W (output channel). */
export function fp8PerRowScheme(): QuantScheme {
  return { ...parseQuantScheme('fp8'), name: 'fp8-per-row', weights: getFormat('fp8-e4m3-pc'), activations: getFormat('fp8-e4m3-pc') };
}

const GPU_DEFAULT = ['w16a16', 'bf16', 'w4a16-g128', 'w2a16-g64', 'w8a8', 'w1.58a8', 'fp8', 'mxfp8', 'mxfp6', 'mxfp4', 'nvfp4', 'fp6'];

/** Integer formats whose element values are integers (a float zero point makes them fractional). */
function isInt(name: string): boolean {
  const s = parseFormatName(name);
  return s.kind === 'int' && !s.floatZero;
}
function lutWeights(name: string): boolean {
  const s = parseFormatName(name);
  return (s.kind === 'int' && s.bits <= 4 && s.symmetric) || s.kind === 'ternary';
}

/** The fused-sum (truncating) tensor-core models that run a scheme: 16-bit MMA and FP8 wgmma. */
function fusedTensorCore(q: QuantScheme): Datapath[] {
  const w = q.weights.name;
  const a = q.activations.name;
  if (w === 'fp16' && a === 'fp16') return [mmaFused('fp16', A100_FP16), mmaFused('fp16', H100_FP16)];
  if (w === 'bf16' && a === 'bf16') return [mmaFused('bf16', H100_FP16)];
  const fp8 = (n: string) => n.startsWith('fp8-') && parseFormatName(n).kind === 'float';
  if (fp8(w) && fp8(a)) return [mmaFp8Fused(a, w, H100_FP8)];
  return [];
}

export const DATAPATHS: Record<DatapathKind, (q?: QuantScheme) => Datapath[]> = {
  'gpu-tensor-core': (q) => {
    const schemes = q ? [q] : [...GPU_DEFAULT.map((s) => parseQuantScheme(s)), fp8PerRowScheme()];
    return schemes.flatMap((s) => [tensorCoreDatapath(s), ...fusedTensorCore(s)]).filter((d): d is Datapath => d !== undefined);
  },
  'fpga-dsp-chain': (q) => {
    if (!q) return [dsp48e2Int8(), dsp48e2Int8x2(), dsp58Int8x3()];
    const w = q.weights.name;
    const a = q.activations.name;
    const fits = (n: string) => isInt(n) && q.weights.elementBits <= 8;
    if (!fits(w) || !isInt(a)) return [];
    return [dsp48e2Int8(a, w), dsp48e2Int8x2({ aFormat: a, wFormat: w }), dsp58Int8x3(a, w)];
  },
  'pim-dram': (q) => {
    if (!q) return [pimDatapath(HBM_PIM), pimDatapath(AIM_BF16)];
    const a = q.activations.name;
    if (q.weights.name === 'fp16' && a === 'fp16') return [pimDatapath(HBM_PIM)];
    if (q.weights.name === 'bf16' && a === 'bf16') return [pimDatapath(AIM_BF16)];
    return [];
  },
  'lut-tensor-core': (q) => {
    if (!q) {
      return [
        lutIntDatapath('int4-g128'), lutIntDatapath('int2-g64'), lutIntDatapath('ternary'),
        lutFloatDatapath('int4-g128'), lutFloatDatapath('int2-g64'),
        bitSerialDatapath('int4-g128'), bitSerialDatapath('int2-g64'),
      ];
    }
    const w = q.weights.name;
    const a = q.activations.name;
    if (!lutWeights(w)) return [];
    if (isInt(a)) return [lutIntDatapath(w, a), bitSerialDatapath(w, a)];
    if (a === 'fp16') return [lutFloatDatapath(w)];
    return [];
  },
};

export function datapathKinds(): DatapathKind[] {
  return Object.keys(DATAPATHS) as DatapathKind[];
}

export function isDatapathKind(kind: string): kind is DatapathKind {
  return Object.prototype.hasOwnProperty.call(DATAPATHS, kind);
}

/** The datapaths of one kind (or of every kind), for a scheme or the default set. */
export function datapathsFor(kind?: string, q?: QuantScheme, where: { file?: string; pointer?: string } = {}): Datapath[] {
  if (kind === undefined) return datapathKinds().flatMap((k) => DATAPATHS[k](q));
  if (!isDatapathKind(kind)) {
    throw new AccelscopeError('unknown-kind', `no datapaths are registered for hardware kind '${kind}' (known: ${datapathKinds().join(', ')})`, where);
  }
  return DATAPATHS[kind](q);
}
