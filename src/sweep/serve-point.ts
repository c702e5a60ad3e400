/**
 * Serving as a sweep workload (`"phase": "serve"`): each point serves the request stream of
 * `requests` (at each `rate`, overriding the spec's rate) with `batch` as --max-running and each
 * scheduler knob listed, on the point's arch; objectives include goodput under `slo`.
 *
 *   { "model": "../models/llama-2-7b.json", "phase": "serve", "batch": [64, 256],
 *     "requests": "poisson:rate=5,n=2000,prompt=lognormal(512,0.8,4000),output=fixed(128)",
 *     "rate": [5, 10, 20], "chunkedPrefill": [false, true], "slo": "ttft=1s,tpot=50ms" }
 */
import type { ArchConfig } from '../config/arch.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import { parseRequestSpec } from '../serve/requests.ts';
import { parseSlo } from '../serve/slo.ts';
import { runServe } from '../serve/run-serve.ts';
import type { SchedulerConfig } from '../serve/scheduler.ts';
import type { ConcreteWorkload } from './concrete-workload.ts';
import type { WorkloadSpec } from './spec.ts';
import type { Stack } from '../stack/schema.ts';

export function serveWorkloads(w: WorkloadSpec, model: string, batch: number): ConcreteWorkload[] {
  const out: ConcreteWorkload[] = [];
  for (const rate of w.rate ?? [undefined]) {
    for (const scheduler of w.scheduler ?? ['continuous' as const]) {
      for (const chunkedPrefill of w.chunkedPrefill ?? [false]) {
        for (const maxBatchedTokens of w.maxBatchedTokens ?? [chunkedPrefill ? 2048 : 8192]) {
          if (scheduler === 'static' && chunkedPrefill) continue;
          out.push({
            model,
            phase: 'serve',
            batch,
            requests: w.requests!,
            ...(rate !== undefined ? { rate } : {}),
            scheduler,
            chunkedPrefill,
            maxBatchedTokens,
            ...(w.slo !== undefined ? { slo: w.slo } : {}),
          });
        }
      }
    }
  }
  return out;
}

/** `stack`: the point's software stack (a spec's `stack`), the steps run under it. */
export function evaluateServePoint(spec: ModelSpec, arch: ArchConfig, quant: QuantScheme, w: ConcreteWorkload, stack?: Stack): Record<string, number> {
  let requests = parseRequestSpec(w.requests!);
  if (w.rate !== undefined && requests.kind !== 'trace') requests = { ...requests, rate: w.rate };
  const scheduler: SchedulerConfig = {
    policy: w.scheduler ?? 'continuous',
    maxRunning: w.batch,
    maxBatchedTokens: w.maxBatchedTokens ?? 8192,
    chunkedPrefill: w.chunkedPrefill ?? false,
    priority: w.chunkedPrefill ? 'decode-first' : 'prefill-first',
    blockTokens: 16,
    preemption: 'recompute',
    prefixCaching: false,
    swapBlocks: 0,
    watermark: 0.01,
  };
  const slo = w.slo !== undefined ? parseSlo(w.slo) : {};
  const { report } = runServe({
    spec,
    arch,
    quant,
    requests,
    requestsText: w.requests!,
    scheduler,
    slo,
    swapBytesPerSecond: 64e9,
    ...(stack ? { stack } : {}),
  });
  const s = report.summary;
  return {
    latencySeconds: s.e2eS.mean,
    tokensPerSecond: s.outputTokensPerSecond,
    energyPerTokenJ: s.energyPerOutputTokenJ,
    memoryBytes: report.kv.weightsBytes + report.kv.activationBytes + s.kvUse.max * report.kv.blocksPerDevice * report.kv.blockTokens * report.kv.bytesPerToken,
    ttftSeconds: s.ttftS.mean,
    tpotSeconds: s.tpotS.mean,
    ttftP99Seconds: s.ttftS.p99,
    tpotP99Seconds: s.tpotS.p99,
    goodputRps: s.goodputRps,
    sloAttainment: s.sloAttainment,
    requestsPerSecond: s.requestsPerSecond,
    energyPerRequestJ: s.energyPerRequestJ,
    preemptions: s.preemptions,
  };
}
