/** `simulate --phase generate`: flag checks and the text rendering of a whole request. */
import type { ArchConfig } from '../../arch/base.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { loadModel } from '../../config/load.ts';
import type { GenerateResult } from '../../engine/generate.ts';
import { evaluateRequest, orThrow } from '../../engine/evaluate.ts';
import { AccelscopeError } from '../../util/errors.ts';
import { formatBytes, formatPercent, formatQuantity, formatSeconds } from '../../util/format.ts';
import type { OneDesignArgs as SimulateArgs } from './simulate-args.ts';
import { stackRunOptions } from '../stack-args.ts';
import { parsePowerHistory } from '../power-history-option.ts';
import { renderStackUse } from '../stack-line.ts';

export function simulateGenerateFromArgs(a: SimulateArgs, arch: ArchConfig, quant: QuantScheme): GenerateResult {
  checkGenerateArgs(a);
  const spec = loadModel(a.model!);
  return orThrow(
    evaluateRequest(
      spec,
      arch,
      quant,
      { batch: a.batch, prompt: a.prompt!, output: a.output!, strict: a.strict },
      {
        ignoreCapacity: a['ignore-capacity'],
        archFile: a.arch,
        ...(a.threads !== undefined ? { threads: a.threads } : {}),
        ...stackRunOptions(a.stack, arch, a.host),
        powerHistory: parsePowerHistory(a['power-history']),
      },
    ),
  ).result;
}

/** The flag checks of `--phase generate` (also used by `simulate --system`). */
export function checkGenerateArgs(a: SimulateArgs): void {
  if (a.graph) throw new AccelscopeError('bad-flag', '--phase generate needs --model (a graph file holds one step)');
  if (!a.model) throw new AccelscopeError('bad-flag', 'missing --model (a HF config.json)');
  if (a.seq !== undefined || a.context !== undefined)
    throw new AccelscopeError('bad-flag', '--phase generate takes --prompt and --output, not --seq/--context');
  if (a['logits-all']) throw new AccelscopeError('bad-flag', '--logits-all goes with --phase prefill (generate computes logits for the last prompt token)');
  if (a.prompt === undefined) throw new AccelscopeError('bad-flag', '--phase generate needs --prompt P');
  if (a.output === undefined) throw new AccelscopeError('bad-flag', '--phase generate needs --output O');
  if (!Number.isInteger(a.batch) || a.batch < 1) throw new AccelscopeError('bad-flag', `--batch must be a positive integer (got ${a.batch})`);
}

export function renderGenerate(r: GenerateResult): string {
  const g = r.generate;
  const w = r.workload;
  let s = `${w.model} · generate · batch ${w.batch} · prompt ${g.prompt} · output ${g.output} · ${r.quant.name}\n`;
  s += `on ${r.arch.name} [${r.arch.kind}]${r.stack ? ` · stack ${r.stack.name} (${r.stack.launch})` : ''}\n\n`;
  s += `time to first token   ${formatSeconds(g.ttftSeconds)}\n`;
  s += `time per output token ${formatSeconds(g.tpotSeconds.mean)} mean (first step ${formatSeconds(g.tpotSeconds.first)}, last ${formatSeconds(g.tpotSeconds.last)})\n`;
  s += `end-to-end latency    ${formatSeconds(g.e2eSeconds)} (prefill ${formatSeconds(g.ttftSeconds)} + decode ${formatSeconds(g.decodeSeconds)})\n`;
  s += `output tokens/s       ${formatQuantity(g.outputTokensPerSecond, 'tokens/s')} (batch ${w.batch} × ${g.output} tokens)\n`;
  s += `energy                ${formatQuantity(g.energyPerRequestJ, 'J')} per request, ${formatQuantity(g.energyPerOutputTokenJ, 'J')} per output token, ${formatQuantity(r.totals.averagePowerW, 'W')} average\n`;
  s += `peak memory           ${formatBytes(g.peakMemoryBytes)} of ${formatBytes(g.capacityBytes)} (weights + KV cache at ${g.prompt + g.output} tokens)${g.fits ? '' : ' — DOES NOT FIT'}\n`;
  s += `decode-step model     ${g.interpolation.method}, ${g.interpolation.evaluations} context points, max interpolation error ${formatPercent(g.interpolation.maxRelError, 3)}\n`;
  // The stack's terms as the first decode step ran them (the later steps add the same launch terms).
  if (r.stack) s += `\nfirst decode step under the stack:\n${renderStackUse(r.stack)}`;
  return s;
}
