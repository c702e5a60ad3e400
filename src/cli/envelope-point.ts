/**
 * The point of a `simulate` run in the validation envelope's dimensions (src/arch/validation.ts):
 * model type, phase, batch, prompt length (prefill), context (decode), quant scheme, threads and
 * stack, read from the run's result. A whole request (--phase generate) spans its prefill of P
 * tokens and decode contexts up to P + O − 1: both must lie inside.
 */
import type { RunResult } from '../engine/run.ts';
import type { GenerateResult } from '../engine/generate.ts';
import { envelopeWarnings, type EnvelopedConfig, type RunPoint } from '../arch/validation.ts';

export function runPoints(r: RunResult | GenerateResult, threads?: number, stack?: string): RunPoint[] {
  const w = r.workload as RunResult['workload'] & { prompt?: number; output?: number };
  const base: RunPoint = {
    modelType: w.modelType,
    batch: w.batch,
    quant: r.quant.name,
    ...(threads !== undefined ? { threads } : {}),
    stack: stack ?? 'none',
  };
  if (w.phase === 'generate' && w.prompt !== undefined && w.output !== undefined) {
    return [
      { ...base, phase: 'prefill', seq: w.prompt },
      { ...base, phase: 'decode', context: w.prompt + w.output - 1 },
    ];
  }
  return [{ ...base, phase: w.phase, ...(w.seq !== undefined ? { seq: w.seq } : {}), ...(w.context !== undefined ? { context: w.context } : {}) }];
}

/** The one envelope warning line of a run (none inside), added to the result's warnings so `--json` carries it. */
export function addEnvelopeWarning(r: RunResult | GenerateResult, arch: EnvelopedConfig, threads?: number, stack?: EnvelopedConfig): string[] {
  const lines = runPoints(r, threads, stack?.name).flatMap((p) => envelopeWarnings(arch, p, stack));
  const line = lines[0];
  if (line !== undefined && !r.warnings.includes(line)) r.warnings.push(line);
  return line !== undefined ? [line] : [];
}
