/**
 * Die temperature of a run: a lumped thermal RC network from the junction to the coolant
 * (docs/models/gpu-tensor-core.md § Thermal state). The network is a Foster chain of stages
 * (die + interface, heat sink, …), each a thermal resistance R_i (°C/W) with a time constant τ_i (s):
 *
 *   Z(t)       = Σ R_i · (1 − e^(−t/τ_i))                   thermal impedance after t seconds of a power step
 *   T(P, t)    = idleTempC + Z(t) · (P − idleW)             a board idling at idleTempC, then t s at P W
 *   T(P, ∞)    = idleTempC + ΣR_i · (P − idleW)            steady state
 *
 * A run's die temperature depends on the power and duration of the work before it: a kernel timed
 * alone after a few warm-up calls heats the die for those calls only, a whole step repeated heats it
 * for the repetitions. The leakage at that temperature (power.ts) takes part of the board power,
 * so the power-limited clock follows. `settleDieTemp` closes the loop (temperature → leakage →
 * clock and power → temperature) by fixed-point iteration; it converges because ΣR · dLeakage/dT < 1.
 */
import type { GpuPowerSection } from './schema.ts';

export type GpuThermalSection = NonNullable<GpuPowerSection['thermal']>;

/** Z(t): the temperature rise per watt after `seconds` of constant power from equilibrium, °C/W (t = ∞: the steady-state resistance). */
export function thermalImpedanceCPerW(thermal: GpuThermalSection, seconds: number): number {
  let z = 0;
  for (const s of thermal.stages) z += seconds === Infinity ? s.resistanceCPerW : s.resistanceCPerW * -Math.expm1(-Math.max(0, seconds) / s.timeConstantS);
  return z;
}

/**
 * Die temperature after `heatedSeconds` at `powerW`, starting from the idle board (leakage.idleTempC
 * at power.idleW), °C. Infinity: the steady state.
 */
export function dieTempC(p: GpuPowerSection, idleW: number, powerW: number, heatedSeconds: number): number {
  const thermal = p.thermal;
  if (!thermal) return p.leakage.junctionTempC;
  return p.leakage.idleTempC + thermalImpedanceCPerW(thermal, heatedSeconds) * (powerW - idleW);
}

/** Degrees the fixed point is settled to, and the most iterations it takes. */
const SETTLE_TOLERANCE_C = 0.01;
const SETTLE_STEPS = 20;

/**
 * The die temperature a run settles at: `runAt(T)` simulates the run with the die at T and returns
 * its seconds and average power; `heated(seconds)` is how long the die has been heated when the run
 * is timed (e.g. warm-up + median repetitions × the run's seconds). Starts from the idle board.
 */
export function settleDieTemp(
  p: GpuPowerSection,
  idleW: number,
  runAt: (tempC: number) => { seconds: number; powerW: number },
  heated: (runSeconds: number) => number,
): { tempC: number; iterations: number } {
  let t = p.leakage.idleTempC;
  for (let i = 1; i <= SETTLE_STEPS; i++) {
    const r = runAt(t);
    const next = dieTempC(p, idleW, r.powerW, heated(r.seconds));
    if (Math.abs(next - t) < SETTLE_TOLERANCE_C) return { tempC: next, iterations: i };
    t = next;
  }
  return { tempC: t, iterations: SETTLE_STEPS };
}
