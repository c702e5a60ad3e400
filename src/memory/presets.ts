/**
 * DRAM timing presets: reusable data, one entry per standard/speed bin, each with its sources.
 * An arch config names a preset (`pim.dram.timing`) and may override single fields
 * (`pim.dram.timingOverrides`); organisation defaults come with the preset and may be
 * overridden the same way. Fields the cited source does not give are listed in `unverified`
 * with where the placeholder comes from.
 */
import { AccelscopeError } from '../util/errors.ts';
import type { DramOrganization, DramTiming } from './timing.ts';

export interface DramPreset {
  name: string;
  standard: 'HBM2' | 'HBM3' | 'GDDR6' | 'LPDDR5';
  dataRateGbps: number;
  timing: DramTiming;
  org: DramOrganization;
  source: string;
  /** field → where the placeholder value comes from (not in the cited source). */
  unverified: Partial<Record<keyof DramTiming | keyof DramOrganization, string>>;
}

const RAMULATOR = 'CMU-SAFARI/ramulator2 @c5b1c3a';
const DRAMSIM3 = 'umd-memsys/DRAMsim3 @29817593';
const PIMSIM = 'SAITPublic/PIMSimulator @b464dde ini/HBM2_samsung_2M_16B_x64.ini';
const NEWTON = 'casys-kaist/NeuPIMs @f299af3 extern/NewtonSim/configs/HBM2_8Gb_x128_dualpim.ini';

export const DRAM_PRESETS: Record<string, DramPreset> = {
  /** JESD235 HBM2 in pseudo-channel mode, 2.0 Gb/s: one 64-bit pseudo-channel. */
  HBM2_2000: {
    name: 'HBM2_2000',
    standard: 'HBM2',
    dataRateGbps: 2.0,
    timing: {
      tCK_ps: 1000,
      nBL: 2,
      nCL: 14,
      nCWL: 4,
      nRCDRD: 14,
      nRCDWR: 12,
      nRP: 14,
      nRAS: 34,
      nRC: 48,
      nRTP: 4,
      nWR: 16,
      nWTRS: 6,
      nWTRL: 8,
      nCCDS: 2,
      nCCDL: 4,
      nRRDS: 4,
      nRRDL: 4,
      nFAW: 15,
      nREFI: 3900,
      nRFC: 350,
    },
    org: { bankGroups: 4, banksPerGroup: 4, rowBytes: 1024, burstBytes: 32 },
    source: `${RAMULATOR} python/ramulator/dram/hbm2.py HBM2_2000Mbps (nCL…nWTRL, tRRDS/L 4 ns, tFAW 15 ns, tRFC 350 ns at 8 Gb, tREFI 3.9 µs; org 4 BG × 4 banks, 1 KB page, BL4 × 64 bit = 32 B per pseudo-channel); data/reference/pim.json dram_timing`,
    unverified: {
      nCWL: `not in the ramulator2 preset; ${NEWTON} CWL 4`,
      nRTP: `not in the ramulator2 preset; ${PIMSIM} tRTPS 4`,
    },
  },
  /** Samsung's HBM2 as PIMSimulator models it (the HBM-PIM fidelity reference), 2.0 Gb/s. */
  HBM2_PIMSIM: {
    name: 'HBM2_PIMSIM',
    standard: 'HBM2',
    dataRateGbps: 2.0,
    timing: {
      tCK_ps: 1000,
      nBL: 2,
      nCL: 20,
      nCWL: 8,
      nRCDRD: 14,
      nRCDWR: 10,
      nRP: 14,
      nRAS: 33,
      nRC: 47,
      nRTP: 4,
      nWR: 16,
      nWTRS: 4,
      nWTRL: 9,
      nCCDS: 2,
      nCCDL: 4,
      nRRDS: 4,
      nRRDL: 6,
      nFAW: 16,
      nREFI: 3900,
      nRFC: 350,
    },
    org: { bankGroups: 4, banksPerGroup: 4, rowBytes: 1024, burstBytes: 32 },
    source: `${PIMSIM} (RL 20, WL 8, tRCDRD 14, tRCDWR 10, tRAS 33, tRP 14, tRC 47, tCCDS/L 2/4, tRRDS/L 4/6, tXAW 16, tRTPS 4, tWR 16, tWTRS/L 4/9, tREFI 3900, tRFC 350, BL4, 128 cols × 64 bit = 1 KB rows); data/reference/pim.json peer_simulator_pimsimulator`,
    unverified: {},
  },
  /** The HBM2 of NeuPIMs' simulator (DRAMsim3 HBM2_8Gb_x128, 128-bit legacy channel, BL4 = 64 B). */
  HBM2_NEUPIMS: {
    name: 'HBM2_NEUPIMS',
    standard: 'HBM2',
    dataRateGbps: 2.0,
    timing: {
      tCK_ps: 1000,
      nBL: 2,
      nCL: 14,
      nCWL: 4,
      nRCDRD: 14,
      nRCDWR: 14,
      nRP: 14,
      nRAS: 34,
      nRC: 48,
      nRTP: 4,
      nWR: 16,
      nWTRS: 6,
      nWTRL: 8,
      nCCDS: 1,
      nCCDL: 2,
      nRRDS: 4,
      nRRDL: 6,
      nFAW: 30,
      nREFI: 3900,
      nRFC: 260,
    },
    org: { bankGroups: 4, banksPerGroup: 4, rowBytes: 1024, burstBytes: 64 },
    source: `${NEWTON} (identical to ${DRAMSIM3} configs/HBM2_8Gb_x128.ini): CL 14, CWL 4, tRCD 14, tRP 14, tRAS 34, tRRD_S/L 4/6, tFAW 30, tCCD_S/L 1/2, tWR 16, tRFC 260, tREFI 3900, BL4, 128-bit; data/reference/pim.json neupims pim_timing_ini`,
    unverified: {
      nRTP: `not in the ini; ${PIMSIM} tRTPS 4`,
      nWTRS: `not in the ini; ${RAMULATOR} HBM2_2000Mbps nWTRS 6`,
      nWTRL: `not in the ini; ${RAMULATOR} HBM2_2000Mbps nWTRL 8`,
    },
  },
  /** JESD238 HBM3, 6.4 Gb/s, one 32-bit pseudo-channel. */
  HBM3_6400: {
    name: 'HBM3_6400',
    standard: 'HBM3',
    dataRateGbps: 6.4,
    timing: {
      tCK_ps: 625,
      nBL: 2,
      nCL: 20,
      nCWL: 10,
      nRCDRD: 31,
      nRCDWR: 15,
      nRP: 26,
      nRAS: 45,
      nRC: 72,
      nRTP: 9,
      nWR: 33,
      nWTRS: 7,
      nWTRL: 10,
      nCCDS: 2,
      nCCDL: 4,
      nRRDS: 4,
      nRRDL: 5,
      nFAW: 24,
      nREFI: 6240,
      nRFC: 320,
    },
    org: { bankGroups: 4, banksPerGroup: 4, rowBytes: 1024, burstBytes: 32 },
    source: `${RAMULATOR} python/ramulator/dram/hbm3.py HBM3_6400Mbps (org: 2 × 32-bit pseudo-channels per channel, 4 BG × 4 banks, BL8, 1 KB page); data/reference/pim.json dram_timing`,
    unverified: {
      nCWL: 'not in the retrieved preset; placeholder nCL/2',
      nRFC: 'the preset gives nRFCpb 320 only; used for the all-bank refresh as a placeholder',
    },
  },
  /** GDDR6 14 Gb/s 1.35 V, one 16-bit channel of an x16 device. */
  GDDR6_14000: {
    name: 'GDDR6_14000',
    standard: 'GDDR6',
    dataRateGbps: 14,
    timing: {
      tCK_ps: 570,
      nBL: 2,
      nCL: 24,
      nCWL: 12,
      nRCDRD: 27,
      nRCDWR: 16,
      nRP: 27,
      nRAS: 53,
      nRC: 80,
      nRTP: 4,
      nWR: 27,
      nWTRS: 9,
      nWTRL: 11,
      nCCDS: 2,
      nCCDL: 4,
      nRRDS: 8,
      nRRDL: 8,
      nFAW: 29,
      nREFI: 3333,
      nRFC: 211,
    },
    org: { bankGroups: 4, banksPerGroup: 4, rowBytes: 2048, burstBytes: 32 },
    source: `${RAMULATOR} python/ramulator/dram/gddr6.py GDDR6_14000_1350mV_double (nRC 79 there; raised to nRAS + nRP = 80; nRFCab 211, nREFI 3333; org 4 BG × 4 banks, 2 KB page per channel, BL16 × 16 bit = 32 B); data/reference/pim.json dram_timing`,
    unverified: {
      nCWL: 'not in the retrieved preset; placeholder nCL/2',
      nRTP: 'not in the retrieved preset; placeholder 4 (HBM2 tRTPS)',
      nRC: 'preset 79 < nRAS + nRP; set to 80',
    },
  },
  /** LPDDR5-6400 (BG mode), one x16 channel; CK 800 MHz, WCK 3.2 GHz. */
  LPDDR5_6400: {
    name: 'LPDDR5_6400',
    standard: 'LPDDR5',
    dataRateGbps: 6.4,
    timing: {
      tCK_ps: 1250,
      nBL: 2,
      nCL: 17,
      nCWL: 9,
      nRCDRD: 15,
      nRCDWR: 15,
      nRP: 15,
      nRAS: 34,
      nRC: 49,
      nRTP: 8,
      nWR: 28,
      nWTRS: 5,
      nWTRL: 10,
      nCCDS: 2,
      nCCDL: 4,
      nRRDS: 4,
      nRRDL: 4,
      nFAW: 16,
      nREFI: 3120,
      nRFC: 168,
    },
    org: { bankGroups: 4, banksPerGroup: 4, rowBytes: 2048, burstBytes: 32 },
    source: `${RAMULATOR} python/ramulator/dram/lpddr5.py LPDDR5_6400 (nCL…nWTRL; tRRD 5 ns → 4, tFAW 20 ns → 16, tRFCab 210 ns at 8 Gb → 168 cycles of 1.25 ns; org 4 BG × 4 banks, 2 KB page, BL16 × 16 bit = 32 B); data/reference/pim.json dram_timing`,
    unverified: {
      nCWL: 'not in the retrieved preset; placeholder',
      nREFI: 'tREFI 3.9 µs taken from the DDR/HBM standards (LPDDR5 refreshes per bank); placeholder',
    },
  },
};

export function dramPresetNames(): string[] {
  return Object.keys(DRAM_PRESETS);
}

export function getDramPreset(name: string, where: { file?: string; pointer?: string } = {}): DramPreset {
  const p = DRAM_PRESETS[name];
  if (!p) throw new AccelscopeError('schema', `unknown DRAM timing preset '${name}' (known: ${dramPresetNames().join(', ')})`, where);
  return p;
}
