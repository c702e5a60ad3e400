/** `accelscope simulate`: one prefill or decode step of a model on one arch. */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { loadArch, loadQuant } from '../../config/load.ts';
import type { RunResult } from '../../engine/run.ts';
import { evaluateGraph, orThrow } from '../../engine/evaluate.ts';
import { phaseOf, workloadFlags, workloadGraph } from '../workload-args.ts';
import type { OneDesignArgs, SimulateArgs } from './simulate-args.ts';
import { renderRun } from './render-run.ts';
export { renderRun } from './render-run.ts';
export type { OneDesignArgs, SimulateArgs } from './simulate-args.ts';
import { renderGenerate, simulateGenerateFromArgs } from './simulate-generate.ts';
import { DEFAULT_QUANT } from '../../quant/scheme.ts';
import { AccelscopeError, inArchFile } from '../../util/errors.ts';
import { writeRunHtml } from '../../report/write.ts';
import { getModel } from '../../hw/registry.ts';
import type { ArchConfig } from '../../arch/base.ts';
import { addEnvelopeWarning } from '../envelope-point.ts';
import { assertOutputNotInput } from '../../util/output-path.ts';
import { systemFlags, wantsSystem } from '../system-args.ts';
import { simulateSystemFromArgs } from './simulate-system.ts';
import type { GenerateResult } from '../../engine/generate.ts';
import { designComparison, renderDesignComparison } from './simulate-compare.ts';
import { compareSystemDesigns } from './simulate-system-compare.ts';
import { stackList, stackRunOptions } from '../stack-args.ts';
import { parsePowerHistory, POWER_HISTORY_OPTION } from '../power-history-option.ts';

export const simulateCommand = {
  command: 'simulate',
  describe: 'simulate a prefill or decode step, or a whole request (--phase generate), of a model on an arch',
  builder: (y: Argv) =>
    systemFlags(workloadFlags(y))
      .option('system', {
        type: 'string',
        array: true,
        describe:
          'a multi-device system: preset name (dgx-h100, dgx-a100, hgx-h200, l40s-8x-pcie, rtx-4090-2x-pcie, dgx-h100-2node-ib, a100-4x-nvlink3) or systems/*.json path; repeat to compare systems',
      })
      .option('arch', {
        type: 'string',
        array: true,
        describe: 'arch config JSON (arch-configs/…); required unless --system gives the device; repeat to compare designs',
      })
      .option('quant', {
        type: 'string',
        array: true,
        default: [DEFAULT_QUANT],
        describe: 'quant scheme (w16a16, w8a8, w4a16-g128, fp8, mxfp4 …) or a JSON file; repeat to compare',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON document (docs/cli.md)' })
      .option('ignore-capacity', { type: 'boolean', default: false, describe: 'report timings even if the workload does not fit' })
      .option('threads', { type: 'number', describe: 'CPU threads (T-MAC-style CPU models; default all cores)' })
      .option('prompt', { type: 'number', describe: 'generate: prompt tokens P per sequence' })
      .option('output', { type: 'number', describe: 'generate: output tokens O per sequence (decode steps)' })
      .option('strict', { type: 'boolean', default: false, describe: 'generate: P + O beyond max_position_embeddings is an error, not a warning' })
      .option('html', { type: 'string', describe: 'also write a self-contained HTML report to this file (string; see docs/reports.md)' })
      .option('stack', {
        type: 'string',
        array: true,
        describe:
          "software stack (pytorch, pytorch-cudagraph, vllm, tensorrt-llm, tinychat, llama.cpp, or a stacks/*.json file; accelscope list stacks); repeat to compare; default none: the arch's own kernel assumptions (docs/models/software-stacks.md)",
      })
      .option('host', {
        type: 'string',
        describe:
          "host the stack runs on (a hosts/*.json name or file; accelscope list hosts): its per-kernel and per-step host launch costs replace the stack's; needs --stack; default: the stack's own values (docs/models/software-stacks.md § Hosts)",
      })
      .option('power-history', POWER_HISTORY_OPTION),
  handler: (args: SimulateArgs, io: Io): number => {
    parsePowerHistory(args['power-history']);
    const archs = args.arch === undefined ? [] : [args.arch].flat();
    const quants = [args.quant].flat();
    const systems = args.system === undefined ? [] : [args.system].flat();
    const stacks = stackList(args.stack);
    if (args.html) assertOutputNotInput(args.html, [...archs, args.model, args.graph, ...quants, ...systems, ...stacks], '--html');
    if (systems.length > 1 || (systems.length === 1 && (archs.length > 1 || quants.length > 1 || stacks.length > 1)))
      return compareSystemDesigns(args, systems, archs, quants, stacks, io);
    if (archs.length > 1 || quants.length > 1 || stacks.length > 1) {
      if (wantsSystem({ ...args, system: systems[0] }))
        throw new AccelscopeError('bad-flag', 'compare designs with repeated --arch/--quant/--stack, or simulate one --system; not both');
      return compareDesigns(args, archs, quants, stacks, io);
    }
    const a: OneDesignArgs & { arch: string } = { ...args, arch: archs[0]!, quant: quants[0]!, system: systems[0], stack: stacks[0] };
    if (wantsSystem(a)) return simulateSystemFromArgs(a, io);
    if (!a.arch) throw new AccelscopeError('bad-flag', 'missing --arch (an arch config) or --system (a multi-device system)');
    if (a.threads !== undefined && (!Number.isInteger(a.threads) || a.threads < 1)) {
      throw new AccelscopeError('bad-flag', `--threads must be a positive integer (got ${a.threads})`);
    }
    const arch = loadArch(a.arch);
    const quant = loadQuant(a.quant);
    if (a.threads !== undefined && !usesThreads(arch))
      io.err(`warning: --threads applies to CPU models (lut-tensor-core with lut.variant cpu); ${arch.name} [${arch.kind}] ignores it\n`);
    if (phaseOf(a.phase, ['prefill', 'decode', 'generate']) === 'generate') {
      const result = inArchFile(a.arch, () => simulateGenerateFromArgs(a, arch, quant));
      // The validation envelope (src/arch/validation.ts): one warning line, in --json warnings too.
      addEnvelopeWarning(result, arch, a.threads, stackRunOptions(a.stack, arch, a.host).stack);
      io.out(a.json ? JSON.stringify(result, null, 2) + '\n' : renderGenerate(result));
      if (a.html) writeRunHtml(a.html, result, io);
      for (const w of result.warnings) io.err(`warning: ${w}\n`);
      return 0;
    }
    if (a.prompt !== undefined || a.output !== undefined) throw new AccelscopeError('bad-flag', '--prompt and --output go with --phase generate');
    if (a.strict) throw new AccelscopeError('bad-flag', '--strict goes with --phase generate');
    const graph = workloadGraph(a);
    const stackOptions = stackRunOptions(a.stack, arch, a.host);
    const result = inArchFile(
      a.arch,
      () =>
        orThrow(
          evaluateGraph(graph, arch, quant, {
            ignoreCapacity: a['ignore-capacity'],
            archFile: a.arch,
            ...(a.threads !== undefined ? { threads: a.threads } : {}),
            ...stackOptions,
            powerHistory: parsePowerHistory(a['power-history']),
          }),
        ).run,
    );
    addEnvelopeWarning(result, arch, a.threads, stackOptions.stack);
    io.out(a.json ? JSON.stringify(result, null, 2) + '\n' : renderRun(result));
    if (a.html) writeRunHtml(a.html, result, io);
    for (const w of result.warnings) io.err(`warning: ${w}\n`);
    return 0;
  },
};

/** Every combination of the repeated --arch and --quant, run on the same workload. */
function compareDesigns(args: SimulateArgs, archs: string[], quants: string[], stacks: (string | undefined)[], io: Io): number {
  if (args.threads !== undefined && (!Number.isInteger(args.threads) || args.threads < 1)) {
    throw new AccelscopeError('bad-flag', `--threads must be a positive integer (got ${args.threads})`);
  }
  const runs: (RunResult | GenerateResult)[] = [];
  const envelope: string[] = [];
  for (const archFile of archs) {
    for (const q of quants)
      for (const st of stacks) {
        const one: OneDesignArgs & { arch: string } = { ...args, arch: archFile, quant: q, stack: st, system: undefined, json: true, html: undefined };
        const arch = loadArch(archFile);
        const quant = loadQuant(q);
        if (phaseOf(one.phase, ['prefill', 'decode', 'generate']) === 'generate') {
          const r = inArchFile(archFile, () => simulateGenerateFromArgs(one, arch, quant));
          for (const w of addEnvelopeWarning(r, arch, args.threads, stackRunOptions(st, arch, args.host).stack)) if (!envelope.includes(w)) envelope.push(w);
          runs.push(r);
        } else {
          if (one.prompt !== undefined || one.output !== undefined) throw new AccelscopeError('bad-flag', '--prompt and --output go with --phase generate');
          const graph = workloadGraph(one);
          const stackOptions = stackRunOptions(st, arch, args.host);
          const r = inArchFile(
            archFile,
            () =>
              orThrow(
                evaluateGraph(graph, arch, quant, {
                  ignoreCapacity: one['ignore-capacity'],
                  archFile,
                  ...(one.threads !== undefined ? { threads: one.threads } : {}),
                  ...stackOptions,
                  powerHistory: parsePowerHistory(one['power-history']),
                }),
              ).run,
          );
          // Envelope lines name their config and are printed once for all designs (not per design label).
          for (const w of addEnvelopeWarning(r, arch, args.threads, stackOptions.stack)) if (!envelope.includes(w)) envelope.push(w);
          runs.push(r);
        }
      }
  }
  const cmp = designComparison(runs);
  io.out(args.json ? JSON.stringify(cmp, null, 2) + '\n' : renderDesignComparison(cmp));
  if (args.html) writeRunHtml(args.html, runs, io);
  cmp.runs.forEach((r, i) => {
    for (const w of r.warnings) if (!envelope.includes(w)) io.err(`warning: ${cmp.labels[i]}: ${w}\n`);
  });
  for (const w of envelope) io.err(`warning: ${w}\n`);
  return 0;
}

/** Whether the arch's model splits work over threads (SimOptions.threads): the model says. */
function usesThreads(arch: ArchConfig): boolean {
  return getModel(arch.kind).usesThreads?.(arch) ?? false;
}
