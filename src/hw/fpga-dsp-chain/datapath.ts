/**
 * The DSP datapath an fpga-dsp-chain config claims for a quant scheme: which DSP, how many
 * products per DSP, the cascade length and operand formats. `check` runs it through the numeric
 * model of that DSP (src/numeric/datapaths/dsp48.ts) against the exact integer GEMM; the timing
 * model uses the same decision (packingFits), so a packing that would overflow is neither claimed
 * nor timed.
 */
import type { QuantScheme } from '../../quant/types.ts';
import type { FpgaArchConfig } from './config.ts';
import { macDtype } from './model.ts';

export interface ClaimedDatapath {
  /** numeric/ datapath name: 'dsp48e2-int8x2' (WP486 packing), 'dsp48e2-int8', 'dsp58-int8x2', … */
  name: string;
  dsp: string;
  productsPerDsp: number;
  chainLength: number;
  aFormat: string;
  wFormat: string;
  accumulatorBits: number;
}

export function claimedDatapath(c: FpgaArchConfig, q: QuantScheme): ClaimedDatapath {
  const { device, accelerator: a } = c.fpga;
  const md = macDtype(q.activations, q.weights, c);
  const base = device.dsp === 'DSP48E2' ? 'dsp48e2' : 'dsp58';
  const suffix = md.products > 1 ? `${md.dtype}x${md.products}` : md.dtype;
  return {
    name: `${base}-${suffix}`,
    dsp: device.dsp,
    productsPerDsp: md.products,
    chainLength: a.mpe.chainLength,
    aFormat: q.activations.name,
    wFormat: q.weights.name,
    accumulatorBits: device.dsp === 'DSP48E2' ? 48 : 58,
  };
}
