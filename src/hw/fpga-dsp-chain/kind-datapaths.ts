/** The numeric datapaths the FPGA kind claims by default (DSP48E2/DSP58 packings); a config's own claim: datapath.ts. */
import type { QuantScheme } from '../../quant/types.ts';
import { parseFormatName } from '../../quant/spec.ts';
import type { Datapath } from '../../numeric/datapath.ts';
import { dsp48e2Int8, dsp48e2Int8x2, dsp58Int8x3 } from '../../numeric/datapaths/dsp48.ts';

/** Integer formats whose element values are integers (a float zero point makes them fractional). */
function isInt(name: string): boolean {
  const s = parseFormatName(name);
  return s.kind === 'int' && !s.floatZero;
}

export const fpgaDatapaths = (q?: QuantScheme): Datapath[] => {
  if (!q) return [dsp48e2Int8(), dsp48e2Int8x2(), dsp58Int8x3()];
  const w = q.weights.name;
  const a = q.activations.name;
  const fits = (n: string) => isInt(n) && q.weights.elementBits <= 8;
  if (!fits(w) || !isInt(a)) return [];
  return [dsp48e2Int8(a, w), dsp48e2Int8x2({ aFormat: a, wFormat: w }), dsp58Int8x3(a, w)];
};
