/** The numeric datapaths the LUT kind claims: table lookups (int and float activations) and bit-serial planes. */
import type { QuantScheme } from '../../quant/types.ts';
import { parseFormatName } from '../../quant/spec.ts';
import type { Datapath } from '../../numeric/datapath.ts';
import { lutFloatDatapath, lutIntDatapath } from '../../numeric/datapaths/lut.ts';
import { bitSerialDatapath } from '../../numeric/datapaths/bit-serial.ts';

/** Integer formats whose element values are integers (a float zero point makes them fractional). */
function isInt(name: string): boolean {
  const s = parseFormatName(name);
  return s.kind === 'int' && !s.floatZero;
}

function lutWeights(name: string): boolean {
  const s = parseFormatName(name);
  return (s.kind === 'int' && s.bits <= 4 && s.symmetric) || s.kind === 'ternary';
}

export const lutDatapaths = (q?: QuantScheme): Datapath[] => {
  if (!q) {
    return [
      lutIntDatapath('int4-g128'),
      lutIntDatapath('int2-g64'),
      lutIntDatapath('ternary'),
      lutFloatDatapath('int4-g128'),
      lutFloatDatapath('int2-g64'),
      bitSerialDatapath('int4-g128'),
      bitSerialDatapath('int2-g64'),
    ];
  }
  const w = q.weights.name;
  const a = q.activations.name;
  if (!lutWeights(w)) return [];
  if (isInt(a)) return [lutIntDatapath(w, a), bitSerialDatapath(w, a)];
  if (a === 'fp16') return [lutFloatDatapath(w)];
  return [];
};
