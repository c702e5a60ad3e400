/**
 * nccl-tests bandwidth definitions (nccl-tests doc/PERFORMANCE.md): algbw = size / time, and
 * busbw = algbw × a factor that makes it comparable to the hardware link rate whatever the rank
 * count: all-reduce 2(n−1)/n; all-gather, reduce-scatter and all-to-all (n−1)/n; send/recv 1.
 */
import type { CollectiveKind } from './types.ts';

export function busFactor(kind: CollectiveKind, ranks: number): number {
  if (ranks <= 1) return 0;
  switch (kind) {
    case 'all-reduce':
      return (2 * (ranks - 1)) / ranks;
    case 'all-gather':
    case 'reduce-scatter':
    case 'all-to-all':
      return (ranks - 1) / ranks;
    case 'send-recv':
      return 1;
  }
}

export function algbw(bytes: number, seconds: number): number {
  return seconds > 0 ? bytes / seconds : 0;
}

export function busbw(kind: CollectiveKind, ranks: number, bytes: number, seconds: number): number {
  return algbw(bytes, seconds) * busFactor(kind, ranks);
}
