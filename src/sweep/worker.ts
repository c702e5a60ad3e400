/**
 * The piscina worker: evaluates a chunk of point indices and returns their JSON lines as one
 * text (one structured-clone string per chunk, not one per point; the main thread appends it as
 * it is) with the count of infeasible points.
 */
import { workerData } from 'node:worker_threads'; // piscina hands its workerData option to the thread
import { SweepContext, evaluatePoint } from './evaluate.ts';
import type { BaseVerdicts } from './point-validator.ts';
import type { ResolvedSpec } from './spec.ts';
import { warmUpIndices } from './warm-up.ts';

export interface ChunkResult {
  /** The chunk's result lines, each ended by '\n', in the order of the indices. */
  text: string;
  lines: number;
  infeasible: number;
}

let ctx: SweepContext | undefined;

export default function evaluateChunk(indices: number[]): ChunkResult {
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
  for (const i of indices) {
    const r = evaluatePoint(ctx, i);
    if (!r.ok) infeasible++;
    text += JSON.stringify(r) + '\n';
  }
  return { text, lines: indices.length, infeasible };
}
