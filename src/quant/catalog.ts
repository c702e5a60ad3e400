/**
 * What `accelscope formats` lists: per format its bits, the range of its element values (before
 * any scale), its scale, its overflow rule and its source; and the value of every code.
 */
import { AccelscopeError } from '../util/errors.ts';
import { MINIFLOATS, minifloat } from './minifloat.ts';
import { parseFormatName, MX_ELEMENTS } from './spec.ts';
import { getFormat } from './formats.ts';
import { e8m0Decode } from './e8m0.ts';
import { ownTable } from '../util/own.ts';

export interface FormatInfo {
  name: string;
  kind: 'float' | 'int' | 'block' | 'scale' | 'ternary' | 'binary';
  /** Bits of one element code. */
  bits: number;
  /** Storage per element with scales amortized (docs/quant.md). */
  bitsPerElement: number;
  /** Largest finite element value, smallest normal and smallest subnormal (null when none). */
  max: number;
  minNormal: number | null;
  minSubnormal: number | null;
  scale: string;
  overflow: string;
  source: string;
}

const LISTED = [
  'fp32',
  'fp16',
  'bf16',
  'fp8-e4m3',
  'fp8-e5m2',
  'fp6-e3m2',
  'fp6-e2m3',
  'fp4-e2m1',
  'e8m0',
  'int8',
  'int6',
  'int4',
  'int3',
  'int2',
  'int4-g128',
  'int4-g128-asym',
  'mxfp8-e4m3',
  'mxfp8-e5m2',
  'mxfp6-e3m2',
  'mxfp6-e2m3',
  'mxfp4',
  'mxint8',
  'nvfp4',
  'ternary',
  'binary',
];

const OVERFLOW: Record<string, string> = ownTable({
  ieee: '±Inf (IEEE 754 RNE overflow); saturate on request',
  fn: 'NaN (OCP non-saturating); saturate to ±max on request and in scaled tensors',
  none: 'saturate to ±max (no Inf/NaN codes)',
});

export function listedFormats(): string[] {
  return [...LISTED];
}

export function formatInfo(name: string): FormatInfo {
  if (name === 'e8m0') {
    return {
      name,
      kind: 'scale',
      bits: 8,
      bitsPerElement: 8,
      max: 2 ** 127,
      minNormal: 2 ** -127,
      minSubnormal: null,
      scale: 'none (it is the MX scale)',
      overflow: 'exponent clamps to [-127, 127]; 0xFF is NaN; no zero',
      source: 'OCP MX Specification v1.0 §5.4',
    };
  }
  const mf = minifloat(name);
  const f = getFormat(name);
  if (mf) {
    const s = MINIFLOATS[name]!;
    const scaled = parseFormatName(name).kind === 'float' && !['fp32', 'fp16', 'bf16'].includes(name);
    return {
      name,
      kind: 'float',
      bits: mf.bits,
      bitsPerElement: f.bitsPerElement,
      max: mf.max,
      minNormal: mf.minNormal,
      minSubnormal: mf.minSubnormal,
      scale: scaled ? 'as a tensor format: one fp32 scale per tensor (-pc: per row)' : 'none',
      overflow: OVERFLOW[s.special]!,
      source: s.source,
    };
  }
  const s = parseFormatName(name);
  switch (s.kind) {
    case 'int': {
      const qmax = s.symmetric ? 2 ** (s.bits - 1) - 1 : 2 ** s.bits - 1;
      const gran = s.granularity === 'group' ? `per group of ${s.groupSize}` : s.granularity === 'tensor' ? 'per tensor' : 'per row (channel/token)';
      return {
        name,
        kind: 'int',
        bits: s.bits,
        bitsPerElement: f.bitsPerElement,
        max: qmax,
        minNormal: 1,
        minSubnormal: null,
        scale: `${s.scaleFormat} ${gran}${s.symmetric ? '' : s.floatZero ? ` + ${s.scaleFormat} zero point` : ` + ${s.bits}-bit zero point`}`,
        overflow: `saturate to [${s.symmetric ? -(2 ** (s.bits - 1)) : 0}, ${qmax}]`,
        source: 'symmetric/asymmetric uniform quantization (docs/quant.md)',
      };
    }
    case 'mx': {
      const el = MX_ELEMENTS[name]!;
      const em = minifloat(el);
      return {
        name,
        kind: 'block',
        bits: f.elementBits,
        bitsPerElement: f.bitsPerElement,
        max: em ? em.max : 127 / 64,
        minNormal: em ? em.minNormal : 1 / 64,
        minSubnormal: em ? em.minSubnormal : null,
        scale: `E8M0 per ${s.blockSize} (2^-127 .. 2^127)`,
        overflow: 'elements saturate; a NaN/Inf in the block gives the NaN scale',
        source: 'OCP MX Specification v1.0 §5 and §6.3',
      };
    }
    case 'nvfp4':
      return {
        name,
        kind: 'block',
        bits: 4,
        bitsPerElement: f.bitsPerElement,
        max: 6,
        minNormal: 1,
        minSubnormal: 0.5,
        scale: `E4M3 per ${s.blockSize} × fp32 per tensor`,
        overflow: 'elements and block scales saturate',
        source: 'NVIDIA Blackwell NVFP4 ("Introducing NVFP4", NVIDIA technical blog, 2025)',
      };
    case 'ternary':
      return {
        name,
        kind: 'ternary',
        bits: 2,
        bitsPerElement: f.bitsPerElement,
        max: 1,
        minNormal: 1,
        minSubnormal: null,
        scale: 'fp32 absmean per tensor',
        overflow: 'clip to ±1',
        source: 'BitNet b1.58, arXiv 2402.17764 §2',
      };
    case 'binary':
      return {
        name,
        kind: 'binary',
        bits: 1,
        bitsPerElement: f.bitsPerElement,
        max: 1,
        minNormal: 1,
        minSubnormal: null,
        scale: `fp32 mean|x| ${s.groupSize ? `per group of ${s.groupSize}` : 'per tensor'}`,
        overflow: 'sign',
        source: 'BitNet, arXiv 2310.11453 §2',
      };
    case 'float':
      throw new AccelscopeError('unknown-format', `'${name}' has no element codec`);
  }
}

export interface CodeValue {
  code: number;
  hex: string;
  bits: string;
  /** null for NaN and ±Inf (named in `special`). */
  value: number | null;
  special?: 'NaN' | '+Inf' | '-Inf';
}

/** The codes of an element format (block formats: of their element): how many bits, each code's value. */
export interface CodeDecoder {
  /** The element format the codes belong to (`mxfp4` → `fp4-e2m1`). */
  element: string;
  bits: number;
  /** The value of a code (NaN, ±Infinity where the format has them). */
  decode(code: number): number;
  /** Codes the format leaves unused (ternary's 10), not listed. */
  unused(code: number): boolean;
}

/** The decoder behind `formats NAME --codes` (at most 2^16 codes). */
export function codeDecoder(name: string): CodeDecoder {
  const s = name === 'e8m0' ? undefined : parseFormatName(name);
  let element = name;
  let bits: number;
  let decode: (c: number) => number;
  if (name === 'e8m0') {
    bits = 8;
    decode = e8m0Decode;
  } else if (s!.kind === 'mx' || s!.kind === 'nvfp4' || s!.kind === 'float') {
    element = s!.kind === 'mx' ? MX_ELEMENTS[name]! : s!.kind === 'nvfp4' ? 'fp4-e2m1' : (s as { element: string }).element;
    if (element === 'int8') {
      bits = 8;
      decode = (c) => (c >= 128 ? c - 256 : c) / 64;
    } else {
      const m = minifloat(element)!;
      bits = m.bits;
      decode = (c) => m.decode(c);
    }
  } else if (s!.kind === 'int') {
    bits = s!.bits;
    const sym = s!.symmetric;
    decode = (c) => (sym && c >= 2 ** (bits - 1) ? c - 2 ** bits : c);
  } else if (s!.kind === 'ternary') {
    bits = 2;
    decode = (c) => [0, 1, NaN, -1][c]!;
  } else {
    bits = 1;
    decode = (c) => (c ? 1 : -1);
  }
  if (bits > 16) throw new AccelscopeError('unsupported', `${name} has 2^${bits} codes; --codes lists formats of at most 16 bits`);
  const unused = name === 'ternary' ? (c: number) => c === 2 : () => false;
  return { element, bits, decode, unused };
}

/** One code as `formats --codes --json` lists it. */
export function codeValue(d: CodeDecoder, c: number): CodeValue {
  const v = d.decode(c);
  const cv: CodeValue = {
    code: c,
    hex: `0x${c.toString(16).padStart(Math.ceil(d.bits / 4), '0')}`,
    bits: c.toString(2).padStart(d.bits, '0'),
    value: Number.isFinite(v) ? v : null,
  };
  if (Number.isNaN(v)) cv.special = 'NaN';
  else if (v === Infinity) cv.special = '+Inf';
  else if (v === -Infinity) cv.special = '-Inf';
  return cv;
}

/** Every code of an element format (block formats: of their element; at most 2^16 codes). */
export function formatCodes(name: string): { element: string; codes: CodeValue[] } {
  const d = codeDecoder(name);
  const codes: CodeValue[] = [];
  for (let c = 0; c < 2 ** d.bits; c++) if (!d.unused(c)) codes.push(codeValue(d, c));
  return { element: d.element, codes };
}
