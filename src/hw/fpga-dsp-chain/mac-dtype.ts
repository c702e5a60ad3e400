/** The MAC dtype the DSP chains run two operand formats at, and whether packed products stay exact. */
import type { ComputeDtype, TensorFormat } from '../../quant/types.ts';
import { InfeasibleError } from '../../util/errors.ts';
import type { FpgaArchConfig } from './config.ts';

const INT_BITS: Partial<Record<ComputeDtype, number>> = { int8: 8, int4: 4, int2: 2, int1: 1, ternary: 2 };

/**
 * Whether products packed in one DSP stay exact along a cascade of chainLength: the low field must
 * hold L·max|a|·max|w| (WP486 guard band; the numeric DSP48E2 model checks the same arithmetic).
 */
export function packingFits(c: FpgaArchConfig, aBits: number, wBits: number): boolean {
  const mpe = c.fpga.accelerator.mpe;
  if (mpe.packing === 'dot-product') return true;
  return mpe.chainLength * 2 ** (aBits - 1) * 2 ** (wBits - 1) < 2 ** (mpe.packedLowFieldBits - 1);
}

/**
 * The MAC dtype the DSPs run two operand formats at, and its products per DSP (1 when packing
 * would overflow the cascade); an unsupported dtype is an InfeasibleError.
 */
export function macDtype(a: TensorFormat, b: TensorFormat, c: FpgaArchConfig): { dtype: string; products: number; packingOverflow: boolean } {
  const pp = c.fpga.accelerator.mpe.productsPerDsp;
  const ba = INT_BITS[a.computeDtype];
  const bb = INT_BITS[b.computeDtype];
  let want: string;
  if (ba !== undefined && bb !== undefined) want = Math.max(ba, bb) <= 4 && pp['int4'] !== undefined ? 'int4' : 'int8';
  else want = a.computeDtype === b.computeDtype ? a.computeDtype : `${a.computeDtype}×${b.computeDtype}`;
  let products = pp[want];
  if (products === undefined) {
    throw new InfeasibleError(`the DSP chains have no ${want} datapath (${a.name} × ${b.name}); supported: ${Object.keys(pp).join(', ')}`, {
      pointer: '/fpga/accelerator/mpe/productsPerDsp',
    });
  }
  const packingOverflow = products > 1 && ba !== undefined && bb !== undefined && !packingFits(c, a.elementBits, b.elementBits);
  if (packingOverflow) products = 1;
  return { dtype: want, products, packingOverflow };
}
