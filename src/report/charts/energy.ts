/**
 * Energy breakdown: for each op class, the joules of one step split into compute, on-chip,
 * off-chip and static (the energy/ accounting every model reports), stacked; one facet row per run.
 */
import type { RunResult } from '../../engine/run.ts';
import { ENERGY_COMPONENTS, type EnergyComponent, type VlSpec } from './common.ts';
import { runFacetBars } from './run-facet.ts';
import { runLabel } from './latency.ts';
import { vegaFormatExpr, vegaLabelExpr } from '../../util/format.ts';

export interface EnergyRow {
  run: string;
  cls: string;
  component: EnergyComponent;
  energyJ: number;
  perTokenJ: number;
}

type RunForEnergy = Pick<RunResult, 'workload' | 'ops'>;

const KEY: Record<EnergyComponent, 'compute' | 'onChip' | 'offChip' | 'static'> = {
  compute: 'compute',
  'on-chip': 'onChip',
  'off-chip': 'offChip',
  static: 'static',
};

/** Sums op energies by (class, component); zero entries are left out so every row is a bar segment. */
export function energyRows(runs: RunForEnergy[], labels = runs.map(runLabel)): EnergyRow[] {
  const rows: EnergyRow[] = [];
  runs.forEach((r, i) => {
    const by = new Map<string, Record<EnergyComponent, number>>();
    for (const o of r.ops) {
      let e = by.get(o.cls);
      if (!e) by.set(o.cls, (e = { compute: 0, 'on-chip': 0, 'off-chip': 0, static: 0 }));
      for (const c of ENERGY_COMPONENTS) e[c] += o.energyPj[KEY[c]];
    }
    for (const [cls, e] of by) {
      for (const c of ENERGY_COMPONENTS) {
        if (e[c] > 0) rows.push({ run: labels[i]!, cls, component: c, energyJ: e[c] * 1e-12, perTokenJ: (e[c] * 1e-12) / r.workload.tokens });
      }
    }
  });
  return rows;
}

export function energySpec(runs: RunForEnergy[], labels = runs.map(runLabel)): VlSpec {
  const rows = energyRows(runs, labels);
  return runFacetBars({
    title: 'Energy per step by op class and component',
    description: `energy breakdown: ${rows.length} bar segments`,
    rows,
    labels,
    runs,
    name: 'energy',
    barStep: 18,
    mark: { type: 'bar' },
    transform: [
      { calculate: vegaFormatExpr('J', 'datum.energyJ'), as: 'energyText' },
      { calculate: vegaFormatExpr('J', 'datum.perTokenJ'), as: 'perTokenText' },
    ],
    encoding: {
      y: { field: 'cls', type: 'nominal', title: 'op class' },
      x: { field: 'energyJ', type: 'quantitative', stack: 'zero', title: 'energy per step (J)', axis: { labelExpr: vegaLabelExpr('J') } },
      color: {
        field: 'component',
        type: 'nominal',
        title: 'component',
        scale: { domain: [...ENERGY_COMPONENTS], range: ['#4c78a8', '#72b7b2', '#f58518', '#bab0ac'] },
      },
      order: { field: 'component' },
      tooltip: [
        { field: 'run', type: 'nominal' },
        { field: 'cls', type: 'nominal', title: 'op class' },
        { field: 'component', type: 'nominal' },
        { field: 'energyText', type: 'nominal', title: 'energy per step' },
        { field: 'perTokenText', type: 'nominal', title: 'energy per token' },
      ],
    },
  });
}
