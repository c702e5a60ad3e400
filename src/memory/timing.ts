/**
 * DRAM timing parameters and bank organisation. Names keep clock cycles apart from time, as in
 * Ramulator 2: every `n…` field counts cycles of the command clock (tCK), `tCK_ps` is the only
 * time. Values inside the model are integers of cycles; seconds come from cycles × tCK_ps.
 */
import { AccelscopeError } from '../util/errors.ts';

export interface DramTiming {
  /** Command-clock period, picoseconds. */
  tCK_ps: number;
  /** Cycles one burst occupies the data bus (burst length / 2 for DDR signalling). */
  nBL: number;
  /** Read latency (CAS, RL) and write latency (CWL, WL). */
  nCL: number;
  nCWL: number;
  /** ACT → RD, ACT → WR, same bank. */
  nRCDRD: number;
  nRCDWR: number;
  /** PRE → ACT, same bank. */
  nRP: number;
  /** ACT → PRE, same bank. */
  nRAS: number;
  /** ACT → ACT, same bank (≥ nRAS + nRP). */
  nRC: number;
  /** RD → PRE, same bank. */
  nRTP: number;
  /** Write recovery: end of write data → PRE, same bank. */
  nWR: number;
  /** End of write data → RD, different / same bank group. */
  nWTRS: number;
  nWTRL: number;
  /** Column → column, different / same bank group. */
  nCCDS: number;
  nCCDL: number;
  /** ACT → ACT, different banks in different / the same bank group. */
  nRRDS: number;
  nRRDL: number;
  /** Rolling window in which at most four ACTs may issue (per channel). */
  nFAW: number;
  /** Average refresh interval and the all-bank refresh cycle time. */
  nREFI: number;
  nRFC: number;
}

/** The geometry the command model and the mappings read. */
export interface DramOrganization {
  bankGroups: number;
  banksPerGroup: number;
  /** Bytes of one row in one bank (the row-buffer / page size). */
  rowBytes: number;
  /** Bytes one column command moves per bank (channel width × burst length). */
  burstBytes: number;
}

export const TIMING_KEYS: readonly (keyof DramTiming)[] = [
  'tCK_ps',
  'nBL',
  'nCL',
  'nCWL',
  'nRCDRD',
  'nRCDWR',
  'nRP',
  'nRAS',
  'nRC',
  'nRTP',
  'nWR',
  'nWTRS',
  'nWTRL',
  'nCCDS',
  'nCCDL',
  'nRRDS',
  'nRRDL',
  'nFAW',
  'nREFI',
  'nRFC',
];

export function cyclesToSeconds(cycles: number, t: Pick<DramTiming, 'tCK_ps'>): number {
  return cycles * t.tCK_ps * 1e-12;
}

/** Nanoseconds → cycles, rounded up (a constraint is never shortened). */
export function nsToCycles(ns: number, tCK_ps: number): number {
  return Math.ceil((ns * 1000) / tCK_ps - 1e-9);
}

/** Peak data-bus bandwidth of one channel, bytes/s: one burst per nBL cycles. */
export function channelPeakBps(t: DramTiming, org: DramOrganization): number {
  return org.burstBytes / cyclesToSeconds(t.nBL, t);
}

/** Checks the relations a timing set must satisfy; throws a user error naming the field. */
export function checkTiming(t: DramTiming, where: { file?: string; pointer?: string } = {}): void {
  for (const k of TIMING_KEYS) {
    const v = t[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (k !== 'tCK_ps' && !Number.isInteger(v))) {
      throw new AccelscopeError('schema', `DRAM timing ${k} must be a non-negative integer of cycles (got ${String(v)})`, where);
    }
  }
  if (t.tCK_ps <= 0) throw new AccelscopeError('schema', 'DRAM timing tCK_ps must be > 0', where);
  if (t.nRC < t.nRAS + t.nRP) throw new AccelscopeError('schema', `DRAM timing nRC (${t.nRC}) must be ≥ nRAS + nRP (${t.nRAS + t.nRP})`, where);
  if (t.nREFI <= t.nRFC) throw new AccelscopeError('schema', `DRAM timing nREFI (${t.nREFI}) must exceed nRFC (${t.nRFC})`, where);
}
