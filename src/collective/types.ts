/** Collective operations, the algorithms that implement them, and what one costs. */
export type CollectiveKind = 'all-reduce' | 'all-gather' | 'reduce-scatter' | 'all-to-all' | 'send-recv';
export const COLLECTIVE_KINDS: readonly CollectiveKind[] = ['all-reduce', 'all-gather', 'reduce-scatter', 'all-to-all', 'send-recv'];

/** ring and tree as in NCCL; nvls: NVLink SHARP, the reduction done in the NVSwitch; direct: all pairs at once; p2p: one send/recv. */
export type Algorithm = 'ring' | 'tree' | 'nvls' | 'direct' | 'p2p';

export interface CollectiveCost {
  kind: CollectiveKind;
  algorithm: Algorithm;
  /** The nccl-tests "size": all-reduce and all-to-all: one rank's buffer; all-gather: the gathered output; reduce-scatter: the input; send-recv: the message. */
  bytes: number;
  ranks: number;
  nodes: number;
  seconds: number;
  /** α part: base latency plus per-step link latencies. */
  latencySeconds: number;
  /** β part: bytes over the bottleneck link. */
  bandwidthSeconds: number;
  /** nccl-tests algbw = bytes / seconds. */
  algbwBps: number;
  /** nccl-tests busbw = algbw × the collective's bus factor. */
  busbwBps: number;
}
