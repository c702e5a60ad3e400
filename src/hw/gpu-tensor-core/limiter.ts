/**
 * Power-limiter dynamics (docs/models/gpu-tensor-core.md § Power-limiter dynamics): the limit a
 * kernel runs under depends on how long the board had been loaded when it runs.
 *
 * The controller holds a first-order (exponential) average of the board power under a sustained
 * limit S, and the instantaneous power under the board limit tdpW:
 *
 *   dā/dt = (P(t) − ā) / τ,     ā(0) = idleW       (the idle board before the run)
 *
 * A run that has loaded the board for t seconds at a constant P ends with ā(t) = P + (idleW − P)·e^(−t/τ);
 * keeping ā(t) ≤ S allows
 *
 *   P_allowed(t) = min(tdpW, idleW + (S − idleW) / (1 − e^(−t/τ)))
 *
 * on average over the history: tdpW for a run much shorter than τ, S for one much longer, and
 * non-increasing in t. S = sustainedPowerFraction · tdpW and τ = powerLimitWindowSeconds are the
 * arch's calibration factors (calibration.ts): with the fraction at its default 1 the limit is tdpW
 * whatever the history. S is in the watts the model counts: a fraction under 1 says that a
 * sustained run draws less than tdpW as the model counts it — the model under-counting the power of
 * a loaded board (heating, regulator losses) or the controller holding a margin; the calibration
 * cannot tell them apart, the timing is the same. The run is charged at its constant-power
 * equivalent — a real controller runs at the top clock until ā reaches S, then at S; both end at the
 * same ā(t), the split differs.
 *
 * The history of a run is SimOptions.loadedSeconds: the engine settles it from how the run is timed
 * (src/engine/power-history.ts). Absent: tdpW (a run with no history, as before there was one).
 */
import type { GpuArchConfig } from './config.ts';
import { cal } from './config.ts';
import type { PowerLimitCurve } from '../model.ts';

/**
 * The average power a long history settles at, W: sustainedPowerFraction · tdpW; undefined when the
 * config has no board limit, no power model, or a fraction of 1 (a history changes nothing).
 */
export function sustainedLimitW(c: GpuArchConfig): number | undefined {
  const tdpW = c.power?.tdpW;
  if (tdpW === undefined || !c.gpu.power) return undefined;
  const f = cal(c, 'sustainedPowerFraction');
  return f < 1 ? f * tdpW : undefined;
}

/**
 * The average board power a run may draw after loading the board for `loadedSeconds` from idle, W:
 * min(tdpW, idleW + (S − idleW) / (1 − e^(−t/τ))); tdpW for t ≤ 0 or without a sustained limit, S
 * for t = ∞. undefined without a board limit.
 */
export function allowedAveragePowerW(c: GpuArchConfig, loadedSeconds: number): number | undefined {
  const tdpW = c.power?.tdpW;
  const s = sustainedLimitW(c);
  if (tdpW === undefined || s === undefined || !(loadedSeconds > 0)) return tdpW;
  if (loadedSeconds === Infinity) return s;
  const idleW = c.power?.idleW ?? 0;
  return Math.min(tdpW, idleW + (s - idleW) / -Math.expm1(-loadedSeconds / cal(c, 'powerLimitWindowSeconds')));
}

/** The engine's view (HardwareModel.powerHistory): undefined where a history changes nothing. */
export function powerLimitCurve(c: GpuArchConfig): PowerLimitCurve | undefined {
  const sustainedW = sustainedLimitW(c);
  return sustainedW === undefined ? undefined : { sustainedW, limitW: (t) => allowedAveragePowerW(c, t)! };
}
