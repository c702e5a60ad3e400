/**
 * Step costs from the single-step engine (engine/evaluate.ts): a serving step is composed from the
 * model's op graph — GEMMs, norms, elementwise ops over all T tokens of the step; one attention
 * op per group of sequences with the same shape (decode sequences batched at their mean context,
 * each prefill chunk with its own (q, past)); logits for the sequences that emit a token.
 *
 * For devices that run ops one after another (no HardwareModel.schedule) the step's cost is
 * additive over those parts, so each part is memoized on its own: the token-linear part by
 * (phase, T), the logits by (phase, rows), attention by (phase, batch, q, kv). Devices with a
 * step schedule (NeuPIMs-style overlap) run the whole composed graph through evaluateGraph,
 * memoized by the step's shape.
 *
 * Interpolation (hardware models take milliseconds per new GEMM shape, a serving run meets
 * thousands of shapes): every size x — tokens T, logit rows, decode kvLen, chunk q and past — is
 * evaluated exactly up to 32 and, above, at knots 2^(⌊log2 x⌋ − log2 k) apart (k = `knotsPerOctave`,
 * default 16: knots ≤ 6.25 % apart) and linearly interpolated between the two knots around it
 * (bilinear for a chunk's (q, past)). knotsPerOctave 0 evaluates every size exactly.
 * Devices with a step schedule run the composed graph with exact chunk sizes, interpolated in
 * the decode context only (their schedule is not a sum of parts).
 * test/serve/step-cost.test.ts measures the error against exact evaluation on every family.
 * Batched decode attention over sequences of different contexts is taken at their mean context:
 * a paged-attention kernel reads every cached key once, so its cost follows the total KV tokens
 * (B · mean).
 */
import type { ArchConfig } from '../config/arch.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { ModelSpec } from '../workload/model-config.ts';
import type { AttentionOp, Op, OpGraph, Phase } from '../workload/graph.ts';
import { buildGraph } from '../workload/builders/decoder.ts';
import { opShapeKey } from '../workload/ops.ts';
import { footprint, kvCacheBytes, weightBytes } from '../workload/footprint.ts';
import { evaluateGraph, opEvaluator, orThrow, type OpEvaluator } from '../engine/evaluate.ts';
import { energyJOf } from '../engine/totals.ts';
import type { SimOptions } from '../hw/model.ts';
import { getModel } from '../hw/registry.ts';
import { AccelscopeError } from '../util/errors.ts';
import { formatBytes } from '../util/units.ts';
import type { StepCost, StepCostModel, StepShape } from './step-shape.ts';

export interface EngineStepCostOptions extends SimOptions {
  /** Interpolation knots per octave of every size (0 = exact). Default 16. */
  knotsPerOctave?: number;
  /** Fraction of device memory the server may use (vLLM's gpu_memory_utilization, default 0.9). */
  memoryUtilization?: number;
  /** Largest number of tokens one step processes (sizes the activation reserve). */
  maxBatchedTokens?: number;
  /** Arch file, for error messages. */
  archFile?: string;
}

const LOGIT_OPS = new Set(['final_norm', 'project_out', 'lm_head']);

function add(a: StepCost, b: StepCost, f = 1): StepCost {
  return { seconds: a.seconds + f * b.seconds, energyJ: a.energyJ + f * b.energyJ };
}

/** The OpGraph of one serving step (also what the additive path sums, part by part). */
export function composeStepGraph(spec: ModelSpec, s: StepShape, decodeKvLen: number): OpGraph {
  const T = s.decode + s.chunks.reduce((n, c) => n + c.q, 0);
  if (T < 1) throw new Error('empty step');
  const phase: Phase = s.chunks.length ? 'prefill' : 'decode';
  const base = phase === 'decode' ? buildGraph(spec, { phase, batch: s.decode, context: decodeKvLen - 1 }) : buildGraph(spec, { phase, batch: 1, seq: T });
  const logitRows = s.decode + s.chunks.filter((c) => c.last).length;
  const groups = attentionGroups(s, decodeKvLen);
  const ops: Op[] = [];
  const rename = new Map<string, string[]>();
  for (const op of base.ops) {
    if (op.kind === 'attention') {
      const ids = groups.map((g, i) => (i === 0 ? op.id : `${op.id}#${i}`));
      groups.forEach((g, i) => ops.push({ ...op, id: ids[i]!, phase: g.phase, batch: g.batch, qLen: g.q, kvLen: g.kv }));
      rename.set(op.id, ids);
      continue;
    }
    if (phase === 'prefill' && LOGIT_OPS.has(op.id)) {
      if (logitRows === 0) {
        rename.set(op.id, []);
        continue;
      }
      if (op.kind === 'norm') ops.push({ ...op, rows: logitRows });
      else if (op.kind === 'gemm') ops.push({ ...op, m: logitRows });
      else ops.push(op);
      continue;
    }
    ops.push(op);
  }
  for (const op of ops) op.deps = op.deps.flatMap((d) => rename.get(d) ?? [d]);
  const seqs = s.decode + s.chunks.length;
  return { meta: { ...base.meta, batch: phase === 'decode' ? s.decode : seqs }, ops };
}

interface Group {
  phase: Phase;
  batch: number;
  q: number;
  kv: number;
}

function attentionGroups(s: StepShape, decodeKvLen: number): Group[] {
  const out: Group[] = [];
  if (s.decode > 0) out.push({ phase: 'decode', batch: s.decode, q: 1, kv: decodeKvLen });
  const by = new Map<string, Group>();
  for (const c of s.chunks) {
    const k = `${c.q}|${c.past}`;
    const g = by.get(k);
    if (g) g.batch++;
    else by.set(k, { phase: 'prefill', batch: 1, q: c.q, kv: c.past + c.q });
  }
  return [...out, ...by.values()];
}

/** The knots around x: [x0, x1, weight of x1]; x0 = x1 = x when x is a knot (or exact mode). */
export function knotsOf(x: number, perOctave: number): [number, number, number] {
  if (perOctave === 0 || x <= 32) return [x, x, 0];
  const step = Math.max(1, 2 ** (Math.floor(Math.log2(x)) - Math.log2(perOctave)));
  const x0 = Math.floor(x / step) * step;
  if (x0 === x) return [x, x, 0];
  return [x0, x0 + step, (x - x0) / step];
}

function lerp(f: (x: number) => StepCost, x: number, perOctave: number): StepCost {
  const [x0, x1, w] = knotsOf(x, perOctave);
  const c0 = f(x0);
  if (w === 0) return c0;
  const c1 = f(x1);
  return { seconds: c0.seconds + w * (c1.seconds - c0.seconds), energyJ: c0.energyJ + w * (c1.energyJ - c0.energyJ) };
}

export class EngineStepCost implements StepCostModel {
  readonly name: string;
  readonly kvBytesPerToken: number;
  readonly kvCapacityBytes: number;
  readonly memory: StepCostModel['memory'];
  readonly knotsPerOctave: number;
  /** Distinct evaluations (memo misses) per part, for the report. */
  readonly evaluations = { linear: 0, logits: 0, attention: 0, graphs: 0 };
  private readonly evaluate: OpEvaluator;
  private readonly additive: boolean;
  private readonly linearMemo = new Map<string, StepCost>();
  private readonly logitMemo = new Map<string, StepCost>();
  /** Attention by phase, then (batch, q, kv) packed in one number kv·2^32 + batch·2^20 + q (a string beyond those ranges). */
  private readonly attnMemo: Record<Phase, Map<number | string, StepCost>> = { decode: new Map(), prefill: new Map() };
  private readonly graphMemo = new Map<string, StepCost>();
  private readonly stack: SimOptions['stack'];
  private readonly attnTemplates: Record<Phase, AttentionOp[]>;
  private readonly uniformAttention: boolean;

  constructor(
    readonly spec: ModelSpec,
    readonly arch: ArchConfig,
    readonly quant: QuantScheme,
    options: EngineStepCostOptions = {},
  ) {
    const { knotsPerOctave = 16, memoryUtilization = 0.9, maxBatchedTokens = 8192, archFile, ...sim } = options;
    if (!Number.isInteger(knotsPerOctave) || knotsPerOctave < 0 || (knotsPerOctave & (knotsPerOctave - 1)) !== 0)
      throw new AccelscopeError('bad-flag', `--knots-per-octave must be 0 (exact) or a power of two (got ${knotsPerOctave})`);
    if (!(memoryUtilization > 0 && memoryUtilization <= 1))
      throw new AccelscopeError('bad-flag', `--memory-utilization must be in (0, 1] (got ${memoryUtilization})`);
    this.knotsPerOctave = knotsPerOctave;
    this.name = arch.name;
    this.evaluate = opEvaluator(arch, quant, sim);
    this.stack = sim.stack;
    // A software stack changes the kernel list and adds step-level launch terms: whole step graphs.
    this.additive = !getModel(arch.kind).schedule && !sim.stack;
    const dec = buildGraph(spec, { phase: 'decode', batch: 1, context: 0 });
    const pre = buildGraph(spec, { phase: 'prefill', batch: 1, seq: 1 });
    this.attnTemplates = {
      decode: dec.ops.filter((o): o is AttentionOp => o.kind === 'attention'),
      prefill: pre.ops.filter((o): o is AttentionOp => o.kind === 'attention'),
    };
    const model = getModel(arch.kind);
    const keys = new Set(
      [...this.attnTemplates.decode, ...this.attnTemplates.prefill].map((o) => `${o.phase}|${opShapeKey(o)}|${model.memoKey?.(o, arch) ?? ''}`),
    );
    this.uniformAttention = keys.size <= 2;
    this.kvBytesPerToken = kvCacheBytes(dec, quant, 1);
    const weightsBytes = weightBytes(dec, quant);
    const big = buildGraph(spec, { phase: 'prefill', batch: 1, seq: maxBatchedTokens });
    const activationBytes = footprint(big, quant).activationBytes;
    const capacityBytes = arch.memory.capacityBytes;
    const usableBytes = capacityBytes * memoryUtilization;
    this.memory = { capacityBytes, usableBytes, weightsBytes, activationBytes };
    this.kvCapacityBytes = usableBytes - weightsBytes - activationBytes;
    if (this.kvCapacityBytes < this.kvBytesPerToken) {
      throw new AccelscopeError(
        'does-not-fit',
        `no room for a KV cache: ${formatBytes(usableBytes)} usable (${memoryUtilization} of ${formatBytes(capacityBytes)}) − weights ${formatBytes(weightsBytes)} − activations ${formatBytes(activationBytes)} at ${maxBatchedTokens} tokens per step leaves ${formatBytes(Math.max(0, this.kvCapacityBytes))}`,
        { file: archFile, pointer: archFile ? '/memory/capacityBytes' : undefined },
      );
    }
  }

  cost(s: StepShape): StepCost {
    const k = this.knotsPerOctave;
    const kvMean = s.decode > 0 ? s.decodeContextSum / s.decode + 1 : 0;
    if (!this.additive) {
      // A step schedule is not a sum of parts: the whole graph, exact chunks, interpolated in the decode context.
      return s.decode > 0 ? lerp((kv) => this.graphCost(s, kv), kvMean, k) : this.graphCost(s, 1);
    }
    const phase: Phase = s.chunks.length ? 'prefill' : 'decode';
    let T = s.decode;
    let rows = s.decode;
    for (const c of s.chunks) {
      T += c.q;
      if (c.last) rows++;
    }
    let cost = lerp((t) => this.linear(phase, t), T, k);
    if (rows > 0)
      cost = add(
        cost,
        lerp((r) => this.logits(phase, r), rows, k),
      );
    if (s.decode > 0)
      cost = add(
        cost,
        lerp((kv) => this.attention('decode', s.decode, 1, kv), kvMean, k),
      );
    // Chunks of one shape run as one batched attention op (as composeStepGraph groups them).
    const groups = new Map<number, { q: number; past: number; n: number }>();
    for (const c of s.chunks) {
      const key = c.q * 2 ** 26 + c.past;
      const g = groups.get(key);
      if (g) g.n++;
      else groups.set(key, { q: c.q, past: c.past, n: 1 });
    }
    for (const { q: cq, past, n } of groups.values()) {
      cost = add(
        cost,
        lerp((q) => (past > 0 ? lerp((p) => this.attention('prefill', n, q, p + q), past, k) : this.attention('prefill', n, q, q)), cq, k),
      );
    }
    return cost;
  }

  /** The composed step graph run as one graph (exact sum, or the model's step schedule), memoized. */
  graphCost(s: StepShape, decodeKvLen: number): StepCost {
    const key = `${s.decode}|${decodeKvLen}|${s.chunks
      .map((c) => `${c.q},${c.past},${c.last ? 1 : 0}`)
      .sort()
      .join(';')}`;
    let c = this.graphMemo.get(key);
    if (!c) {
      const r = orThrow(
        evaluateGraph(composeStepGraph(this.spec, s, decodeKvLen), this.arch, this.quant, {
          evaluator: this.evaluate,
          ignoreCapacity: true,
          totalsOnly: true,
          ...(this.stack ? { stack: this.stack } : {}),
        }),
      ).run;
      c = { seconds: r.totals.seconds, energyJ: r.totals.energyJ };
      this.graphMemo.set(key, c);
      this.evaluations.graphs++;
    }
    return c;
  }

  private sum(ops: Op[]): StepCost {
    let seconds = 0;
    let e = 0;
    for (const op of ops) {
      const { r } = this.evaluate(op);
      seconds += r.seconds;
      e += energyJOf(r.energyPj);
    }
    return { seconds, energyJ: e };
  }

  private linear(phase: Phase, T: number): StepCost {
    const key = `${phase}|${T}`;
    let c = this.linearMemo.get(key);
    if (!c) {
      const g = phase === 'decode' ? buildGraph(this.spec, { phase, batch: T, context: 0 }) : buildGraph(this.spec, { phase, batch: 1, seq: T });
      c = this.sum(g.ops.filter((o) => o.kind !== 'attention' && !LOGIT_OPS.has(o.id)));
      this.linearMemo.set(key, c);
      this.evaluations.linear++;
    }
    return c;
  }

  private logits(phase: Phase, rows: number): StepCost {
    const key = `${phase}|${rows}`;
    let c = this.logitMemo.get(key);
    if (!c) {
      const g = phase === 'decode' ? buildGraph(this.spec, { phase, batch: rows, context: 0 }) : buildGraph(this.spec, { phase, batch: rows, seq: 1 });
      c = this.sum(g.ops.filter((o) => LOGIT_OPS.has(o.id)));
      this.logitMemo.set(key, c);
      this.evaluations.logits++;
    }
    return c;
  }

  private attention(phase: Phase, batch: number, q: number, kv: number): StepCost {
    const key = batch < 2 ** 12 && q < 2 ** 20 && kv < 2 ** 21 ? kv * 2 ** 32 + batch * 2 ** 20 + q : `${batch}|${q}|${kv}`;
    const memo = this.attnMemo[phase];
    let c = memo.get(key);
    if (!c) {
      const tmpl = this.attnTemplates[phase];
      // Layers whose attention has one shape cost the same: evaluate one, count it per layer.
      if (this.uniformAttention) {
        const one = this.sum([{ ...tmpl[0]!, batch, qLen: q, kvLen: kv }]);
        c = { seconds: one.seconds * tmpl.length, energyJ: one.energyJ * tmpl.length };
      } else c = this.sum(tmpl.map((t) => ({ ...t, batch, qLen: q, kvLen: kv })));
      memo.set(key, c);
      this.evaluations.attention++;
    }
    return c;
  }
}
