/**
 * A whole request on a multi-device system: the prefill of P tokens, then O decode steps at
 * contexts P … P+O−1, each a `simulateSystem` step. The decode-step cost is sampled at the first,
 * middle and last context and summed over the integer contexts of the two linear pieces in
 * closed form (exact where the step is linear in the context, as attention's cost is between
 * tile boundaries); `maxRelError` is the deviation of the middle sample from the straight line
 * through the ends, a bound on the error of assuming one line.
 */
import type { QuantScheme } from '../quant/types.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import { buildGraph } from '../workload/builders/decoder.ts';
import type { GenerateBlock, GenerateRequest } from '../engine/generate.ts';
import type { RunResult } from '../engine/run.ts';
import { AccelscopeError } from '../util/errors.ts';
import type { System } from '../system/types.ts';
import type { ParallelPlan } from './plan.ts';
import { simulateSystem, type SystemRunInput, type SystemRunResult } from './run-system.ts';

export type SystemGenerateResult = SystemRunResult & { generate: GenerateBlock };

/** Σ over integer x in [a, b) of the line through (a, fa) and (b, fb). */
function linearSum(a: number, b: number, fa: number, fb: number): number {
  const n = b - a;
  return n <= 0 ? 0 : n * fa + ((fb - fa) * (n - 1)) / 2;
}

export function simulateSystemGenerate(
  spec: ModelSpec,
  system: System,
  quant: QuantScheme,
  plan: ParallelPlan,
  req: GenerateRequest,
  ignoreCapacity = false,
  /** Software stack every step runs under (SystemRunInput.stack). */
  stack?: Pick<SystemRunInput, 'stack' | 'stackFile'>,
): SystemGenerateResult {
  const { batch, prompt: P, output: O } = req;
  if (!Number.isInteger(O) || O < 1) throw AccelscopeError.withParams('bad-flag', (f) => `${f('output')} must be a positive integer (got ${O})`);
  if (!Number.isInteger(P) || P < 1) throw AccelscopeError.withParams('bad-flag', (f) => `${f('prompt')} must be a positive integer (got ${P})`);
  const warnings: string[] = [];
  if (spec.maxPositions > 0 && P + O > spec.maxPositions) {
    const msg = `prompt + output = ${P + O} tokens exceeds the model's max_position_embeddings (${spec.maxPositions})`;
    if (req.strict) throw AccelscopeError.withParams('bad-flag', (f) => `${msg} (${f('strict')})`);
    warnings.push(msg);
  }
  const step = (phase: 'prefill' | 'decode', x: number, ic: boolean): SystemRunResult =>
    simulateSystem({
      build: (b) => buildGraph(spec, phase === 'prefill' ? { phase, batch: b, seq: x } : { phase, batch: b, context: x }),
      batch,
      system,
      quant,
      plan,
      ignoreCapacity: ic,
      ...stack,
    });
  // The last step holds the largest KV cache (P + O tokens): the capacity check.
  const last = step('decode', P + O - 1, ignoreCapacity);
  const prefill = step('prefill', P, true);
  const first = O > 1 ? step('decode', P, true) : last;
  const midX = P + Math.floor((O - 1) / 2);
  const mid = O > 2 ? step('decode', midX, true) : first;
  const s = (r: RunResult) => r.totals.seconds;
  const e = (r: RunResult) => r.totals.energyJ;
  const lo = P;
  const hi = P + O - 1;
  const sum = (f: (r: RunResult) => number) => (O === 1 ? f(first) : linearSum(lo, midX, f(first), f(mid)) + linearSum(midX, hi, f(mid), f(last)) + f(last));
  const decodeSeconds = sum(s);
  const decodeEnergyJ = sum(e);
  const line = O > 2 ? s(first) + ((s(last) - s(first)) * (midX - lo)) / (hi - lo) : s(mid);
  const maxRelError = Math.abs(line - s(mid)) / s(mid);
  const ttft = s(prefill);
  const e2e = ttft + decodeSeconds;
  const outputTokens = batch * O;
  const energyPerRequestJ = e(prefill) + decodeEnergyJ;
  const generate: GenerateBlock = {
    prompt: P,
    output: O,
    ttftSeconds: ttft,
    tpotSeconds: { mean: decodeSeconds / O, first: s(first), last: s(last) },
    decodeSeconds,
    e2eSeconds: e2e,
    outputTokensPerSecond: outputTokens / e2e,
    energyPerRequestJ,
    energyPerOutputTokenJ: energyPerRequestJ / outputTokens,
    prefillEnergyJ: e(prefill),
    decodeEnergyJ,
    peakMemoryBytes: last.memory.totalBytes,
    capacityBytes: last.memory.capacityBytes,
    fits: last.memory.fits,
    steps: [...new Map([first, mid, last].map((r) => [r.workload.context!, { context: r.workload.context!, seconds: s(r), energyJ: e(r) }])).values()],
    interpolation: { method: 'adaptive-linear', evaluations: new Set([lo, midX, hi]).size, maxRelError },
  };
  return {
    ...first,
    workload: { ...first.workload, phase: 'generate', prompt: P, output: O, tokens: outputTokens } as RunResult['workload'],
    totals: {
      seconds: e2e,
      rooflineSeconds: prefill.totals.rooflineSeconds + O * first.totals.rooflineSeconds,
      flops: prefill.totals.flops + O * first.totals.flops,
      bytes: prefill.totals.bytes + O * first.totals.bytes,
      energyJ: energyPerRequestJ,
      energyPj: first.totals.energyPj,
      energyPerTokenJ: energyPerRequestJ / outputTokens,
      averagePowerW: energyPerRequestJ / e2e,
      tokensPerSecond: outputTokens / e2e,
      memoryBytes: last.memory.totalBytes,
    },
    memory: last.memory,
    warnings: [...new Set([...warnings, ...prefill.warnings, ...last.warnings].filter((w) => !w.startsWith('positions beyond')))],
    generate,
  };
}
