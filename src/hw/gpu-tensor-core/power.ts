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
 * with f (t shrinks or stays, V rises), so a bisection finds it. Timing and energy use the same
 * clock and voltage. A kernel over the limit even at fmin runs at fmin and says so.
 */
import type { OpResult } from '../model.ts';
import type { EnergyBreakdownPj } from '../../energy/account.ts';
import { nodeEnergyScale, TABLE_VOLTAGE_V } from '../../energy/scaling.ts';
import type { GpuArchConfig } from './config.ts';
import type { GpuPowerSection } from './schema.ts';

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
}

/** The config with every SM-clocked term at `clockHz`. */
export function withClock(c: GpuArchConfig, clockHz: number): GpuArchConfig {
  return clockHz === c.gpu.clockHz ? c : { ...c, gpu: { ...c.gpu, clockHz } };
}

/** Core voltage at clock f on the config's linear DVFS curve (clamped to the range). */
export function voltageAt(p: GpuPowerSection, clockHz: number): number {
  if (p.maxClockHz <= p.minClockHz) return p.maxVoltageV;
  const t = Math.min(1, Math.max(0, (clockHz - p.minClockHz) / (p.maxClockHz - p.minClockHz)));
  return p.minVoltageV + t * (p.maxVoltageV - p.minVoltageV);
}

/** Leakage added by a die at junctionTempC over the idle die's (already in power.idleW), W. */
export function leakageExtraW(c: GpuArchConfig, p: GpuPowerSection): number {
  const l = p.leakage;
  const at = (tC: number) => 2 ** ((tC - l.referenceTempC) / l.doublingC);
  return c.gpu.sms * l.wattsPerSm * Math.max(0, at(l.junctionTempC) - at(l.idleTempC));
}

/** Energy and average power of a kernel simulated at `clockHz`. */
export function kernelPower(c: GpuArchConfig, p: GpuPowerSection, a: KernelActivity, clockHz: number): { energyPj: EnergyBreakdownPj; power: KernelPower } {
  const v = voltageAt(p, clockHz);
  const s = (v / TABLE_VOLTAGE_V) ** 2;
  const node = c.process?.nodeNm;
  const smScale = node !== undefined ? nodeEnergyScale(p.activeSm.nodeNm, node) : 1;
  const mmaScale = node !== undefined ? nodeEnergyScale(p.mma.nodeNm, node) : 1;
  const t = a.result.seconds;
  const e = a.result.energyPj;
  const mmaPj = a.issuedMacs * p.mma.pjPerMac * (a.operandBytes / 2) * mmaScale * s;
  const smPj = a.activeSms * p.activeSm.pjPerCycle * smScale * s * clockHz * t;
  const leakW = leakageExtraW(c, p);
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
    power: { clockHz, voltageV: v, powerW: watts(total), mmaW: watts(mmaPj), activeSmW: watts(smPj), leakageExtraW: t > 0 ? leakW : 0 },
  };
}

/** Bisection steps: the clock is found to (fmax − fmin)/2^14, well under 1 MHz. */
const STEPS = 14;

/**
 * The kernel at the clock the board power allows: `simulateAt(config at f)` is the model's timing
 * and table energy at f. Without a `gpu.power` section or a `power.tdpW` limit: at clockHz,
 * unchanged. The result carries the clock, voltage and power in its breakdown.
 */
export function powerLimited(c: GpuArchConfig, simulateAt: (cf: GpuArchConfig) => KernelActivity): OpResult {
  const p = c.gpu.power;
  const limitW = c.power?.tdpW;
  if (!p) {
    const r = simulateAt(c).result;
    return { ...r, breakdown: { ...(r.breakdown ?? {}), clockHz: c.gpu.clockHz } };
  }
  const at = (f: number) => {
    const a = simulateAt(withClock(c, f));
    return { a, ...kernelPower(c, p, a, f) };
  };
  const top = at(p.maxClockHz);
  let chosen = top;
  let note: string | undefined;
  if (limitW !== undefined && top.power.powerW > limitW) {
    const bottom = at(p.minClockHz);
    if (bottom.power.powerW > limitW) {
      chosen = bottom;
      note = `over the ${limitW} W board limit even at the lowest clock ${(p.minClockHz / 1e9).toFixed(2)} GHz: ${bottom.power.powerW.toFixed(0)} W`;
    } else {
      let lo = bottom;
      let loHz = p.minClockHz;
      let hiHz = p.maxClockHz;
      for (let i = 0; i < STEPS; i++) {
        const mid = (loHz + hiHz) / 2;
        const m = at(mid);
        if (m.power.powerW <= limitW) {
          lo = m;
          loHz = mid;
        } else hiHz = mid;
      }
      chosen = lo;
      note = `power-limited clock ${(chosen.power.clockHz / 1e9).toFixed(3)} GHz (${chosen.power.voltageV.toFixed(3)} V): ${top.power.powerW.toFixed(0)} W at ${(p.maxClockHz / 1e9).toFixed(2)} GHz exceeds the ${limitW} W board limit`;
    }
  }
  const r = chosen.a.result;
  const pw = chosen.power;
  return {
    ...r,
    cycles: Math.ceil(r.seconds * pw.clockHz),
    energyPj: chosen.energyPj,
    breakdown: {
      ...(r.breakdown ?? {}),
      clockHz: pw.clockHz, voltageV: pw.voltageV, powerW: pw.powerW, powerLimited: note ? 1 : 0,
      mmaDeliveryW: pw.mmaW, activeSmClockW: pw.activeSmW, leakageExtraW: pw.leakageExtraW,
    },
    ...(note ? { notes: [...(r.notes ?? []), note] } : {}),
  };
}
