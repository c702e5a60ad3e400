/** Timing helper for benchmarks: median of repeated runs after a warm-up. */
export function timeIt(fn: () => unknown, opts: { warmup?: number; runs?: number } = {}): { medianMs: number; minMs: number } {
  const warmup = opts.warmup ?? 3;
  const runs = opts.runs ?? 15;
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  t.sort((a, b) => a - b);
  return { medianMs: t[Math.floor(t.length / 2)]!, minMs: t[0]! };
}
