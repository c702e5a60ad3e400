/**
 * Child process for bench/sweep.bench.ts: evaluates sweep points in one thread and prints the
 * points per second — run alone and as two concurrent processes, it measures how much this
 * machine's cores scale for this exact work (the ceiling any worker pool can reach here).
 */
import { loadSweepSpec } from '../src/sweep/spec.ts';
import { SweepContext, evaluatePoint } from '../src/sweep/evaluate.ts';

const [specFile, nText] = process.argv.slice(2);
const ctx = new SweepContext(loadSweepSpec(specFile!));
const n = Number(nText);
for (let i = 0; i < 200; i++) evaluatePoint(ctx, i % ctx.space.size);
const t0 = performance.now();
for (let i = 0; i < n; i++) JSON.stringify(evaluatePoint(ctx, i % ctx.space.size));
console.log(((n * 1000) / (performance.now() - t0)).toFixed(1));
