/** The pim-dram registry entry: the model's contract (src/hw/model.ts) wired to this folder's parts. */
import { PIM_CALIBRATION } from './calibration.ts';
import { pimDatapaths } from './kind-datapaths.ts';
import type { HardwareModel } from '../model.ts';
import { pimArchSchema, type PimArchConfig } from './schema.ts';
import { pimCeilings, simulatePim } from './model.ts';
import { resolveDram } from './dram.ts';
import { scheduleGraph } from './concurrency.ts';
import { claimedPimDatapaths } from './datapath.ts';
import { inArchFile } from '../../util/errors.ts';

export const pimDramModel: HardwareModel<PimArchConfig> = {
  kind: 'pim-dram',
  description: 'DRAM with processing units beside its banks (HBM-PIM, GDDR6-AiM, PIM-GPT, NeuPIMs), timed at DRAM-command level, with its host unit.',
  schema: pimArchSchema,
  calibration: PIM_CALIBRATION,
  datapaths: pimDatapaths,
  ceilings: pimCeilings,
  clockHz: (c) => 1e12 / resolveDram(c).timing.tCK_ps,
  // The DRAM organization's consistency (banks per unit dividing a channel's banks …) checked at load, naming the file.
  validate: (c, file) => void inArchFile(file, () => resolveDram(c)),
  simulate: (op, c, q) => simulatePim(op, c, q),
  // Overlap across ops (NeuPIMs): the step as concurrency.ts schedules it; blocked configs keep the plain sum.
  schedule: (g, c, q) => {
    if (!c.pim.concurrency.dualRowBuffer && !c.pim.concurrency.subBatchInterleave) return undefined;
    const s = scheduleGraph(g, c, q);
    return { seconds: s.seconds, breakdown: { ...s.breakdown, hostBusySeconds: s.hostBusySeconds, pimBusySeconds: s.pimBusySeconds } };
  },
  claimedDatapaths: (c, q) => claimedPimDatapaths(c, q),
};
