/**
 * Static batching (request-level, as HF generate or FasterTransformer without in-flight batching):
 * when the device is free it takes up to `maxRunning` waiting requests, prefills them together
 * with prompts padded to the longest, then decodes the whole batch, padded, until its longest
 * output is done; a request finishes at the step that produces its last token but its slot stays
 * in the batch. The KV cache is reserved up front: every member holds blocks for the longest
 * prompt + longest output, and a batch is only as large as that fits in the pool.
 */
import { BlockPool } from './kv-blocks.ts';
import type { Sequence } from './sequence.ts';
import type { PlannedStep, Scheduler, SchedulerConfig, StepOutcome } from './scheduler.ts';

export class StaticScheduler implements Scheduler {
  readonly pool: BlockPool;
  preemptions = 0;
  private waiting: Sequence[] = [];
  private head = 0;
  private batch: Sequence[] = [];
  private reserved = 0;
  private maxPrompt = 0;
  private maxOutput = 0;
  /** Steps done for the current batch: 0 = prefill next; i ≥ 1 = decode step i next. */
  private stepIndex = 0;

  constructor(
    readonly cfg: SchedulerConfig,
    totalBlocks: number,
  ) {
    this.pool = new BlockPool(totalBlocks, cfg.blockTokens);
  }

  enqueue(seq: Sequence): void {
    this.waiting.push(seq);
  }

  waitingCount(): number {
    return this.waiting.length - this.head;
  }

  runningCount(): number {
    return this.batch.length;
  }

  load(): number {
    return this.waitingCount() + this.batch.length;
  }

  releaseSeq(): void {}

  next(): PlannedStep | undefined {
    if (this.batch.length === 0) this.formBatch();
    if (this.batch.length === 0) return undefined;
    const B = this.batch.length;
    const plan: PlannedStep = { shape: { decode: 0, decodeContextSum: 0, chunks: [] }, items: [], swapOutBlocks: 0, swapInBlocks: 0 };
    if (this.stepIndex === 0) {
      for (const s of this.batch) {
        plan.items.push({ seq: s, kind: 'chunk', tokens: this.maxPrompt });
        plan.shape.chunks.push({ q: this.maxPrompt, past: 0, last: true });
      }
    } else {
      const context = this.maxPrompt + this.stepIndex - 1;
      for (const s of this.batch) plan.items.push({ seq: s, kind: 'decode', tokens: 1 });
      plan.shape.decode = B;
      plan.shape.decodeContextSum = B * context;
    }
    return plan;
  }

  private formBatch(): void {
    let maxP = 0;
    let maxO = 0;
    const take: Sequence[] = [];
    while (this.head + take.length < this.waiting.length && take.length < this.cfg.maxRunning) {
      const s = this.waiting[this.head + take.length]!;
      const p = Math.max(maxP, s.req.promptTokens);
      const o = Math.max(maxO, s.req.outputTokens);
      // The cache ends holding prompt + output − 1 tokens (the last token is never fed back).
      const blocks = (take.length + 1) * this.pool.blocksFor(p + o - 1);
      if (blocks > this.pool.totalBlocks) break;
      take.push(s);
      maxP = p;
      maxO = o;
    }
    if (!take.length) return;
    this.head += take.length;
    this.batch = take;
    this.maxPrompt = maxP;
    this.maxOutput = maxO;
    this.stepIndex = 0;
    this.reserved = take.length * this.pool.blocksFor(maxP + maxO - 1);
    this.pool.alloc(this.reserved);
    for (const s of take) s.blocks = this.pool.blocksFor(maxP + maxO - 1);
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }

  complete(step: PlannedStep, end: number): StepOutcome {
    const out: StepOutcome = { finished: [], handoff: [], firstTokens: [] };
    for (const it of step.items) {
      const s = it.seq;
      if (s.generated >= s.req.outputTokens) continue; // a padded slot
      s.computed = it.kind === 'chunk' ? s.req.promptTokens : s.computed + 1;
      s.generated++;
      if (s.firstTokenS === undefined) {
        s.firstTokenS = end;
        out.firstTokens.push(s);
      }
      if (s.generated >= s.req.outputTokens) out.finished.push(s);
    }
    this.stepIndex++;
    if (this.stepIndex >= this.maxOutput) {
      this.pool.release(this.reserved);
      for (const s of this.batch) s.blocks = 0;
      this.batch = [];
      this.reserved = 0;
    }
    return out;
  }
}
