/**
 * What the step model allows at saturation: identical requests (P prompt, O output tokens) served
 * in lockstep waves of the largest batch that fits — B = min(max-running, ⌊KV blocks / blocks per
 * finished sequence⌋) — each wave prefilling its B prompts (as many whole prompts per step as the
 * token budget takes) and then running O − 1 decode steps at batch B, contexts P … P+O−2.
 * Throughput = B / wave time. Continuous batching fed all at once runs exactly these waves
 * (test/serve/simulate.test.ts); with mixed lengths it is the capacity at the mean lengths.
 */
import type { StepCostModel, StepShape } from './step-shape.ts';
import type { SchedulerConfig } from './scheduler.ts';

export interface Saturation {
  promptTokens: number;
  outputTokens: number;
  batch: number;
  /** What limits the batch. */
  limit: 'max-running' | 'kv-blocks';
  waveSeconds: number;
  requestsPerSecond: number;
  outputTokensPerSecond: number;
  /** Independent replicas the throughput is summed over (`serve --system --dp`); absent for one. */
  replicas?: number;
}

export function saturation(cost: StepCostModel, cfg: SchedulerConfig, blocks: number, P: number, O: number): Saturation | undefined {
  const perSeq = Math.ceil((P + O - 1) / cfg.blockTokens);
  const fit = Math.floor(blocks / perSeq);
  const batch = Math.min(cfg.maxRunning, fit);
  if (batch < 1) return undefined;
  const perStep = Math.max(1, Math.floor(cfg.maxBatchedTokens / P));
  let waveSeconds = 0;
  for (let left = batch; left > 0; left -= perStep) {
    const k = Math.min(perStep, left);
    const shape: StepShape = { decode: 0, decodeContextSum: 0, chunks: Array.from({ length: k }, () => ({ q: P, past: 0, last: true })) };
    waveSeconds += cost.cost(shape).seconds;
  }
  for (let c = P; c <= P + O - 2; c++) waveSeconds += cost.cost({ decode: batch, decodeContextSum: batch * c, chunks: [] }).seconds;
  return {
    promptTokens: P,
    outputTokens: O,
    batch,
    limit: batch === cfg.maxRunning && fit >= cfg.maxRunning ? 'max-running' : 'kv-blocks',
    waveSeconds,
    requestsPerSecond: batch / waveSeconds,
    outputTokensPerSecond: (batch * O) / waveSeconds,
  };
}
