/**
 * Turns the work and traffic a hardware model counted into joules, from the shared tables only.
 * Models call energyOf(); no model keeps private energy constants.
 */
import type { ArchConfig } from '../config/arch.ts';
import type { EnergyBreakdownPj } from '../hw/model.ts';
import { COMPUTE_PJ, MEMORY_PJ_PER_BYTE, type EnergyEntry } from './tables.ts';
import { nodeEnergyScale } from './scaling.ts';

export interface EnergyWork {
  /** Operations by table key, e.g. {key: 'mac:fp16', count}. */
  compute: { key: string; count: number }[];
  /** Bytes moved per level: on-chip levels ('register','l1','sram','l2'), or 'dram' for main memory. */
  traffic: { level: string; bytes: number }[];
  seconds: number;
}

const OFFCHIP = new Set(['dram']);

export function lookupCompute(key: string): EnergyEntry {
  // Unknown dtypes fall back to the fp16 MAC (documented; issue 9 replaces with a full table).
  return COMPUTE_PJ[key] ?? COMPUTE_PJ['mac:fp16']!;
}

function scaled(e: EnergyEntry, arch: ArchConfig): number {
  if (!e.scales || !arch.process) return e.valuePj;
  return e.valuePj * nodeEnergyScale(e.nodeNm, arch.process.nodeNm);
}

export function memoryEntry(level: string, arch: ArchConfig): EnergyEntry {
  if (level === 'dram') return MEMORY_PJ_PER_BYTE[arch.memory.type] ?? MEMORY_PJ_PER_BYTE['DDR4']!;
  return MEMORY_PJ_PER_BYTE[level] ?? MEMORY_PJ_PER_BYTE['sram']!;
}

export function energyOf(work: EnergyWork, arch: ArchConfig): EnergyBreakdownPj {
  let compute = 0;
  for (const { key, count } of work.compute) compute += count * scaled(lookupCompute(key), arch);
  let onChip = 0;
  let offChip = 0;
  for (const { level, bytes } of work.traffic) {
    const pj = bytes * scaled(memoryEntry(level, arch), arch);
    if (OFFCHIP.has(level)) offChip += pj;
    else onChip += pj;
  }
  const idleW = arch.power?.idleW ?? 0;
  return { compute, onChip, offChip, static: idleW * work.seconds * 1e12 };
}
