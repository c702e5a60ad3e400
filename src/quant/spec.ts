/**
 * Format names → what a codec needs to know. The one parser of format names: getFormat (storage
 * description) and quantizeTensor (bit-exact codec) both read it, so they cannot disagree.
 *
 *   fp32 fp16 bf16                 unscaled IEEE-style element cast
 *   fp8-e4m3 fp8-e5m2 fp6-e3m2 fp6-e2m3 fp4-e2m1
 *                                  scaled per tensor by an fp32 scale (amax → format max), as
 *                                  deployed FP8 (Transformer Engine, vLLM); `-pc` = one fp32
 *                                  scale per row (per output channel / per token)
 *   int<b>[-g<G>|-pt][-asym|-asymf][-bf16|-fp32]
 *                                  b = 2..8; per row (channel/token) unless -g<G> (group of G
 *                                  along the row) or -pt (per tensor); symmetric unless -asym
 *                                  (b-bit integer zero point) or -asymf (zero point stored as a
 *                                  float in the scale's format, HQQ-style); scale fp16 unless named
 *   mxfp8-e4m3 mxfp8-e5m2 mxfp6-e3m2 mxfp6-e2m3 mxfp4 mxint8
 *                                  OCP MX: 32 elements share one E8M0 scale
 *   nvfp4                          E2M1 elements, E4M3 scale per 16, fp32 tensor scale
 *   ternary                        {-1,0,+1} × absmean scale per tensor (BitNet b1.58)
 *   binary[-g<G>]                  {-1,+1} × mean-|x| scale per tensor (or per group of G)
 */
import { AccelscopeError } from '../util/errors.ts';
import { ownTable } from '../util/own.ts';

export type ScaleFloat = 'fp16' | 'bf16' | 'fp32';

export type FormatSpec =
  | { kind: 'float'; name: string; element: string; scale: 'none' | 'tensor' | 'channel' }
  | {
      kind: 'int';
      name: string;
      bits: number;
      symmetric: boolean;
      floatZero: boolean;
      granularity: 'tensor' | 'channel' | 'group';
      groupSize?: number;
      scaleFormat: ScaleFloat;
    }
  | { kind: 'mx'; name: string; element: string; blockSize: number }
  | { kind: 'nvfp4'; name: string; blockSize: number }
  | { kind: 'ternary'; name: string }
  | { kind: 'binary'; name: string; groupSize?: number };

const UNSCALED = new Set(['fp32', 'fp16', 'bf16']);
const SCALED = new Set(['fp8-e4m3', 'fp8-e5m2', 'fp6-e3m2', 'fp6-e2m3', 'fp4-e2m1']);
/** MX format name → element format (mxint8's element is 8-bit two's complement, scale 2^-6). */
export const MX_ELEMENTS: Record<string, string> = ownTable({
  'mxfp8-e4m3': 'fp8-e4m3',
  'mxfp8-e5m2': 'fp8-e5m2',
  'mxfp6-e3m2': 'fp6-e3m2',
  'mxfp6-e2m3': 'fp6-e2m3',
  mxfp4: 'fp4-e2m1',
  mxint8: 'int8',
});
export const MX_BLOCK = 32;
export const NVFP4_BLOCK = 16;

const INT_RE = /^int(\d+)(?:-g(\d+)|-(pt))?(-asymf?)?(?:-(fp16|bf16|fp32))?$/;
const BIN_RE = /^binary(?:-g(\d+))?$/;

export function parseFormatName(name: string): FormatSpec {
  if (UNSCALED.has(name)) return { kind: 'float', name, element: name, scale: 'none' };
  if (SCALED.has(name)) return { kind: 'float', name, element: name, scale: 'tensor' };
  if (name.endsWith('-pc') && SCALED.has(name.slice(0, -3))) return { kind: 'float', name, element: name.slice(0, -3), scale: 'channel' };
  const mx = MX_ELEMENTS[name];
  if (mx) return { kind: 'mx', name, element: mx, blockSize: MX_BLOCK };
  if (name === 'nvfp4') return { kind: 'nvfp4', name, blockSize: NVFP4_BLOCK };
  if (name === 'ternary') return { kind: 'ternary', name };
  const b = BIN_RE.exec(name);
  if (b) {
    const g = b[1] === undefined ? undefined : positive(Number(b[1]), name);
    return { kind: 'binary', name, ...(g ? { groupSize: g } : {}) };
  }
  const m = INT_RE.exec(name);
  if (m) {
    const bits = Number(m[1]);
    if (bits < 2 || bits > 8) throw unknownFormat(name, 'integer formats have 2 to 8 bits');
    const groupSize = m[2] === undefined ? undefined : positive(Number(m[2]), name);
    return {
      kind: 'int',
      name,
      bits,
      symmetric: m[4] === undefined,
      floatZero: m[4] === '-asymf',
      granularity: groupSize ? 'group' : m[3] ? 'tensor' : 'channel',
      ...(groupSize ? { groupSize } : {}),
      scaleFormat: (m[5] as ScaleFloat | undefined) ?? 'fp16',
    };
  }
  throw unknownFormat(name);
}

function positive(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw unknownFormat(name, 'group size must be a positive integer');
  return n;
}

export function unknownFormat(name: string, why?: string): AccelscopeError {
  return new AccelscopeError(
    'unknown-format',
    `unknown number format '${name}'${why ? `: ${why}` : ''} (see \`accelscope formats\`; integers: int<b>[-g<G>|-pt][-asym|-asymf][-bf16|-fp32])`,
  );
}
