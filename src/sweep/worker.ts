/**
 * The piscina worker: evaluates a chunk of point indices and returns their JSON lines, one text
 * per chunk (not one message per point), with the count of infeasible points. The text goes back
 * as UTF-8 in the chunk's shared buffer (sweep/chunk-buffers.ts), so the main thread allocates
 * nothing per chunk: a chunk's text is 50–200 KB, and as a string it arrived in the main heap as
 * a large object that only a full collection frees (over a 10⁵-point sweep the main heap grew
 * from 16 to 64 MiB that way); as a fresh byte array its memory sat outside the heap until a
 * collection found the wrappers (external memory grew by ~40 MiB instead).
 */
import { workerData } from 'node:worker_threads'; // piscina hands its workerData option to the thread
import { SweepContext, evaluatePoint } from './evaluate.ts';
import type { BaseVerdicts } from './point-validator.ts';
import type { ResolvedSpec } from './spec.ts';
import { warmUpIndices } from './warm-up.ts';
import { encodeChunk, type ChunkTask, type ChunkText } from './chunk-buffers.ts';

export interface ChunkResult {
  /** The chunk's result lines as UTF-8, each ended by '\n', in the order of the indices. */
  text: ChunkText;
  lines: number;
  infeasible: number;
}

let ctx: SweepContext | undefined;

export default function evaluateChunk(task: ChunkTask): ChunkResult {
  const data = workerData as { spec: ResolvedSpec; bases?: BaseVerdicts; warmUp?: boolean };
  if (!ctx) {
    ctx = new SweepContext(data.spec, data.bases);
    // Results discarded (sweep/warm-up.ts); a probe that fails fails again when its point's turn comes.
    if (data.warmUp) {
      for (const i of warmUpIndices(ctx.space))
        try {
          evaluatePoint(ctx, i);
        } catch {
          /* its own point reports it */
        }
    }
  }
  let text = '';
  let infeasible = 0;
  for (const i of task.indices) {
    const r = evaluatePoint(ctx, i);
    if (!r.ok) infeasible++;
    text += JSON.stringify(r) + '\n';
  }
  return { text: encodeChunk(text, task.buffer), lines: task.indices.length, infeasible };
}
