/**
 * Iteration-level (continuous) batching, after vLLM's scheduler: every step re-forms the batch
 * from the running sequences (one decode token each), prompts in progress and waiting requests,
 * under `maxRunning` sequences (max_num_seqs) and `maxBatchedTokens` tokens per step
 * (max_num_batched_tokens).
 *
 *   prefill-first: admit waiting prompts first; without chunked prefill a step that admits any
 *     prompt runs prompts only (vLLM's default scheduler); with chunked prefill the decodes fill
 *     the budget the prompts leave.
 *   decode-first: every running sequence decodes first; prompts (whole, or chunked to the
 *     remaining budget with chunked prefill: Sarathi-Serve / vLLM chunked prefill) fill the rest.
 *
 * KV cache: a BlockPool. A prompt is admitted only if its blocks (and the watermark) fit. A
 * sequence whose next token needs a block that the pool does not have preempts the most
 * recently admitted running sequence (itself if it is the last): by recompute (its blocks are
 * freed; it re-queues at the front and later prefills prompt + outputs so far) or by swap (its
 * blocks move to host memory, swapped back before any new prompt is admitted; recompute when the
 * swap space is full). Prefix caching: a prompt's full blocks of a shared prefix that are
 * resident are not recomputed (at least its last token always is).
 *
 * Roles (disaggregated serving): 'prefill' instances run prompts only and hand each sequence off
 * once its prompt is done; 'decode' instances receive sequences whose KV cache arrived.
 */
import { BlockPool } from './kv-blocks.ts';
import type { Sequence, StepItem } from './sequence.ts';
import type { StepShape } from './step-shape.ts';

export interface SchedulerConfig {
  policy: 'static' | 'continuous';
  maxRunning: number;
  maxBatchedTokens: number;
  chunkedPrefill: boolean;
  priority: 'prefill-first' | 'decode-first';
  blockTokens: number;
  preemption: 'recompute' | 'swap';
  prefixCaching: boolean;
  /** Host swap space, in blocks. */
  swapBlocks: number;
  /** Fraction of the pool kept free when admitting a prompt (vLLM: 0.01). */
  watermark: number;
}

export type Role = 'both' | 'prefill' | 'decode';

export interface PlannedStep {
  shape: StepShape;
  items: StepItem[];
  /** KV blocks copied device → host (swap-out) and host → device (swap-in) in this step. */
  swapOutBlocks: number;
  swapInBlocks: number;
}

export interface StepOutcome {
  finished: Sequence[];
  /** Prefill role: sequences whose prompt is done, to move to a decode instance (blocks still held). */
  handoff: Sequence[];
  /** Sequences that produced their first token in this step. */
  firstTokens: Sequence[];
}

export interface Scheduler {
  readonly pool: BlockPool;
  preemptions: number;
  enqueue(seq: Sequence): void;
  next(now: number): PlannedStep | undefined;
  complete(step: PlannedStep, end: number): StepOutcome;
  /** Frees a handed-off sequence's blocks (its KV cache has left). */
  releaseSeq(seq: Sequence): void;
  waitingCount(): number;
  runningCount(): number;
  /** Outstanding work, for routing (tokens still to prefill + sequences). */
  load(): number;
}

export class ContinuousScheduler implements Scheduler {
  readonly pool: BlockPool;
  preemptions = 0;
  private waiting: Sequence[] = [];
  private head = 0;
  /** Preempted by recompute: served before new requests, in arrival order. */
  private requeued: Sequence[] = [];
  private running: Sequence[] = [];
  private swapped: Sequence[] = [];
  private swapUsed = 0;

  constructor(
    readonly cfg: SchedulerConfig,
    totalBlocks: number,
    readonly role: Role = 'both',
  ) {
    this.pool = new BlockPool(totalBlocks, cfg.blockTokens);
  }

  enqueue(seq: Sequence): void {
    this.waiting.push(seq);
  }

  waitingCount(): number {
    return this.waiting.length - this.head + this.requeued.length + this.swapped.length;
  }

  runningCount(): number {
    return this.running.length;
  }

  load(): number {
    let t = this.running.length;
    for (let i = this.head; i < this.waiting.length; i++) t += this.waiting[i]!.prefill;
    for (const s of this.requeued) t += s.prefill;
    return t;
  }

  private need(tokens: number): number {
    return this.pool.blocksFor(tokens);
  }

  /** Private blocks a sequence needs for `tokens` cached tokens beyond what it holds. */
  private growth(seq: Sequence, tokens: number): number {
    return Math.max(0, this.need(tokens) - seq.prefixBlocks - seq.blocks);
  }

  private freeSeq(seq: Sequence): void {
    this.pool.release(seq.blocks);
    seq.blocks = 0;
    if (seq.prefixBlocks > 0) this.pool.releasePrefix(seq.req.prefixId!, seq.prefixBlocks);
    seq.prefixBlocks = 0;
  }

  releaseSeq(seq: Sequence): void {
    this.freeSeq(seq);
  }

  private preempt(victim: Sequence, plan: PlannedStep): void {
    this.preemptions++;
    victim.preemptions++;
    this.running.splice(this.running.indexOf(victim), 1);
    const all = victim.blocks + victim.prefixBlocks;
    if (this.cfg.preemption === 'swap' && this.swapUsed + all <= this.cfg.swapBlocks) {
      this.freeSeq(victim);
      victim.swappedBlocks = all;
      this.swapUsed += all;
      plan.swapOutBlocks += all;
      this.swapped.push(victim);
      return;
    }
    this.freeSeq(victim);
    victim.prefill = victim.req.promptTokens + victim.generated;
    victim.computed = 0;
    let i = this.requeued.length;
    while (i > 0 && this.requeued[i - 1]!.req.id > victim.req.id) i--;
    this.requeued.splice(i, 0, victim);
  }

  next(_now: number): PlannedStep | undefined {
    const plan: PlannedStep = { shape: { decode: 0, decodeContextSum: 0, chunks: [] }, items: [], swapOutBlocks: 0, swapInBlocks: 0 };
    const budget = { tokens: this.cfg.maxBatchedTokens };
    // Swapped sequences come back first, while they fit.
    while (this.swapped.length && this.running.length < this.cfg.maxRunning) {
      const s = this.swapped[0]!;
      const n = this.need(s.computed);
      if (!this.pool.alloc(n)) break;
      s.blocks = n;
      this.swapUsed -= s.swappedBlocks;
      plan.swapInBlocks += s.swappedBlocks;
      s.swappedBlocks = 0;
      this.swapped.shift();
      this.running.push(s);
    }
    if (this.role === 'decode') {
      this.admitDecoded();
      this.decodes(plan, budget);
    } else if (this.role === 'prefill') {
      this.prefills(plan, budget);
    } else if (this.cfg.priority === 'prefill-first') {
      this.prefills(plan, budget);
      if (this.cfg.chunkedPrefill || plan.items.length === 0) this.decodes(plan, budget);
    } else {
      this.decodes(plan, budget);
      this.prefills(plan, budget);
    }
    return plan.items.length ? plan : undefined;
  }

  /** Decode instances: sequences whose KV cache arrived join when their blocks fit. */
  private admitDecoded(): void {
    while (this.head < this.waiting.length && this.running.length < this.cfg.maxRunning) {
      const s = this.waiting[this.head]!;
      const n = this.need(s.computed + 1);
      if (!this.pool.alloc(n)) break;
      s.blocks = n;
      this.head++;
      this.running.push(s);
    }
    this.compact();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }

  private decodes(plan: PlannedStep, budget: { tokens: number }): void {
    const scheduled = new Set<Sequence>();
    for (const it of plan.items) scheduled.add(it.seq);
    for (let i = 0; i < this.running.length && budget.tokens > 0; i++) {
      const s = this.running[i]!;
      if (scheduled.has(s) || s.computed < s.prefill) continue;
      let extra = this.growth(s, s.computed + 1);
      let selfPreempted = false;
      while (extra > 0 && !this.pool.alloc(extra)) {
        // Preempt the most recently admitted sequence not yet in this step; itself if none is left.
        let v = this.running.length - 1;
        while (v > i && scheduled.has(this.running[v]!)) v--;
        const victim = this.running[v]!;
        this.preempt(victim, plan);
        if (victim === s) {
          selfPreempted = true;
          break;
        }
        extra = this.growth(s, s.computed + 1);
      }
      if (selfPreempted) break;
      if (extra > 0) s.blocks += extra;
      plan.items.push({ seq: s, kind: 'decode', tokens: 1 });
      plan.shape.decode++;
      plan.shape.decodeContextSum += s.computed;
      budget.tokens -= 1;
      scheduled.add(s);
    }
  }

  private addChunk(plan: PlannedStep, s: Sequence, q: number): void {
    plan.items.push({ seq: s, kind: 'chunk', tokens: q });
    plan.shape.chunks.push({ q, past: s.computed, last: s.computed + q >= s.prefill });
  }

  private prefills(plan: PlannedStep, budget: { tokens: number }): void {
    // Prompts already in progress (chunked prefill) continue first.
    for (const s of this.running) {
      if (budget.tokens <= 0) return;
      if (s.computed >= s.prefill) continue;
      const q = Math.min(s.prefill - s.computed, budget.tokens);
      const extra = this.growth(s, s.computed + q);
      if (!this.pool.alloc(extra)) return;
      s.blocks += extra;
      this.addChunk(plan, s, q);
      budget.tokens -= q;
    }
    const watermarkBlocks = this.running.length ? Math.floor(this.cfg.watermark * this.pool.totalBlocks) : 0;
    for (;;) {
      if (budget.tokens <= 0 || this.running.length >= this.cfg.maxRunning) return;
      const fromRequeue = this.requeued.length > 0;
      if (this.swapped.length) return; // swapped sequences go first
      const s = fromRequeue ? this.requeued[0]! : this.waiting[this.head];
      if (!s) return;
      let sharedBlocks = 0;
      let hits = 0;
      let prefixNew = 0;
      if (this.cfg.prefixCaching && s.req.prefixId !== undefined && s.req.prefixTokens) {
        sharedBlocks = Math.floor(s.req.prefixTokens / this.cfg.blockTokens);
        hits = this.pool.hits(s.req.prefixId, sharedBlocks);
        prefixNew = this.pool.prefixCost(s.req.prefixId, sharedBlocks);
      }
      const cached = Math.min(hits * this.cfg.blockTokens, s.prefill - 1);
      const remaining = s.prefill - cached;
      if (!this.cfg.chunkedPrefill && remaining > budget.tokens) return;
      const q = Math.min(remaining, budget.tokens);
      const privateNew = Math.max(0, this.need(cached + q) - sharedBlocks);
      if (this.pool.available - (prefixNew + privateNew) < watermarkBlocks || prefixNew + privateNew > this.pool.available) return;
      if (sharedBlocks > 0 && !this.pool.acquirePrefix(s.req.prefixId!, sharedBlocks)) return;
      if (!this.pool.alloc(privateNew)) {
        if (sharedBlocks > 0) this.pool.releasePrefix(s.req.prefixId!, sharedBlocks);
        return;
      }
      if (fromRequeue) this.requeued.shift();
      else this.head++;
      s.prefixBlocks = sharedBlocks;
      s.blocks = privateNew;
      s.computed = cached;
      s.cachedTokens += cached;
      this.running.push(s);
      this.addChunk(plan, s, q);
      budget.tokens -= q;
      this.compact();
    }
  }

  complete(step: PlannedStep, end: number): StepOutcome {
    const out: StepOutcome = { finished: [], handoff: [], firstTokens: [] };
    let removed = false;
    for (const it of step.items) {
      const s = it.seq;
      s.computed += it.tokens;
      if (it.kind === 'decode' || s.computed >= s.prefill) {
        s.generated++;
        if (s.firstTokenS === undefined) {
          s.firstTokenS = end;
          out.firstTokens.push(s);
        }
      }
      if (s.generated >= s.req.outputTokens) {
        this.freeSeq(s);
        out.finished.push(s);
        removed = true;
      } else if (this.role === 'prefill' && s.computed >= s.prefill) {
        out.handoff.push(s);
        removed = true;
      }
    }
    if (removed) {
      const gone = new Set([...out.finished, ...out.handoff]);
      this.running = this.running.filter((s) => !gone.has(s));
    }
    return out;
  }
}
