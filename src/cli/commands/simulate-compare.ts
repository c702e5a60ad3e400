/**
 * `simulate --arch A --arch B [--quant X --quant Y]` (and `--system` repeated,
 * simulate-system-compare.ts): every combination of the repeated flags is
 * one design, run on the same workload; one table with a column per design, headed by what
 * differs (src/compare/designs.ts). `--json` prints {kind: "design-comparison", differs, labels,
 * runs}; `--html` writes one run report with the designs on shared axes.
 */
import type { RunResult } from '../../engine/run.ts';
import type { GenerateResult } from '../../engine/generate.ts';
import type { SystemBlock } from '../../parallel/run-system.ts';
import { designLabels, differingFields, runDesign } from '../../compare/designs.ts';
import { renderTable } from '../table.ts';
import { formatBytes, formatPercent, formatQuantity, formatSeconds } from '../../util/format.ts';

type Run = RunResult | GenerateResult;

export interface DesignComparison {
  kind: 'design-comparison';
  /** Fields whose values differ between the designs (arch, quant, …). */
  differs: string[];
  /** One label per run, from the differing fields. */
  labels: string[];
  runs: Run[];
}

export function designComparison(runs: Run[]): DesignComparison {
  const designs = runs.map(runDesign);
  return { kind: 'design-comparison', differs: differingFields(designs), labels: designLabels(designs), runs };
}

export function renderDesignComparison(c: DesignComparison): string {
  const runs = c.runs;
  const first = runs[0]!;
  const same = Object.entries(runDesign(first))
    .filter(([k]) => !c.differs.includes(k))
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ');
  let s = `${runs.length} designs; columns headed by ${c.differs.join(' · ') || 'their number'}; same ${same}\n\n`;
  const row = (label: string, f: (r: Run) => string): string[] => [label, ...runs.map(f)];
  const gen = (r: Run) => ('generate' in r ? r.generate : undefined);
  const sys = (r: Run) => ('system' in r ? (r as { system: SystemBlock }).system : undefined);
  const rows: string[][] = [];
  rows.push(row('kind', (r) => r.arch.kind));
  if (runs.some(gen)) {
    rows.push(row('time to first token', (r) => (gen(r) ? formatSeconds(gen(r)!.ttftSeconds) : '—')));
    rows.push(row('time per output token', (r) => (gen(r) ? formatSeconds(gen(r)!.tpotSeconds.mean) : '—')));
    rows.push(row('end-to-end', (r) => (gen(r) ? formatSeconds(gen(r)!.e2eSeconds) : '—')));
    rows.push(row('output tokens/s', (r) => (gen(r) ? formatQuantity(gen(r)!.outputTokensPerSecond, 'tokens/s') : '—')));
    rows.push(row('energy per request', (r) => (gen(r) ? formatQuantity(gen(r)!.energyPerRequestJ, 'J') : '—')));
  } else {
    rows.push(row('time per step', (r) => formatSeconds(r.totals.seconds)));
    rows.push(row('  roofline', (r) => formatSeconds(r.totals.rooflineSeconds)));
    rows.push(row('tokens/s', (r) => formatQuantity(r.totals.tokensPerSecond, 'tokens/s')));
    rows.push(row('energy per step', (r) => formatQuantity(r.totals.energyJ, 'J')));
  }
  rows.push(row('energy per token', (r) => formatQuantity(r.totals.energyPerTokenJ, 'J')));
  rows.push(row('average power', (r) => formatQuantity(r.totals.averagePowerW, 'W')));
  rows.push(row('FLOPs', (r) => formatQuantity(r.totals.flops, 'FLOP')));
  rows.push(row('DRAM bytes', (r) => formatBytes(r.totals.bytes)));
  rows.push(row('memory', (r) => `${formatBytes(r.memory.totalBytes)} of ${formatBytes(r.memory.capacityBytes)}${r.memory.fits ? '' : ' NO FIT'}`));
  if (runs.some(sys)) {
    // Multi-device designs (`--system` repeated): devices, plan, and where the step's time goes.
    rows.push(row('devices', (r) => (sys(r) ? `${sys(r)!.devicesUsed} of ${sys(r)!.devices}` : '1')));
    rows.push(row('plan', (r) => sys(r)?.plan.description ?? '—'));
    rows.push(row('communication', (r) => (sys(r) ? `${formatSeconds(sys(r)!.communicationSeconds)} ${formatPercent(sys(r)!.communicationShare)}` : '—')));
    rows.push(
      row('pipeline bubble', (r) =>
        sys(r) && sys(r)!.plan.pp > 1 ? `${formatSeconds(sys(r)!.pipeline.bubbleSeconds)} ${formatPercent(sys(r)!.pipeline.bubbleFraction)}` : '—',
      ),
    );
  }
  if (!runs.some(gen)) {
    // Time per op class, with the class's share of the step and the bound that dominates it.
    const classes = [...new Set(runs.flatMap((r) => r.classes.map((x) => x.cls)))];
    for (const cls of classes) {
      rows.push(
        row(`  ${cls}`, (r) => {
          const x = r.classes.find((y) => y.cls === cls);
          return x ? `${formatSeconds(x.seconds)} ${formatPercent(x.seconds / r.totals.seconds)} ${x.bound}` : '—';
        }),
      );
    }
  }
  const best = (vals: number[], dir: 'min' | 'max') => vals.indexOf(dir === 'min' ? Math.min(...vals) : Math.max(...vals));
  const fastest = best(
    runs.map((r) => gen(r)?.e2eSeconds ?? r.totals.seconds),
    'min',
  );
  const leanest = best(
    runs.map((r) => r.totals.energyPerTokenJ),
    'min',
  );
  s += renderTable(['', ...c.labels], rows, [0]);
  s += `\nfastest: ${c.labels[fastest]}; least energy per token: ${c.labels[leanest]}\n`;
  const cal = new Map<string, string[]>();
  for (const r of runs)
    for (const x of r.calibration) cal.set(`${x.name} = ${x.value}`, [...new Set([...(cal.get(`${x.name} = ${x.value}`) ?? []), r.arch.name])]);
  if (cal.size) s += `calibration\n${[...cal].map(([k, archs]) => `  ${k} (${archs.join(', ')})`).join('\n')}\n`;
  return s;
}
