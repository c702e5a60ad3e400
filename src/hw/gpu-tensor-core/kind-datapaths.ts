/** The numeric datapaths the GPU kind claims (`accelscope check`): tensor-core MMAs per scheme, fused-sum models. */
import type { QuantScheme } from '../../quant/types.ts';
import { getFormat } from '../../quant/formats.ts';
import { parseQuantScheme } from '../../quant/scheme.ts';
import { parseFormatName } from '../../quant/spec.ts';
import type { Datapath } from '../../numeric/datapath.ts';
import { tensorCoreDatapath } from '../../numeric/datapaths/tensor-core.ts';
import { A100_FP16, H100_FP16, H100_FP8, mmaFp8Fused, mmaFused } from '../../numeric/datapaths/tensor-core-fused.ts';

/** FP8 with one scale per row of A (token) and of W (output channel). */
export function fp8PerRowScheme(): QuantScheme {
  return { ...parseQuantScheme('fp8'), name: 'fp8-per-row', weights: getFormat('fp8-e4m3-pc'), activations: getFormat('fp8-e4m3-pc') };
}

const GPU_DEFAULT = ['w16a16', 'bf16', 'w4a16-g128', 'w2a16-g64', 'w8a8', 'w1.58a8', 'fp8', 'mxfp8', 'mxfp6', 'mxfp4', 'nvfp4', 'fp6'];

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

export const gpuDatapaths = (q?: QuantScheme): Datapath[] => {
  const schemes = q ? [q] : [...GPU_DEFAULT.map((s) => parseQuantScheme(s)), fp8PerRowScheme()];
  return schemes.flatMap((s) => [tensorCoreDatapath(s), ...fusedTensorCore(s)]).filter((d): d is Datapath => d !== undefined);
};
