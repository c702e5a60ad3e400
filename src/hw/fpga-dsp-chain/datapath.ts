/**
 * The DSP datapath an fpga-dsp-chain config claims for a quant scheme: which DSP, how many
 * products per DSP, the cascade length and operand formats. `check` runs it through the numeric
 * model of that DSP (src/numeric/datapaths/dsp48.ts) against the exact integer GEMM; the timing
 * model uses the same decision (packingFits), so a packing that would overflow is neither claimed
 * nor timed.
 */
import type { QuantScheme } from '../../quant/types.ts';
import type { FpgaArchConfig } from './config.ts';
import { macDtype } from './mac-dtype.ts';
import { parseQuantScheme } from '../../quant/scheme.ts';
import { AccelscopeError, InfeasibleError } from '../../util/errors.ts';
import type { DatapathSpec } from '../../numeric/spec.ts';
import { DEFAULT_CHECK_SHAPE } from '../../numeric/cases.ts';
import { ownTable } from '../../util/own.ts';

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

/** The integer schemes a config's DSP dtypes run, checked when `check --arch` names no scheme. */
const DEFAULT_SCHEMES: Record<string, string[]> = ownTable({ int8: ['w8a8', 'w4a8'], int4: ['w4a4'] });

/**
 * The numeric datapaths (numeric/spec.ts) this config claims: for each scheme, the DSP slice,
 * products per DSP (after packingFits, as timed), cascade length, packing and low-field width
 * from /fpga/accelerator/mpe. A scheme the DSPs do not run, or a float MAC dtype numeric/ has no
 * model of, claims nothing. The check shape's K covers at least two whole cascades.
 */
export function claimedDatapathSpecs(c: FpgaArchConfig, q?: QuantScheme): DatapathSpec[] {
  const mpe = c.fpga.accelerator.mpe;
  const schemes = q
    ? [q]
    : Object.keys(mpe.productsPerDsp)
        .flatMap((d) => DEFAULT_SCHEMES[d] ?? [])
        .map((s) => parseQuantScheme(s));
  const specs = new Map<string, DatapathSpec>();
  for (const s of schemes) {
    let d: ClaimedDatapath;
    try {
      d = claimedDatapath(c, s);
    } catch (e) {
      if (e instanceof InfeasibleError) continue;
      throw e;
    }
    const dtype = macDtype(s.activations, s.weights, c).dtype;
    if (dtype !== 'int8' && dtype !== 'int4') continue;
    const dsp = d.dsp === 'DSP48E2' ? 'DSP48E2' : 'DSP58';
    const ops = { dsp, aFormat: d.aFormat, wFormat: d.wFormat } as const;
    const perDsp =
      d.productsPerDsp > 1
        ? `${d.productsPerDsp} ${dtype} products per ${d.dsp} (/fpga/accelerator/mpe/productsPerDsp, packing '${mpe.packing}')`
        : `1 ${dtype} product per ${d.dsp}`;
    const claim = `${c.name} under ${s.name}: ${perDsp}, cascades of ${d.chainLength} (/fpga/accelerator/mpe/chainLength)${d.productsPerDsp > 1 && mpe.packing === 'shared-activation' ? `, low field ${mpe.packedLowFieldBits} bits (/fpga/accelerator/mpe/packedLowFieldBits)` : ''}`;
    const K = Math.max(DEFAULT_CHECK_SHAPE.K, 2 * d.chainLength * (mpe.packing === 'dot-product' ? d.productsPerDsp : 1));
    const shape = K === DEFAULT_CHECK_SHAPE.K ? {} : { shape: { ...DEFAULT_CHECK_SHAPE, K } };
    let spec: DatapathSpec;
    if (d.productsPerDsp === 1) spec = { family: 'dsp-mac', ...ops, claim, ...shape };
    else if (mpe.packing === 'dot-product') spec = { family: 'dsp-dot', ...ops, elements: d.productsPerDsp, claim, ...shape };
    else if (d.productsPerDsp === 2)
      spec = { family: 'dsp-packed', ...ops, chainLength: d.chainLength, lowFieldBits: mpe.packedLowFieldBits, share: 'activation', claim, ...shape };
    else
      throw new AccelscopeError('unsupported', `no numeric model of ${d.productsPerDsp} packed products per ${d.dsp} (${c.name})`, {
        pointer: '/fpga/accelerator/mpe/productsPerDsp',
      });
    const key = JSON.stringify({ ...spec, claim: '' });
    if (!specs.has(key)) specs.set(key, spec);
  }
  return [...specs.values()];
}
