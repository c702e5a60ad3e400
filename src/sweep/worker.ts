/** The piscina worker: evaluates a chunk of point indices and returns their JSON lines. */
import { workerData } from 'node:worker_threads'; // piscina hands its workerData option to the thread
import { SweepContext, evaluatePoint } from './evaluate.ts';
import type { ResolvedSpec } from './spec.ts';

let ctx: SweepContext | undefined;

export default function evaluateChunk(indices: number[]): string[] {
  ctx ??= new SweepContext((workerData as { spec: ResolvedSpec }).spec);
  return indices.map((i) => JSON.stringify(evaluatePoint(ctx!, i)));
}
