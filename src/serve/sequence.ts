/** A request as the schedulers track it while it is served. */
import type { ServeRequest } from './types.ts';

export interface Sequence {
  req: ServeRequest;
  /** Tokens to prefill: the prompt, plus the outputs so far after a recompute preemption. */
  prefill: number;
  /** Tokens in the KV cache. */
  computed: number;
  /** Output tokens produced. */
  generated: number;
  /** Private KV blocks held on the current device. */
  blocks: number;
  /** Shared prefix blocks referenced (prefix caching). */
  prefixBlocks: number;
  /** Blocks held in host swap space (swap preemption). */
  swappedBlocks: number;
  startS?: number;
  firstTokenS?: number;
  energyJ: number;
  preemptions: number;
  cachedTokens: number;
}

export function newSequence(req: ServeRequest): Sequence {
  return {
    req,
    prefill: req.promptTokens,
    computed: 0,
    generated: 0,
    blocks: 0,
    prefixBlocks: 0,
    swappedBlocks: 0,
    energyJ: 0,
    preemptions: 0,
    cachedTokens: 0,
  };
}

/** Work a step does for one sequence: a prefill chunk of q tokens or one decode token. */
export interface StepItem {
  seq: Sequence;
  kind: 'chunk' | 'decode';
  tokens: number;
}
