/**
 * A run's power history: how long the device had been loaded when the run is timed. Where the
 * hardware model has a sustained power limit below its short-term one (HardwareModel.powerHistory:
 * the GPU's limiter, hw/gpu-tensor-core/limiter.ts), the same kernels run at a lower clock after a
 * long history, so a run's time depends on how it is timed:
 *
 *   'bench'      (default) the run repeated back to back from an idle board, as the shipped
 *                measurements were timed (data/measured/*.json `method`), up to the median timed
 *                repetition: BENCH_REPETITIONS; the history is repetitions × the run's own time,
 *                settled as a fixed point (a longer history lowers the limit, lengthens the run);
 *   'sustained'  a board loaded for long (steady serving): the sustained limit;
 *   'idle'       a run from an idle board with no history: the short-term limit;
 *   seconds      a given history.
 *
 * Models without a sustained limit (every other kind, a GPU whose sustainedPowerFraction is 1)
 * ignore it: one pass, no record.
 */
import type { OpResult, PowerLimitCurve } from '../hw/model.ts';

export type PowerHistory = 'bench' | 'sustained' | 'idle' | number;

/**
 * Back-to-back repetitions up to the median timed one, from an idle board, in the protocols of
 * data/measured/*.json `method`: a kernel timed alone after 5 warm-up calls, median of 20 (5 + 10);
 * a decode step replayed as a CUDA graph, warm-up (taken as 1) and median of 20 (1 + 10); an eager
 * prefill, warm-up (taken as 1) and median of 3 (1 + 2). The gaps between calls (an L2 flush, host
 * synchronisation) are left out: the history is an upper bound.
 */
export const BENCH_REPETITIONS = { op: 5 + 10, decodeStep: 1 + 10, prefillStep: 1 + 2 } as const;

/** The history a run was timed with, as results and reports show it. */
export interface PowerHistoryUse {
  mode: 'bench' | 'sustained' | 'idle' | 'seconds';
  /** Seconds of load before the timed run; null: sustained. */
  loadedSeconds: number | null;
  /** 'bench': the repetitions the history counts. */
  repetitions?: number;
  /** The power limit that history allows, W. */
  limitW: number;
  sustainedW: number;
  /** Whether that limit lowered the clock of any kernel of the run (else no kernel reached it). */
  limited: boolean;
  /** Passes the fixed point took. */
  iterations: number;
}

/** Relative change in seconds the bench fixed point is settled to, and the most passes it takes. */
const SETTLE_TOLERANCE = 1e-6;
const SETTLE_PASSES = 30;

/**
 * Runs `runAt(loadedSeconds)` under `history`: a given history once; 'bench' first with no history
 * (the short-term limit) and, when an op drew more than the limit its own repetitions allow, to the
 * fixed point t = repetitions × seconds(runAt(t)) (it only grows: a longer history is a slower run).
 */
export function settlePowerHistory<T>(
  curve: PowerLimitCurve,
  history: PowerHistory,
  repetitions: number,
  runAt: (loadedSeconds: number) => T,
  seconds: (r: T) => number,
  maxPowerW: (r: T) => number,
  limited: (r: T) => boolean,
): { result: T; use: PowerHistoryUse } {
  const use = (mode: PowerHistoryUse['mode'], t: number, r: T, iterations: number): { result: T; use: PowerHistoryUse } => ({
    result: r,
    use: {
      mode,
      loadedSeconds: t === Infinity ? null : t,
      ...(mode === 'bench' ? { repetitions } : {}),
      limitW: curve.limitW(t),
      sustainedW: curve.sustainedW,
      limited: limited(r),
      iterations,
    },
  });
  if (history === 'sustained') return use('sustained', Infinity, runAt(Infinity), 1);
  if (history === 'idle') return use('idle', 0, runAt(0), 1);
  if (typeof history === 'number') return use('seconds', history, runAt(history), 1);
  let r = runAt(0);
  let t = repetitions * seconds(r);
  // No op above the limit the shortest history (the run's own repetitions at the board limit)
  // allows: that history changes nothing, so it is the fixed point (a decode step, a memory-bound kernel).
  if (!(maxPowerW(r) > curve.limitW(t))) return use('bench', t, r, 1);
  let passes = 1;
  for (; passes < SETTLE_PASSES; ) {
    r = runAt(t);
    passes++;
    const next = repetitions * seconds(r);
    const done = Math.abs(next - t) <= SETTLE_TOLERANCE * t;
    t = next;
    if (done) break;
  }
  return use('bench', t, r, passes);
}

/** The history a non-'bench' mode fixes (for evaluators shared across steps, which cannot settle one); undefined for 'bench'. */
export function fixedLoadedSeconds(history: PowerHistory | undefined): number | undefined {
  if (history === undefined || history === 'bench') return undefined;
  return history === 'sustained' ? Infinity : history === 'idle' ? 0 : history;
}

/** An op's drawn power, W, and whether a power limit lowered its clock (the model's breakdown `powerW`, `powerLimited`; 0 / false for models without). */
export function opPower(r: OpResult): { powerW: number; limited: boolean } {
  return { powerW: r.breakdown?.['powerW'] ?? 0, limited: r.breakdown?.['powerLimited'] === 1 };
}

/** The most power any op of a run drew and whether a limit lowered any op's clock: what settlePowerHistory compares. */
export class PowerTally {
  maxPowerW = 0;
  limited = false;
  add(r: OpResult): void {
    const p = opPower(r);
    if (p.powerW > this.maxPowerW) this.maxPowerW = p.powerW;
    if (p.limited) this.limited = true;
  }
}
