/** The numeric datapaths the PIM kind claims by default (HBM-PIM fp16, AiM bf16); a config's own claim: datapath.ts. */
import type { QuantScheme } from '../../quant/types.ts';
import type { Datapath } from '../../numeric/datapath.ts';
import { AIM_BF16, HBM_PIM, pimDatapath } from '../../numeric/datapaths/pim.ts';

export const pimDatapaths = (q?: QuantScheme): Datapath[] => {
  if (!q) return [pimDatapath(HBM_PIM), pimDatapath(AIM_BF16)];
  const a = q.activations.name;
  if (q.weights.name === 'fp16' && a === 'fp16') return [pimDatapath(HBM_PIM)];
  if (q.weights.name === 'bf16' && a === 'bf16') return [pimDatapath(AIM_BF16)];
  return [];
};
