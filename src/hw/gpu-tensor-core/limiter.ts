/**
 * Power-limiter dynamics (docs/models/gpu-tensor-core.md § Power-limiter dynamics): the board limit
 * power.tdpW enforced on a running average of the board power instead of on every instant.
 *
 * The controller compares a first-order (exponential) average of the board power with the limit:
 *
 *   dā/dt = (P(t) − ā) / τ,     ā(0) = idleW       (the idle board before the run)
 *
 * and lowers the clock only while ā would exceed tdpW. A run that has loaded the board for t
 * seconds at a constant P ends with ā(t) = P + (idleW − P)·e^(−t/τ); keeping ā(t) ≤ tdpW allows
 *
 *   P_allowed(t) = idleW + (tdpW − idleW) / (1 − e^(−t/τ))
 *
 * on average over the history: unbounded for t → 0 (a burst much shorter than τ runs at the top
 * clock), tdpW for t ≫ τ (a sustained run settles at the limit), and non-increasing in t. With a
 * `burstLimitW` (a short-term limit held at every instant, as the two-level schemes of CPUs hold
 * PL2 over PL1) the allowed power is min(burstLimitW, P_allowed(t)). The run
 * is charged at its constant-power equivalent — a real controller runs at the top clock until ā
 * reaches the limit, then at the limit; both end at the same ā(t), the split differs.
 *
 * Without `gpu.power.limiter` (every shipped preset today: no published window for their GPUs) the
 * limit holds at every instant, as before.
 */
import type { GpuPowerSection } from './schema.ts';
import type { GpuArchConfig } from './config.ts';
import { AccelscopeError } from '../../util/errors.ts';

export type GpuLimiterSection = NonNullable<GpuPowerSection['limiter']>;

/**
 * The average board power a run may draw after loading the board for `loadedSeconds` from idle, W:
 * min(burstLimitW, idleW + (limitW − idleW) / (1 − e^(−t/τ))). burstLimitW (Infinity without one)
 * for t ≤ 0; limitW for t = ∞.
 */
export function allowedAveragePowerW(limiter: GpuLimiterSection, idleW: number, limitW: number, loadedSeconds: number): number {
  const burstW = limiter.burstLimitW ?? Infinity;
  if (!(loadedSeconds > 0)) return burstW;
  if (loadedSeconds === Infinity) return limitW;
  return Math.min(burstW, idleW + (limitW - idleW) / -Math.expm1(-loadedSeconds / limiter.windowSeconds));
}

/** Relative change in seconds the fixed point is settled to, and the most iterations it takes. */
const SETTLE_TOLERANCE = 1e-6;
const SETTLE_STEPS = 30;

/**
 * The loaded time a run settles at when it is timed: `runAt(loadedSeconds)` simulates it with the
 * limit that history allows and returns its seconds; `loaded(seconds)` is the history it implies
 * (e.g. warm-up + median repetitions × the run's seconds). A longer history lowers the limit and
 * lengthens the run, so the iteration starts from the unlimited run and only grows.
 */
export function settleLoadedSeconds(
  runAt: (loadedSeconds: number) => number,
  loaded: (runSeconds: number) => number,
): { loadedSeconds: number; iterations: number } {
  let t = loaded(runAt(0));
  for (let i = 1; i <= SETTLE_STEPS; i++) {
    const next = loaded(runAt(t));
    if (Math.abs(next - t) <= SETTLE_TOLERANCE * t) return { loadedSeconds: next, iterations: i };
    t = next;
  }
  return { loadedSeconds: t, iterations: SETTLE_STEPS };
}

/** A burst limit under the sustained board limit would lower the clock of a short run below a long one's: refused. */
export function validateLimiter(c: GpuArchConfig, file?: string): void {
  const burstW = c.gpu.power?.limiter?.burstLimitW;
  const tdpW = c.power?.tdpW;
  if (burstW !== undefined && tdpW !== undefined && burstW < tdpW)
    throw new AccelscopeError('schema', `must be at least power.tdpW (${tdpW} W), got ${burstW}`, { file, pointer: '/gpu/power/limiter/burstLimitW' });
}
