/**
 * Whole requests: the prefill of P prompt tokens, then O decode steps whose context grows
 * P, P+1, …, P+O−1 (each step attends context + 1 keys and leaves context + 1 in the cache;
 * the cache ends at P + O). TTFT is the prefill's time (its logits give the first token); TPOT
 * is the mean decode-step time; O output tokens per sequence are counted.
 *
 * Fast path: only the ops whose shape depends on the context (attention: kvLen) are
 * re-evaluated, through one shared memo; everything else in a decode step is a constant.
 * The context-dependent cost c(x) is sampled adaptively: an interval [a, b] is accepted when
 * the linear interpolant predicts c at its midpoint and quarter points within `tolerance`
 * (relative to the step time); otherwise it is split. Where c is linear in the context (the
 * roofline, and every model between its tile/chunk boundaries) the sum is exact; elsewhere the
 * stated bound is the largest deviation seen at an accepted interval's check points.
 * Sums over the integer contexts of a linear piece are taken in closed form.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import type { AttentionOp, Op } from '../workload/graph.ts';
import { buildGraph } from '../workload/builders/decoder.ts';
import { footprint, kvCacheBytes } from '../workload/footprint.ts';
import { fixedLoadedSeconds } from './power-history.ts';
import { createEvaluator, run, type RunOptions, type RunResult, type OpRecord } from './run.ts';
import { mergeEnergySources } from '../energy/account.ts';
import { energyJOf } from './totals.ts';
import type { EnergyBreakdownPj } from '../hw/model.ts';
import { AccelscopeError } from '../util/errors.ts';
import { formatBytes } from '../util/units.ts';

export interface GenerateRequest {
  batch: number;
  prompt: number;
  output: number;
  /** Error instead of a warning when P + O exceeds max_position_embeddings. */
  strict?: boolean;
  /** Relative interpolation tolerance of the fast path (default 1e-4). */
  tolerance?: number;
  /** Simulate every decode step (for checks; slow). */
  stepByStep?: boolean;
}

export interface GenerateStep {
  context: number;
  seconds: number;
  energyJ: number;
}

export interface GenerateBlock {
  prompt: number;
  output: number;
  ttftSeconds: number;
  tpotSeconds: { mean: number; first: number; last: number };
  decodeSeconds: number;
  e2eSeconds: number;
  outputTokensPerSecond: number;
  energyPerRequestJ: number;
  energyPerOutputTokenJ: number;
  prefillEnergyJ: number;
  decodeEnergyJ: number;
  peakMemoryBytes: number;
  capacityBytes: number;
  fits: boolean;
  /** Decode-step cost at the sampled contexts (the interpolation knots), for plots. */
  steps: GenerateStep[];
  interpolation: { method: 'exact-steps' | 'adaptive-linear'; evaluations: number; maxRelError: number };
}

export type GenerateResult = RunResult & { generate: GenerateBlock };

interface Cost {
  seconds: number;
  energyJ: number;
}

const energyOfRecord = (r: { energyPj: EnergyBreakdownPj }): number => energyJOf(r.energyPj);

export function simulateGenerate(spec: ModelSpec, arch: ArchConfig, quant: QuantScheme, req: GenerateRequest, options: RunOptions = {}): GenerateResult {
  const { batch, prompt: P, output: O } = req;
  if (!Number.isInteger(O) || O < 1) throw AccelscopeError.withParams('bad-flag', (n) => `${n('output')} must be a positive integer (got ${O})`);
  if (!Number.isInteger(P) || P < 1) throw AccelscopeError.withParams('bad-flag', (n) => `${n('prompt')} must be a positive integer (got ${P})`);
  const warnings: string[] = [];
  if (spec.maxPositions > 0 && P + O > spec.maxPositions) {
    const msg = `prompt + output = ${P + O} tokens exceeds the model's max_position_embeddings (${spec.maxPositions})`;
    if (req.strict) throw AccelscopeError.withParams('bad-flag', (n) => `${msg} (${n('strict')})`);
    warnings.push(msg);
  }

  // The decode steps share one memo (their shapes repeat); a shared evaluator settles no history of
  // its own, so it takes the one a non-bench --power-history fixes. The prefill is timed on its own
  // (engine/power-history.ts: 'bench' settles it as a repeated prefill).
  const fixedHistory = fixedLoadedSeconds(options.powerHistory);
  const evaluator = createEvaluator(arch, quant, fixedHistory === undefined ? options : { ...options, loadedSeconds: fixedHistory });
  const runOpts: RunOptions = { ...options, evaluator, ignoreCapacity: true };
  const prefillGraph = buildGraph(spec, { phase: 'prefill', batch, seq: P });
  const decodeGraph = buildGraph(spec, { phase: 'decode', batch, context: P });

  // Capacity: the KV cache grows every step; find the first step that no longer fits.
  const capacityBytes = arch.memory.capacityBytes;
  const fpDecode = footprint(decodeGraph, quant);
  const fixed = fpDecode.weightsBytes + Math.max(fpDecode.activationBytes, footprint(prefillGraph, quant).activationBytes);
  const peakMemoryBytes = fixed + kvCacheBytes(decodeGraph, quant, P + O);
  const fits = peakMemoryBytes <= capacityBytes;
  if (!fits) {
    // KV after decode step i (1-based) holds P + i tokens; the prefill alone holds P.
    const perToken = kvCacheBytes(decodeGraph, quant, 1);
    const firstBad = Math.floor((capacityBytes - fixed) / perToken) + 1 - P; // smallest i with fixed + (P+i)·perToken > capacity
    const where = firstBad <= 0 ? 'already at the prefill' : `at decode step ${firstBad} of ${O} (context ${P + firstBad - 1})`;
    const msg = `KV cache outgrows device memory ${where}: the request peaks at ${formatBytes(peakMemoryBytes)} but ${arch.name} has ${formatBytes(capacityBytes)}`;
    if (!options.ignoreCapacity)
      throw AccelscopeError.withParams('does-not-fit', (n) => `${msg} (${n('ignoreCapacity')} reports the timing anyway)`, {
        file: options.archFile,
        pointer: options.archFile ? '/memory/capacityBytes' : undefined,
      });
    warnings.push(msg);
  }

  const prefill = run(prefillGraph, arch, quant, { ...options, ignoreCapacity: true });
  const first = run(decodeGraph, arch, quant, runOpts);

  // Split a decode step into its context-independent part and the ops whose shape follows the context.
  const dependent = decodeGraph.ops.filter((o): o is AttentionOp => o.kind === 'attention');
  const depIds = new Set(dependent.map((o) => o.id));
  const constant: Cost = { seconds: 0, energyJ: 0 };
  for (const rec of first.ops) {
    if (depIds.has(rec.id)) continue;
    constant.seconds += rec.seconds;
    constant.energyJ += energyOfRecord(rec);
  }
  // A software stack's launch terms (graph gaps, host time) of the first step, taken as constant.
  if (first.stack) constant.seconds += first.totals.seconds - first.ops.reduce((t, r) => t + r.seconds, 0);
  const varCost = (context: number): Cost => {
    let seconds = 0;
    let energyJ = 0;
    for (const op of dependent) {
      const { r } = evaluator(withContext(op, context));
      seconds += r.seconds;
      energyJ += energyOfRecord(r);
    }
    return { seconds, energyJ };
  };

  const lo = P;
  const hi = P + O - 1;
  let sum: Cost;
  let knots: { x: number; c: Cost }[];
  let maxRelError = 0;
  let evaluations = 0;
  const cache = new Map<number, Cost>();
  const at = (x: number): Cost => {
    let c = cache.get(x);
    if (!c) {
      c = varCost(x);
      cache.set(x, c);
      evaluations++;
    }
    return c;
  };
  if (req.stepByStep) {
    sum = { seconds: 0, energyJ: 0 };
    knots = [];
    for (let x = lo; x <= hi; x++) {
      const c = at(x);
      sum.seconds += c.seconds;
      sum.energyJ += c.energyJ;
      knots.push({ x, c });
    }
  } else {
    const tol = req.tolerance ?? 1e-4;
    const pieces: [number, number][] = [];
    const scale = (x: number) => constant.seconds + at(x).seconds;
    const lin = (a: number, b: number, x: number, f: (c: Cost) => number) => f(at(a)) + ((f(at(b)) - f(at(a))) * (x - a)) / (b - a);
    const stack: [number, number][] = [[lo, hi]];
    while (stack.length) {
      const [a, b] = stack.pop()!;
      if (b - a <= 1) {
        pieces.push([a, b]);
        continue;
      }
      const probes = [...new Set([Math.floor((3 * a + b) / 4), Math.floor((a + b) / 2), Math.floor((a + 3 * b) / 4)])].filter((x) => x > a && x < b);
      let worst = 0;
      for (const x of probes) {
        const errS = Math.abs(at(x).seconds - lin(a, b, x, (c) => c.seconds)) / scale(x);
        const errE = Math.abs(at(x).energyJ - lin(a, b, x, (c) => c.energyJ)) / Math.max(1e-30, constant.energyJ + at(x).energyJ);
        worst = Math.max(worst, errS, errE);
      }
      if (worst <= tol) {
        pieces.push([a, b]);
        maxRelError = Math.max(maxRelError, worst);
      } else {
        const mid = Math.floor((a + b) / 2);
        stack.push([mid, b], [a, mid]);
      }
    }
    pieces.sort((p, q) => p[0] - q[0]);
    // Σ over integers x in [a, b) of the linear interpolant, plus the last point once.
    sum = { seconds: 0, energyJ: 0 };
    for (const [a, b] of pieces) {
      const n = b - a; // points a .. b-1
      for (const f of ['seconds', 'energyJ'] as const) {
        if (n === 0) continue;
        const fa = at(a)[f];
        const fb = at(b)[f];
        // Σ_{i=0}^{n-1} fa + (fb - fa)·i/n = n·fa + (fb - fa)(n - 1)/2
        sum[f] += n * fa + ((fb - fa) * (n - 1)) / 2;
      }
    }
    sum.seconds += at(hi).seconds;
    sum.energyJ += at(hi).energyJ;
    knots = [...cache.entries()].sort((p, q) => p[0] - q[0]).map(([x, c]) => ({ x, c }));
  }

  const decodeSeconds = O * constant.seconds + sum.seconds;
  const decodeEnergyJ = O * constant.energyJ + sum.energyJ;
  const ttftSeconds = prefill.totals.seconds;
  const e2eSeconds = ttftSeconds + decodeSeconds;
  const energyPerRequestJ = prefill.totals.energyJ + decodeEnergyJ;
  const outputTokens = batch * O;
  const firstStep = constant.seconds + at(lo).seconds;
  const lastStep = constant.seconds + at(hi).seconds;

  const generate: GenerateBlock = {
    prompt: P,
    output: O,
    ttftSeconds,
    tpotSeconds: { mean: decodeSeconds / O, first: firstStep, last: lastStep },
    decodeSeconds,
    e2eSeconds,
    outputTokensPerSecond: outputTokens / e2eSeconds,
    energyPerRequestJ: energyPerRequestJ / batch,
    energyPerOutputTokenJ: energyPerRequestJ / outputTokens,
    prefillEnergyJ: prefill.totals.energyJ,
    decodeEnergyJ,
    peakMemoryBytes,
    capacityBytes,
    fits,
    steps: knots.map(({ x, c }) => ({ context: x, seconds: constant.seconds + c.seconds, energyJ: constant.energyJ + c.energyJ })),
    interpolation: { method: req.stepByStep ? 'exact-steps' : 'adaptive-linear', evaluations, maxRelError },
  };

  // The RunResult view: prefill ops then the first decode step's ops, totals over the request.
  const tag =
    (prefix: string) =>
    (o: OpRecord): OpRecord => ({ ...o, id: `${prefix}/${o.id}` });
  const energyPj = {
    compute: 0,
    onChip: 0,
    offChip: 0,
    static: 0,
  };
  // Energy split: prefill exact; decode split in the proportions of the first step.
  const firstE = first.totals.energyJ;
  for (const k of ['compute', 'onChip', 'offChip', 'static'] as const) {
    energyPj[k] = prefill.totals.energyPj[k] + (firstE > 0 ? (first.totals.energyPj[k] / (firstE * 1e12)) * decodeEnergyJ * 1e12 : 0);
  }
  const classes = prefill.classes.map((c) => ({ ...c, cls: c.cls }));
  return {
    ...first,
    workload: { ...first.workload, phase: 'generate', prompt: P, output: O, tokens: outputTokens } as RunResult['workload'],
    totals: {
      seconds: e2eSeconds,
      rooflineSeconds: prefill.totals.rooflineSeconds + O * first.totals.rooflineSeconds,
      flops: prefill.totals.flops + O * first.totals.flops,
      bytes: prefill.totals.bytes + O * first.totals.bytes,
      energyJ: energyPerRequestJ,
      energyPj,
      energyPerTokenJ: energyPerRequestJ / outputTokens,
      averagePowerW: energyPerRequestJ / e2eSeconds,
      tokensPerSecond: outputTokens / e2eSeconds,
      memoryBytes: peakMemoryBytes,
    },
    memory: { ...fpDecode, kvCacheBytes: kvCacheBytes(decodeGraph, quant, P + O), totalBytes: peakMemoryBytes, capacityBytes, fits },
    classes: [...classes.map((c) => ({ ...c, phase: 'prefill' })), ...first.classes.map((c) => ({ ...c, phase: 'decode' }))] as RunResult['classes'],
    ops: [...prefill.ops.map(tag('prefill')), ...first.ops.map(tag('decode'))],
    energySources: mergeEnergySources(prefill.energySources, first.energySources),
    warnings: [
      ...warnings,
      ...[...prefill.warnings, ...first.warnings].filter((w) => !w.startsWith('workload does not fit') && !w.startsWith('positions beyond')),
    ],
    generate,
  };
}

function withContext(op: AttentionOp, context: number): Op {
  return { ...op, kvLen: context + op.qLen };
}
