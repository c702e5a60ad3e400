import type { AttentionOp, GemmOp, NormOp, ElementwiseOp } from '../../../src/workload/graph.ts';
import type { GpuArchConfig } from '../../../src/hw/gpu-tensor-core/model.ts';
import { makeArch } from '../../helpers.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { validateArch } from '../../../src/config/load.ts';
import type { AccelscopeError } from '../../../src/util/errors.ts';

export const h100 = (o: object = {}) => makeArch<GpuArchConfig>('gpu/h100-sxm', o);
/**
 * The config at a fixed clock (clockHz): without its `gpu.power` section no kernel is power-limited,
 * so properties of the timing and table energies at one clock can be checked on their own.
 */
export function fixedClock<T extends GpuArchConfig>(c: T): T {
  const { power: _power, ...gpu } = c.gpu;
  return { ...c, gpu };
}
export const a100 = (o: object = {}) => makeArch<GpuArchConfig>('gpu/a100-sxm-80gb', o);
export const bf16 = parseQuantScheme('bf16');
export const fp8 = parseQuantScheme('fp8');
export const w4 = parseQuantScheme('w4a16-g128');
export const w16 = parseQuantScheme('w16a16');

export function gemm(m: number, n: number, k: number, o: Partial<GemmOp> = {}): GemmOp {
  return { id: 'g', name: 'gemm', cls: 'other', layer: 0, phase: 'prefill', deps: [], kind: 'gemm', m, n, k, batch: 1, weight: 'layer', bias: false, ...o };
}

export function attention(o: Partial<AttentionOp> = {}): AttentionOp {
  return {
    id: 'a',
    name: 'attn',
    cls: 'attention',
    layer: 0,
    phase: 'prefill',
    deps: [],
    kind: 'attention',
    batch: 1,
    heads: 32,
    kvHeads: 32,
    headDim: 128,
    qLen: 4096,
    kvLen: 4096,
    causal: true,
    window: 0,
    ...o,
  };
}

export function norm(rows: number, dim: number): NormOp {
  return { id: 'n', name: 'norm', cls: 'norm', layer: 0, phase: 'decode', deps: [], kind: 'norm', norm: 'rms', rows, dim };
}

export function add(elements: number): ElementwiseOp {
  return { id: 'r', name: 'residual', cls: 'residual', layer: 0, phase: 'decode', deps: [], kind: 'elementwise', fn: 'add', elements, inputs: 2 };
}

/**
 * The one-line error (`file: pointer: message`) of `base` with its `gpu.power[key]` section replaced
 * by `value`, validated as x.json; 'accepted' when it validates.
 */
export function powerSectionError(base: GpuArchConfig, key: string, value: unknown): string {
  const c = structuredClone(base) as unknown as { gpu: { power: Record<string, unknown> } };
  c.gpu.power[key] = value;
  try {
    validateArch(c, 'x.json');
  } catch (e) {
    const err = e as AccelscopeError;
    return `${err.file}: ${err.pointer}: ${err.message}`;
  }
  return 'accepted';
}
