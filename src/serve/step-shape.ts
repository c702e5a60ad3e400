/**
 * What one iteration of a serving engine runs: some sequences decode one token each, some
 * prompts advance by a chunk (chunked prefill) or whole. The step-cost model turns this into
 * seconds and joules; schedulers only build shapes.
 */
export interface PrefillChunk {
  /** New prompt tokens in this step. */
  q: number;
  /** Tokens of this sequence already in the KV cache (earlier chunks, prefix-cache hits). */
  past: number;
  /** The chunk ends the prompt: its last token's logits give the next output token. */
  last: boolean;
}

export interface StepShape {
  /** Sequences decoding one token each. */
  decode: number;
  /** Σ over those sequences of the tokens already in their KV cache (each attends context + 1). */
  decodeContextSum: number;
  chunks: PrefillChunk[];
}

export interface StepCost {
  seconds: number;
  energyJ: number;
}

/** Tokens the step processes. */
export function stepTokens(s: StepShape): number {
  let t = s.decode;
  for (const c of s.chunks) t += c.q;
  return t;
}

/**
 * The contract between the serving simulation and whatever executes a step: one device (engine
 * step-cost.ts) today, a multi-device system (tensor/pipeline parallel) later. Pure: the same
 * shape always costs the same.
 */
export interface StepCostModel {
  /** Name of the executing hardware, for reports. */
  readonly name: string;
  cost(s: StepShape): StepCost;
  /** KV-cache bytes one token of one sequence holds (all layers, K and V). */
  readonly kvBytesPerToken: number;
  /** Bytes the KV cache may use: usable memory minus weights and peak activations. */
  readonly kvCapacityBytes: number;
  /** Tokens the KV cache holds, when not kvCapacityBytes / kvBytesPerToken (a multi-device replica: its tightest stage). */
  readonly kvTokenCapacity?: number;
  /** What the capacity was computed from (for the report). */
  readonly memory: { capacityBytes: number; usableBytes: number; weightsBytes: number; activationBytes: number };
}
