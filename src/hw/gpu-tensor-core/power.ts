/**
 * Board power of one GPU kernel and the power-limited clock (docs/models/gpu-tensor-core.md § Power).
 *
 * A kernel simulated at clock f (timing from gemm.ts / attention.ts / vector.ts with clockHz = f)
 * draws
 *   V(f)  = Vmin + (Vmax − Vmin)·(f − fmin)/(fmax − fmin)                 linear DVFS curve
 *   s(f)  = (V(f) / V_table)²                                             switched energy ∝ C·V²
 *   E     = (E_compute + E_onChip)·s(f)           table energies (energy/), register file as SRAM
 *         + issued MACs · mma.pjPerMac·(operand bytes / 2)·s(f)       operand delivery inside the MMA unit
 *         + active SMs · pJ/cycle·s(f) · f·t      clock tree and idle dynamic power of busy SMs
 *         + E_offChip                             DRAM (its own supply; not scaled)
 *         + (idleW + leakage(T_j) − leakage(T_idle))·t      static: the idle draw plus the leakage
 *                                                            a hot die adds (×2 per doublingC)
 *   P(f)  = E / t(f)
 * The governor runs the kernel at the highest f in [fmin, fmax] with P(f) ≤ power.tdpW; P grows
 * with f (t shrinks or stays, V rises), so a bracketing search (regula falsi) finds it. Timing and energy use the same
 * clock and voltage. A kernel over the limit even at fmin runs at fmin and says so.
 */
import type { OpResult } from '../model.ts';
import type { EnergyBreakdownPj } from '../../energy/account.ts';
import { nodeEnergyScale, TABLE_VOLTAGE_V } from '../../energy/scaling.ts';
import type { GpuArchConfig } from './config.ts';
import type { GpuPowerSection } from './schema.ts';
import { allowedAveragePowerW } from './limiter.ts';
import { formatSeconds } from '../../util/format.ts';

/** What the power model needs of a kernel simulated at one clock. */
export interface KernelActivity {
  result: OpResult;
  /** SMs with at least one CTA (their clock tree runs). */
  activeSms: number;
  /** Tensor-core MACs issued, edge-tile padding included. */
  issuedMacs: number;
  /** Bytes of one MMA operand element (tf32 4, fp16/bf16 2, fp8/int8 1): operand delivery scales with it. */
  operandBytes: number;
}

export interface KernelPower {
  clockHz: number;
  voltageV: number;
  powerW: number;
  /** Average watts by component over the kernel. */
  mmaW: number;
  activeSmW: number;
  leakageExtraW: number;
  /** Die temperature the leakage was charged at, °C. */
  dieTempC: number;
}

/** The last view withClock made: every op of a design point asks first for the same config at the same top clock. */
let lastClockView: { c: GpuArchConfig; clockHz: number; view: GpuArchConfig } | undefined;

/** The config with every SM-clocked term at `clockHz` (configs are not modified once validated, so a view is reused). */
export function withClock(c: GpuArchConfig, clockHz: number): GpuArchConfig {
  if (clockHz === c.gpu.clockHz) return c;
  if (lastClockView?.c === c && lastClockView.clockHz === clockHz) return lastClockView.view;
  const view = { ...c, gpu: { ...c.gpu, clockHz } };
  lastClockView = { c, clockHz, view };
  return view;
}

/** Core voltage at clock f on the config's linear DVFS curve (clamped to the range). */
export function voltageAt(p: GpuPowerSection, clockHz: number): number {
  if (p.maxClockHz <= p.minClockHz) return p.maxVoltageV;
  const t = Math.min(1, Math.max(0, (clockHz - p.minClockHz) / (p.maxClockHz - p.minClockHz)));
  return p.minVoltageV + t * (p.maxVoltageV - p.minVoltageV);
}

/**
 * Leakage added by a die at `dieTempC` (default: the sustained junctionTempC) over the idle die's
 * (already in power.idleW), W; a die cooler than idle adds none.
 */
export function leakageExtraW(c: GpuArchConfig, p: GpuPowerSection, dieTempC: number = p.leakage.junctionTempC): number {
  const l = p.leakage;
  const at = (tC: number) => 2 ** ((tC - l.referenceTempC) / l.doublingC);
  return c.gpu.sms * l.wattsPerSm * Math.max(0, at(dieTempC) - at(l.idleTempC));
}

/** Energy and average power of a kernel simulated at `clockHz`. */
export function kernelPower(
  c: GpuArchConfig,
  p: GpuPowerSection,
  a: KernelActivity,
  clockHz: number,
  dieTempC?: number,
): { energyPj: EnergyBreakdownPj; power: KernelPower } {
  const v = voltageAt(p, clockHz);
  const s = (v / TABLE_VOLTAGE_V) ** 2;
  const node = c.process?.nodeNm;
  const smScale = node !== undefined ? nodeEnergyScale(p.activeSm.nodeNm, node) : 1;
  const mmaScale = node !== undefined ? nodeEnergyScale(p.mma.nodeNm, node) : 1;
  const t = a.result.seconds;
  const e = a.result.energyPj;
  const mmaPj = a.issuedMacs * p.mma.pjPerMac * (a.operandBytes / 2) * mmaScale * s;
  const smPj = a.activeSms * p.activeSm.pjPerCycle * smScale * s * clockHz * t;
  const leakW = leakageExtraW(c, p, dieTempC);
  const energyPj: EnergyBreakdownPj = {
    compute: e.compute * s + mmaPj,
    onChip: e.onChip * s + smPj,
    offChip: e.offChip,
    static: e.static + leakW * t * 1e12,
  };
  const total = energyPj.compute + energyPj.onChip + energyPj.offChip + energyPj.static;
  const watts = (pj: number) => (t > 0 ? (pj * 1e-12) / t : 0);
  return {
    energyPj,
    power: {
      clockHz,
      voltageV: v,
      powerW: watts(total),
      mmaW: watts(mmaPj),
      activeSmW: watts(smPj),
      leakageExtraW: t > 0 ? leakW : 0,
      dieTempC: dieTempC ?? p.leakage.junctionTempC,
    },
  };
}

/** The clock is settled when the feasible and infeasible clocks are this close, Hz, or the power is this close under the limit, W. */
const CLOCK_TOLERANCE_HZ = 1e5;
const POWER_TOLERANCE_W = 0.05;
const MAX_STEPS = 12;

/**
 * First guess of the limited clock without simulating: the kernel's power at the top clock split
 * into a part that does not move with the clock (DRAM, static) and one that scales as f·V(f)²
 * (a compute-bound kernel's dynamic power), solved for the limit.
 */
function firstGuessHz(p: GpuPowerSection, topW: number, fixedW: number, limitW: number): number {
  const g = (f: number) => (f / p.maxClockHz) * (voltageAt(p, f) / p.maxVoltageV) ** 2;
  const want = (limitW - fixedW) / Math.max(topW - fixedW, 1e-9);
  let lo = p.minClockHz;
  let hi = p.maxClockHz;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (g(mid) <= want) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The power limit a kernel runs under: power.tdpW, or after a history of `loadedSeconds` the average
 * that history allows (limiter.ts; ≤ tdpW, → sustainedPowerFraction · tdpW when sustained).
 */
export function runLimitW(c: GpuArchConfig, loadedSeconds?: number): number | undefined {
  return loadedSeconds === undefined ? c.power?.tdpW : allowedAveragePowerW(c, loadedSeconds);
}

/**
 * The kernel at the clock the board power allows: `simulateAt(config at f)` is the model's timing
 * and table energy at f. Without a `gpu.power` section or a `power.tdpW` limit: at clockHz,
 * unchanged. The result carries the clock, voltage and power in its breakdown. `dieTempC`: the run's
 * die temperature (thermal.ts); absent: leakage.junctionTempC. `loadedSeconds`: the run's history for
 * the limiter (limiter.ts); absent: the limit is tdpW.
 */
export function powerLimited(c: GpuArchConfig, simulateAt: (cf: GpuArchConfig) => KernelActivity, dieTempC?: number, loadedSeconds?: number): OpResult {
  const p = c.gpu.power;
  const limitW = runLimitW(c, loadedSeconds);
  // `simulateAt` returns a fresh result each call: the chosen one is completed in place (same keys
  // in the same order as a copy would have; no second object of ~30 keys per op and point).
  if (!p) {
    const r = simulateAt(c).result;
    (r.breakdown ??= {})['clockHz'] = c.gpu.clockHz;
    return r;
  }
  const at = (f: number) => {
    const a = simulateAt(withClock(c, f));
    return { a, ...kernelPower(c, p, a, f, dieTempC) };
  };
  const top = at(p.maxClockHz);
  let chosen = top;
  let note: string | undefined;
  if (limitW !== undefined && top.power.powerW > limitW) {
    // Bracket the clock: `lo` meets the limit, `hi` does not; then regula falsi (Illinois) on P(f) − limit.
    const e = top.energyPj;
    const fixedW = top.a.result.seconds > 0 ? ((e.offChip + e.static) * 1e-12) / top.a.result.seconds : 0;
    let hi = top;
    let lo: typeof top | undefined;
    const guess = at(firstGuessHz(p, top.power.powerW, fixedW, limitW));
    if (guess.power.powerW <= limitW) lo = guess;
    else {
      hi = guess;
      const bottom = at(p.minClockHz);
      if (bottom.power.powerW <= limitW) lo = bottom;
      else {
        chosen = bottom;
        note = `over the ${Number(limitW.toFixed(1))} W board limit even at the lowest clock ${(p.minClockHz / 1e9).toFixed(2)} GHz: ${bottom.power.powerW.toFixed(0)} W`;
      }
    }
    if (lo) {
      let side = 0;
      for (let i = 0; i < MAX_STEPS && hi.power.clockHz - lo.power.clockHz > CLOCK_TOLERANCE_HZ && limitW - lo.power.powerW > POWER_TOLERANCE_W; i++) {
        const wLo = (limitW - lo.power.powerW) * (side === 1 ? 0.5 : 1);
        const wHi = (hi.power.powerW - limitW) * (side === -1 ? 0.5 : 1);
        let f = lo.power.clockHz + ((hi.power.clockHz - lo.power.clockHz) * wLo) / (wLo + wHi);
        if (!(f > lo.power.clockHz && f < hi.power.clockHz)) f = (lo.power.clockHz + hi.power.clockHz) / 2;
        const m = at(f);
        if (m.power.powerW <= limitW) {
          lo = m;
          side = side === -1 ? 0 : -1;
        } else {
          hi = m;
          side = side === 1 ? 0 : 1;
        }
      }
      chosen = lo;
      note = `power-limited clock ${(chosen.power.clockHz / 1e9).toFixed(3)} GHz (${chosen.power.voltageV.toFixed(3)} V): ${top.power.powerW.toFixed(0)} W at ${(p.maxClockHz / 1e9).toFixed(2)} GHz exceeds the ${Number(limitW.toFixed(1))} W ${limitW === c.power?.tdpW ? 'board limit' : loadedSeconds === Infinity ? 'sustained limit' : `limit after ${formatSeconds(loadedSeconds ?? 0)} of load`}`;
    }
  }
  const r = chosen.a.result;
  const pw = chosen.power;
  r.cycles = Math.ceil(r.seconds * pw.clockHz);
  r.energyPj = chosen.energyPj;
  const b = (r.breakdown ??= {});
  b['clockHz'] = pw.clockHz;
  b['voltageV'] = pw.voltageV;
  b['powerW'] = pw.powerW;
  b['powerLimited'] = note ? 1 : 0;
  b['mmaDeliveryW'] = pw.mmaW;
  b['activeSmClockW'] = pw.activeSmW;
  b['leakageExtraW'] = pw.leakageExtraW;
  b['dieTempC'] = pw.dieTempC;
  // the limit a history set, where it lowered this kernel's clock (an op under it is the same at any history)
  if (note && limitW !== undefined && limitW !== c.power?.tdpW) b['powerLimitW'] = limitW;
  if (note) r.notes = [...(r.notes ?? []), note];
  return r;
}
