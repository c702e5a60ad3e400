/** Plain-JSON types shared by the serving simulation (request sources, schedulers, metrics). */

/** One request of a stream: when it arrives and how many tokens it reads and writes. */
export interface ServeRequest {
  id: number;
  arrivalS: number;
  promptTokens: number;
  /** Output tokens, the first one from the prefill (so ≥ 1). */
  outputTokens: number;
  /** Requests with the same prefix id share their first `prefixTokens` prompt tokens (a system prompt). */
  prefixId?: number;
  prefixTokens?: number;
}

/** What one request saw, in seconds from the start of the stream. */
export interface RequestRecord {
  id: number;
  arrivalS: number;
  promptTokens: number;
  outputTokens: number;
  /** First time any of its tokens was scheduled. */
  startS: number;
  firstTokenS: number;
  finishS: number;
  queueS: number;
  ttftS: number;
  /** (finish − first token) / (output − 1); 0 for a one-token output. */
  tpotS: number;
  e2eS: number;
  energyJ: number;
  preemptions: number;
  /** Prompt tokens served from the prefix cache (not recomputed). */
  cachedTokens: number;
}

/** One sample of the system state, taken at the start of every step (and at arrivals). */
export interface TimelinePoint {
  t: number;
  /** Requests in the system: waiting + running + swapped + in transfer. */
  inSystem: number;
  waiting: number;
  running: number;
  /** Sequences in the step that starts at t (0 when the device is idle). */
  batch: number;
  /** Tokens processed by that step. */
  tokens: number;
  kvBlocksUsed: number;
  kvBlocksTotal: number;
  /** Which pool/device (disaggregated runs); 0 otherwise. */
  device: number;
}
