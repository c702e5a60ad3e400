/** Set-up shared by the serving tests (one device and systems): scheduler, serve options, request bursts, a system step. */
import type { ServeOptions } from '../../src/serve/simulate.ts';
import { loadModel, loadQuant } from '../../src/config/load.ts';
import { loadSystem } from '../../src/system/load.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { simulateSystem, type SystemRunResult } from '../../src/parallel/run-system.ts';
import type { ParallelPlan } from '../../src/parallel/plan.ts';
import type { Stack } from '../../src/stack/schema.ts';
import { modelPath } from '../helpers.ts';
import type { SchedulerConfig } from '../../src/serve/scheduler.ts';
import type { ServeRequest } from '../../src/serve/types.ts';

/** Continuous batching as vLLM's defaults set it (256 sequences, 8192 tokens per step), no watermark; `o` overrides. */
export const schedulerConfig = (o: Partial<SchedulerConfig> = {}): SchedulerConfig => ({
  policy: 'continuous',
  maxRunning: 256,
  maxBatchedTokens: 8192,
  chunkedPrefill: false,
  priority: 'prefill-first',
  blockTokens: 16,
  preemption: 'recompute',
  prefixCaching: false,
  swapBlocks: 0,
  watermark: 0,
  ...o,
});

/** Serve options around `schedulerConfig(o)`: SLO ttft 1 s, tpot 50 ms, a 64 GB/s swap link; `extra` overrides. */
export const serveOptions = (o: Partial<SchedulerConfig> = {}, extra: Partial<ServeOptions> = {}): ServeOptions => ({
  scheduler: schedulerConfig(o),
  slo: { ttftS: 1, tpotS: 0.05 },
  swapBytesPerSecond: 64e9,
  ...extra,
});

/** n requests of P prompt and O output tokens, all arriving at t = 0. */
export const burst = (n: number, P: number, O: number): ServeRequest[] =>
  Array.from({ length: n }, (_, id) => ({ id, arrivalS: 0, promptTokens: P, outputTokens: O }));

export const qwen = loadModel(modelPath('qwen2-0.5b'));
export const dgx = loadSystem('dgx-h100');

/** One prefill (x = seq) or decode (x = context) step of Qwen2-0.5B fp16 on a DGX H100 under a plan (and a stack). */
export const systemStep = (
  p: ParallelPlan,
  phase: 'prefill' | 'decode',
  batch: number,
  x: number,
  o: { stack?: Stack; totalsOnly?: boolean } = {},
): SystemRunResult =>
  simulateSystem({
    build: (b) => buildGraph(qwen, phase === 'prefill' ? { phase, batch: b, seq: x } : { phase, batch: b, context: x }),
    batch,
    system: dgx,
    quant: loadQuant('w16a16'),
    plan: p,
    ignoreCapacity: true,
    ...o,
  });
