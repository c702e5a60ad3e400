/**
 * Quantization formats compared on simulated hardware: for each (format, arch), the storage
 * cost, the memory footprint and whether it fits, latency, tokens/s, energy per token and the
 * dominant bound from the hardware model, and the numeric error proxy (SQNR, relative error of
 * a GEMM on synthetic LLM-like tensors; docs/quant.md). A format a hardware model cannot run is
 * marked unsupported with the model's reason — never given another format's numbers; one it
 * emulates (e.g. FP4 dequantized to FP8/FP16 on a GPU without FP4 tensor cores) carries the
 * dtype it actually ran at, with the emulation cost modeled by the hardware model.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import type { Phase } from '../workload/graph.ts';
import { buildGraph } from '../workload/builders/decoder.ts';
import { evaluateGraph } from '../engine/evaluate.ts';
import type { Stack } from '../stack/schema.ts';
import { type RunResult } from '../engine/run.ts';
import { footprint } from '../workload/footprint.ts';
import { isAccelscopeError } from '../util/errors.ts';
import type { Bound } from '../hw/model.ts';

export interface QuantRow {
  format: string;
  arch: string;
  archName: string;
  kind: string;
  bitsPerWeight: number;
  weightBytes: number;
  kvBytes: number;
  memoryBytes: number;
  capacityBytes: number;
  fits: boolean;
  supported: boolean;
  reason?: string;
  latencySeconds?: number;
  tokensPerSecond?: number;
  energyPerTokenJ?: number;
  bound?: Bound;
  /** Compute dtype the hardware model ran the weight GEMMs at (as it reports it). */
  ranAt?: string;
  sqnrDb: number;
  relError: number;
}

export interface QuantComparison {
  kind: 'quant-comparison';
  model: string;
  phase: Phase;
  batch: number;
  seq?: number;
  context?: number;
  /** The software stack every row ran under (--stack). */
  stack?: string;
  rows: QuantRow[];
}

export type ErrorProxy = (q: QuantScheme) => { sqnrDb: number; relError: number };

export interface CompareInput {
  spec: ModelSpec;
  archs: { file: string; config: ArchConfig }[];
  schemes: QuantScheme[];
  phase: Phase;
  batch: number;
  seq?: number;
  context?: number;
  threads?: number;
  /** Software stack the steps run under (src/stack/). */
  stack?: Stack;
}

/** The bound that accounts for most of the step's time. */
export function dominantBound(r: RunResult): Bound {
  const t = new Map<Bound, number>();
  for (const o of r.ops) t.set(o.bound, (t.get(o.bound) ?? 0) + o.seconds);
  return [...t.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

export function compareQuant(input: CompareInput, errorProxy: ErrorProxy): QuantComparison {
  const graph = buildGraph(input.spec, { phase: input.phase, batch: input.batch, seq: input.seq, context: input.context });
  const errors = new Map<string, { sqnrDb: number; relError: number }>();
  const rows: QuantRow[] = [];
  for (const q of input.schemes) {
    let err = errors.get(q.name);
    if (!err) {
      err = errorProxy(q);
      errors.set(q.name, err);
    }
    const fp = footprint(graph, q);
    for (const { file, config } of input.archs) {
      const base: QuantRow = {
        format: q.name,
        arch: file,
        archName: config.name,
        kind: config.kind,
        bitsPerWeight: q.weights.bitsPerElement,
        weightBytes: fp.weightsBytes,
        kvBytes: fp.kvCacheBytes,
        memoryBytes: fp.totalBytes,
        capacityBytes: config.memory.capacityBytes,
        fits: fp.totalBytes <= config.memory.capacityBytes,
        supported: true,
        sqnrDb: err.sqnrDb,
        relError: err.relError,
      };
      try {
        const ev = evaluateGraph(graph, config, q, {
          ignoreCapacity: true,
          ...(input.threads ? { threads: input.threads } : {}),
          ...(input.stack ? { stack: input.stack } : {}),
        });
        if (!ev.feasible) {
          rows.push({ ...base, supported: false, reason: ev.reason });
          continue;
        }
        const r = ev.run;
        const weightGemm = r.ops.find((o) => o.kind === 'gemm' && o.layer === 0);
        const ranAt = weightGemm?.dtype;
        rows.push({
          ...base,
          latencySeconds: r.totals.seconds,
          tokensPerSecond: r.totals.tokensPerSecond,
          energyPerTokenJ: r.totals.energyPerTokenJ,
          bound: dominantBound(r),
          ...(ranAt ? { ranAt } : {}),
        });
      } catch (e) {
        if (!isAccelscopeError(e)) throw e;
        rows.push({ ...base, supported: false, reason: e.message });
      }
    }
  }
  return {
    kind: 'quant-comparison',
    model: input.spec.name,
    phase: input.phase,
    batch: input.batch,
    ...(input.phase === 'prefill' ? { seq: input.seq } : { context: input.context }),
    ...(input.stack ? { stack: input.stack.name } : {}),
    rows,
  };
}
