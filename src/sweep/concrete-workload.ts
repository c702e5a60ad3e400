/** One workload of a sweep point: model × phase × batch × (seq | context | prompt × output | serve). */
export interface ConcreteWorkload {
  model: string;
  phase: 'prefill' | 'decode' | 'generate' | 'serve';
  batch: number;
  seq?: number;
  context?: number;
  prompt?: number;
  output?: number;
  /** serve points (sweep/serve-point.ts): batch is --max-running. */
  requests?: string;
  rate?: number;
  scheduler?: 'static' | 'continuous';
  maxBatchedTokens?: number;
  chunkedPrefill?: boolean;
  slo?: string;
}
