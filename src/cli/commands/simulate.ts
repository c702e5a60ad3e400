/** `accelscope simulate`: one prefill or decode step of a model on one arch. */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { loadArch, loadQuant } from '../../config/load.ts';
import type { RunResult } from '../../engine/run.ts';
import { evaluateGraph, orThrow } from '../../engine/evaluate.ts';
import { phaseOf, workloadFlags, workloadGraph } from '../workload-args.ts';
import type { SimulateArgs } from './simulate-args.ts';
import { renderRun } from './render-run.ts';
export { renderRun } from './render-run.ts';
export type { SimulateArgs } from './simulate-args.ts';
import { renderGenerate, simulateGenerateFromArgs } from './simulate-generate.ts';
import { renderTable } from '../table.ts';
import { formatBytes, formatSeconds, formatSi } from '../../util/units.ts';
import { DEFAULT_QUANT } from '../../quant/scheme.ts';
import { AccelscopeError, inArchFile } from '../../util/errors.ts';
import { writeRunHtml } from '../../report/write.ts';
import { calibrationLine } from '../calibration-line.ts';
import { getModel } from '../../hw/registry.ts';
import type { ArchConfig } from '../../arch/base.ts';
import { envelopeWarnings } from '../../arch/validation.ts';
import { systemFlags, wantsSystem } from '../system-args.ts';
import { simulateSystemFromArgs } from './simulate-system.ts';

export const simulateCommand = {
  command: 'simulate',
  describe: 'simulate a prefill or decode step, or a whole request (--phase generate), of a model on an arch',
  builder: (y: Argv) =>
    systemFlags(workloadFlags(y))
      .option('arch', { type: 'string', describe: 'arch config JSON (arch-configs/…); required unless --system gives the device' })
      .option('quant', { type: 'string', default: DEFAULT_QUANT, describe: 'quant scheme (w16a16, w8a8, w4a16-g128, fp8, mxfp4 …) or a JSON file' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON document (docs/cli.md)' })
      .option('ignore-capacity', { type: 'boolean', default: false, describe: 'report timings even if the workload does not fit' })
      .option('threads', { type: 'number', describe: 'CPU threads (T-MAC-style CPU models; default all cores)' })
      .option('prompt', { type: 'number', describe: 'generate: prompt tokens P per sequence' })
      .option('output', { type: 'number', describe: 'generate: output tokens O per sequence (decode steps)' })
      .option('strict', { type: 'boolean', default: false, describe: 'generate: P + O beyond max_position_embeddings is an error, not a warning' })
      .option('html', { type: 'string', describe: 'also write a self-contained HTML report to this file (string; see docs/reports.md)' }),
  handler: (a: SimulateArgs, io: Io): number => {
    if (wantsSystem(a)) return simulateSystemFromArgs(a, io);
    if (!a.arch) throw new AccelscopeError('bad-flag', 'missing --arch (an arch config) or --system (a multi-device system)');
    if (a.threads !== undefined && (!Number.isInteger(a.threads) || a.threads < 1)) {
      throw new AccelscopeError('bad-flag', `--threads must be a positive integer (got ${a.threads})`);
    }
    const arch = loadArch(a.arch);
    const quant = loadQuant(a.quant);
    if (a.threads !== undefined && !usesThreads(arch)) io.err(`warning: --threads applies to CPU models (lut-tensor-core with lut.variant cpu); ${arch.name} [${arch.kind}] ignores it\n`);
    // Printed after a successful run only (an invalid --threads is an error, not a warning).
    const envelope = envelopeWarnings(arch, { threads: a.threads });
    if (phaseOf(a.phase, ['prefill', 'decode', 'generate']) === 'generate') {
      const result = inArchFile(a.arch, () => simulateGenerateFromArgs(a, arch, quant));
      io.out(a.json ? JSON.stringify(result, null, 2) + '\n' : renderGenerate(result));
      if (a.html) writeRunHtml(a.html, result, io);
      for (const w of [...result.warnings, ...envelope]) io.err(`warning: ${w}\n`);
      return 0;
    }
    if (a.prompt !== undefined || a.output !== undefined) throw new AccelscopeError('bad-flag', '--prompt and --output go with --phase generate');
    if (a.strict) throw new AccelscopeError('bad-flag', '--strict goes with --phase generate');
    const graph = workloadGraph(a);
    const result = inArchFile(a.arch, () => orThrow(evaluateGraph(graph, arch, quant, {
      ignoreCapacity: a['ignore-capacity'], archFile: a.arch, ...(a.threads !== undefined ? { threads: a.threads } : {}),
    })).run);
    io.out(a.json ? JSON.stringify(result, null, 2) + '\n' : renderRun(result));
    if (a.html) writeRunHtml(a.html, result, io);
    for (const w of [...result.warnings, ...envelope]) io.err(`warning: ${w}\n`);
    return 0;
  },
};

/** Whether the arch's model splits work over threads (SimOptions.threads): the model says. */
function usesThreads(arch: ArchConfig): boolean {
  return getModel(arch.kind).usesThreads?.(arch) ?? false;
}

