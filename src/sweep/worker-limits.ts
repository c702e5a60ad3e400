/**
 * The heap a sweep worker thread gets (piscina `resourceLimits`), so a sweep's memory stays flat
 * however many points it runs. A point allocates much short-lived garbage and a chunk's lines
 * live until the chunk returns. With V8's defaults for a thread (a young generation of up to
 * 32 MiB of semi-spaces, and an old generation that may grow up to 4× its live data before a
 * full collection, since the limit it is sized against is the machine's) a worker's heap kept
 * growing for the first ~10⁵ points: peak RSS of the bench's sweep (2 workers) was 184 MiB at 10⁴
 * points, 263 MiB at 10⁵ and 273 MiB at 10⁶. A small young generation and an old-generation
 * limit of 256 MiB (V8 grows a heap with a small limit by a small factor over its live data,
 * ~15 MiB here) hold each worker at ~25 MiB of heap from its first chunks. Young generation, with
 * the main thread's chunk buffers of sweep/chunk-buffers.ts (quiet machine, one run each, peak RSS
 * at 10⁴ / 10⁵ points): 8 MiB 117 / 132 MiB, 4 MiB 108 / 121 MiB, 2 MiB 105 / 114 MiB, at the same
 * speed; 4 MiB gives 124 MiB at 10⁶ (docs/sweeps.md, `npm run bench --
 * sweep`). A worker that needs more is stopped by V8 with ERR_WORKER_OUT_OF_MEMORY, which
 * becomes a one-line error naming `--worker-heap`; the partial file stays resumable.
 */
import { AccelscopeError } from '../util/errors.ts';

/** Old-generation limit of a sweep worker thread, MiB (`sweep --worker-heap`). */
export const WORKER_HEAP_MIB = 256;

/** Young-generation size of a sweep worker thread, MiB. */
export const WORKER_YOUNG_MIB = 4;

export function workerResourceLimits(heapMiB = WORKER_HEAP_MIB): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } {
  if (!Number.isInteger(heapMiB) || heapMiB < 16) throw new AccelscopeError('bad-flag', `--worker-heap must be an integer ≥ 16 (MiB), got ${heapMiB}`);
  return { maxOldGenerationSizeMb: heapMiB, maxYoungGenerationSizeMb: WORKER_YOUNG_MIB };
}

/** A worker stopped for lack of heap as a one-line user error; any other error as it is. */
export function workerError(e: unknown, heapMiB = WORKER_HEAP_MIB): unknown {
  if ((e as { code?: unknown } | null)?.code !== 'ERR_WORKER_OUT_OF_MEMORY') return e;
  return new AccelscopeError(
    'does-not-fit',
    `a sweep worker ran out of its ${heapMiB} MiB heap: rerun with a larger --worker-heap (e.g. ${heapMiB * 2}) and --resume`,
  );
}
