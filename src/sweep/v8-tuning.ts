/**
 * V8 settings for sweep worker threads, applied before the pool starts (docs/sweeps.md § Performance).
 *
 * A sweep worker is a fresh V8 isolate that evaluates thousands of points with the same few model
 * functions, so each worker pays for optimizing them itself. Profiled on the 10,000-point H100
 * decode sweep of `npm run bench -- sweep` with 2 workers on 2 cores, TurboFan's optimizing
 * compiles took ~40% of all CPU time (more than the points themselves), and escape analysis alone
 * ~7%: the compiles of 2 workers run on the cores the workers need. Compiler settings that lower
 * that cost:
 *   --no-turbo-escape                          no escape analysis (the model's hot loops allocate
 *                                              little since issue 25: it buys little, costs much)
 *   --max-inlined-bytecode-size-cumulative=300 smaller optimized functions (V8's default 920)
 *   --no-lazy-feedback-allocation              type feedback from a function's first call, so the
 *                                              warm-up probes (warm-up.ts) reach functions they call
 *                                              only a few times (session 6, 5 interleaved runs each:
 *                                              CPU 2.61–2.71 → 2.62–2.65 s with 2 workers, 2.04–2.14
 *                                              → 1.94–2.08 s with 1; the same bytes)
 *   --no-concurrent-recompilation              only when the workers occupy every core: each worker
 *                                              compiles on its own thread instead of queueing
 *                                              jobs for background threads that have no core to
 *                                              run on (with a free core, background compiles are
 *                                              free and stay on)
 * Measured (2 cores, quiet): 2 workers 3.2 → 2.2 s, CPU 5.5 → 3.5 s. These change how fast code
 * runs, never what it computes: JavaScript numbers are IEEE doubles in every tier (results stay
 * byte-identical; test/sweep/sweep.test.ts compares 1 and 2 workers). V8 reads these flags when
 * an isolate is created (concurrent recompilation), a function first runs (feedback) or is
 * optimized (the others), so
 * setting them before the workers start is enough. ACCELSCOPE_SWEEP_V8_TUNING=0 turns this off
 * (the sweep bench measures both).
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

export const SWEEP_V8_FLAGS = ['--no-turbo-escape', '--max-inlined-bytecode-size-cumulative=300', '--no-lazy-feedback-allocation'];
export const SATURATED_V8_FLAGS = ['--no-concurrent-recompilation'];

let applied = 0;

/** Sets the flags for `workers` worker threads (once per process; later pools keep them). Returns the flags set. */
export function tuneV8ForSweep(workers: number, cores = availableParallelism()): string[] {
  if (process.env['ACCELSCOPE_SWEEP_V8_TUNING'] === '0') return [];
  const flags = [...SWEEP_V8_FLAGS, ...(workers >= cores ? SATURATED_V8_FLAGS : [])];
  if (applied < flags.length) {
    for (const f of flags) setFlagsFromString(f);
    applied = flags.length;
  }
  return flags;
}
