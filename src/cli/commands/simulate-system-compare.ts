/**
 * `simulate --system A --system B [--arch X …] [--quant Y …] [--stack S …] --model M --tp …`: every
 * combination of the repeated flags is one design (a system, its device replaced by --arch when
 * given, a quant scheme, a software stack every device runs under), run under the same parallelism plan on the same workload. One table with a column per
 * design headed by what differs (system, device, quant), with the system rows (devices, plan,
 * communication, pipeline bubble); `--json` prints the design comparison of
 * simulate-compare.ts; `--html` one run report with the designs on shared axes.
 */
import type { Io } from '../io.ts';
import type { OneDesignArgs, SimulateArgs } from './simulate-args.ts';
import { runSystemDesign } from './simulate-system.ts';
import { designComparison, renderDesignComparison } from './simulate-compare.ts';
import { writeRunHtml } from '../../report/write.ts';

export function compareSystemDesigns(args: SimulateArgs, systems: string[], archs: string[], quants: string[], stacks: (string | undefined)[], io: Io): number {
  const runs = [];
  for (const system of systems) {
    for (const arch of archs.length ? archs : [undefined]) {
      for (const quant of quants) {
        for (const stack of stacks) {
          const one: OneDesignArgs = { ...args, system, arch, quant, stack, json: true, html: undefined };
          runs.push(runSystemDesign(one));
        }
      }
    }
  }
  const cmp = designComparison(runs);
  io.out(args.json ? JSON.stringify(cmp, null, 2) + '\n' : renderDesignComparison(cmp));
  if (args.html) writeRunHtml(args.html, runs, io);
  cmp.runs.forEach((r, i) => {
    for (const w of r.warnings) io.err(`warning: ${cmp.labels[i]}: ${w}\n`);
  });
  return 0;
}
