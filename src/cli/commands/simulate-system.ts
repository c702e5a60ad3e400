/** `simulate --system …`: a step of a model on a multi-device system under a parallelism plan. */
import { parsePowerHistory } from '../power-history-option.ts';
import type { Io } from '../io.ts';
import { loadArch, loadQuant } from '../../config/load.ts';
import { loadSystem } from '../../system/load.ts';
import { simulateSystem, type SystemRunResult } from '../../parallel/run-system.ts';
import { simulateSystemGenerate, type SystemGenerateResult } from '../../parallel/generate-system.ts';
import { phaseOf, workloadGraph } from '../workload-args.ts';
import { planFromArgs } from '../system-args.ts';
import { renderRun } from './render-run.ts';
import type { OneDesignArgs as SimulateArgs } from './simulate-args.ts';
import { checkGenerateArgs, renderGenerate } from './simulate-generate.ts';
import { AccelscopeError, inArchFile } from '../../util/errors.ts';
import { formatBytes, formatSeconds } from '../../util/units.ts';
import { writeRunHtml } from '../../report/write.ts';
import { loadModel } from '../../config/load.ts';
import { buildGraph } from '../../workload/builders/decoder.ts';
import type { System } from '../../system/types.ts';
import { stackRunOptions } from '../stack-args.ts';

export function loadSystemWithDevice(a: SimulateArgs): System {
  const system = loadSystem(a.system!);
  if (a.arch) return { ...system, arch: loadArch(a.arch), archFile: a.arch };
  return system;
}

export function simulateSystemFromArgs(a: SimulateArgs, io: Io): number {
  const r = runSystemDesign(a);
  const gen = 'generate' in r;
  io.out(a.json ? JSON.stringify(r, null, 2) + '\n' : (gen ? renderGenerate(r) : renderRun(r)) + renderSystemBlock(r));
  if (a.html) writeRunHtml(a.html, r, io);
  for (const w of r.warnings) io.err(`warning: ${w}\n`);
  return 0;
}

/** One design on a system (one --system, --arch replacing its device if given, one --quant): the result, printed by the caller. */
export function runSystemDesign(a: SimulateArgs): SystemRunResult | SystemGenerateResult {
  const plan = planFromArgs(a);
  const system = loadSystemWithDevice(a);
  const quant = loadQuant(a.quant);
  if (a.threads !== undefined) throw new AccelscopeError('bad-flag', '--threads applies to single-device CPU models, not to --system');
  // --stack: every device of the system runs under it (parallel/run-system.ts SystemRunInput.stack).
  const stack = stackRunOptions(a.stack, system.arch, a.host);
  if (phaseOf(a.phase, ['prefill', 'decode', 'generate']) === 'generate') {
    checkGenerateArgs(a);
    const spec = loadModel(a.model!);
    return inArchFile(system.archFile, () =>
      simulateSystemGenerate(
        spec,
        system,
        quant,
        plan,
        { batch: a.batch, prompt: a.prompt!, output: a.output!, strict: a.strict },
        a['ignore-capacity'],
        stack,
      ),
    );
  }
  if (a.prompt !== undefined || a.output !== undefined) throw new AccelscopeError('bad-flag', '--prompt and --output go with --phase generate');
  const build = systemBuilder(a);
  return inArchFile(system.archFile, () =>
    simulateSystem({
      build: build.fn,
      batch: build.batch,
      system,
      quant,
      plan,
      ignoreCapacity: a['ignore-capacity'],
      ...stack,
      powerHistory: parsePowerHistory(a['power-history']),
    }),
  );
}

/** The step's graph at any batch: rebuilt from --model, or the --graph file at its own batch only. */
function systemBuilder(a: SimulateArgs): { fn: (batch: number) => ReturnType<typeof workloadGraph>; batch: number } {
  if (a.graph) {
    const g = workloadGraph(a);
    return {
      batch: g.meta.batch,
      fn: (b) => {
        if (b !== g.meta.batch) throw new AccelscopeError('bad-flag', `--graph fixes the batch at ${g.meta.batch}: --dp and --micro-batches need --model`);
        return g;
      },
    };
  }
  workloadGraph({ ...a, batch: a.batch }); // flag checks, shapes
  const spec = loadModel(a.model!);
  const phase = phaseOf(a.phase) as 'prefill' | 'decode';
  return { batch: a.batch, fn: (b) => buildGraph(spec, { phase, batch: b, seq: a.seq, context: a.context, logitsForAllTokens: a['logits-all'] }) };
}

export function renderSystemBlock(r: SystemRunResult | SystemGenerateResult): string {
  const x = r.system;
  let s = `\nsystem            ${x.name}: ${x.devicesUsed} of ${x.devices} × ${x.device}, ${x.plan.description}`;
  s += x.plan.pp > 1 ? `, ${x.pipeline.microBatches} micro-batch(es) of ${x.pipeline.microBatchSize}\n` : '\n';
  const total = x.computeSeconds + x.communicationSeconds;
  s += `compute vs comm   compute ${formatSeconds(x.computeSeconds)} · communication ${formatSeconds(x.communicationSeconds)} (${(100 * x.communicationShare).toFixed(1)}% of ${formatSeconds(total)}, summed over stages, one micro-batch)\n`;
  if (x.plan.pp > 1)
    s += `pipeline          ${x.pipeline.microBatches} micro-batches, step ${formatSeconds(x.pipeline.seconds)}, bubble ${formatSeconds(x.pipeline.bubbleSeconds)} (${(100 * x.pipeline.bubbleFraction).toFixed(1)}%)\n`;
  for (const st of x.stages) {
    s += `  stage ${st.stage}         layers ${st.layers[0]}–${st.layers[1] - 1}: compute ${formatSeconds(st.computeSeconds)} + comm ${formatSeconds(st.communicationSeconds)}${st.sendSeconds ? ` + send ${formatSeconds(st.sendSeconds)}` : ''}; ${formatBytes(st.memory.totalBytes)} per device${st.memory.fits ? '' : ' — DOES NOT FIT'}\n`;
  }
  const byKind = new Map<string, { n: number; seconds: number; algos: Set<string>; bytes: number; busbw: number }>();
  for (const c of x.collectives) {
    const k = `${c.group} ${c.kind}`;
    const e = byKind.get(k) ?? { n: 0, seconds: 0, algos: new Set<string>(), bytes: c.bytes, busbw: c.busbwBps };
    e.n++;
    e.seconds += c.exposedSeconds;
    e.algos.add(c.algorithm);
    byKind.set(k, e);
  }
  s += 'collectives\n';
  for (const [k, e] of byKind) {
    s += `  ${k.padEnd(20)} ${String(e.n).padStart(4)} × ${formatBytes(e.bytes)} (${[...e.algos].join('/')}), ${formatSeconds(e.seconds)} exposed, busbw ${(e.busbw / 1e9).toFixed(1)} GB/s\n`;
  }
  return s;
}
