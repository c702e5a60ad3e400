import { describe, expect, it } from 'vitest';
import {
  COMPUTE_PJ,
  DRAM_ACTIVATE_PJ_PER_ROW_BYTE,
  DRAM_PJ_PER_BYTE,
  MEMORY_PJ_PER_BYTE,
  activateEnergyPj,
  type EnergyEntry,
} from '../../src/energy/tables.ts';

const ALL: [string, EnergyEntry][] = [
  ...Object.entries(COMPUTE_PJ),
  ...Object.entries(MEMORY_PJ_PER_BYTE),
  ...Object.entries(DRAM_PJ_PER_BYTE),
  ...Object.entries(DRAM_ACTIVATE_PJ_PER_ROW_BYTE).map(([k, v]) => [`act:${k}`, v] as [string, EnergyEntry]),
];

describe('energy tables', () => {
  it('everyEntryIsSourced: value, unit, node, year, source and verified flag', () => {
    for (const [k, e] of ALL) {
      expect(Number.isFinite(e.valuePj) && e.valuePj > 0, k).toBe(true);
      expect(e.source.length, k).toBeGreaterThan(15);
      expect(e.year, k).toBeGreaterThanOrEqual(2010);
      expect(typeof e.verified, k).toBe('boolean');
      // logic/SRAM values carry the node they scale from; DRAM/IO energies carry none
      expect(e.scales ? e.nodeNm > 0 : e.nodeNm === 0, k).toBe(true);
      // a placeholder says so in its source, or names how it was derived
      if (!e.verified) expect(e.source, k).toMatch(/placeholder|derived|taken|not verified|not in the table|no .* row|×|from/);
    }
  });

  it('has every key the hardware models name', () => {
    const compute = [
      'mac:fp16',
      'mac:bf16',
      'mac:fp8',
      'mac:fp6',
      'mac:fp4',
      'mac:int8',
      'mac:int4',
      'mac:int2',
      'mac:int1',
      'mac:ternary',
      'add:int32',
      'add:int16',
      'add:fp32',
      'lookup:int8',
      'lookup:fp16',
      'shift_add:int16',
      'shift_add:int32',
      'shift_add:fp16',
      'compare:fp16',
      'vector:fp32',
      'instruction:cpu',
    ];
    for (const k of compute) expect(COMPUTE_PJ[k], k).toBeDefined();
    for (const k of ['register', 'l1', 'sram', 'l2', 'noc', 'pim-bank']) expect(MEMORY_PJ_PER_BYTE[k], k).toBeDefined();
    const techs = ['HBM2', 'HBM2e', 'HBM3', 'HBM3e', 'GDDR6', 'GDDR6X', 'LPDDR4', 'LPDDR5', 'DDR4', 'DDR5'];
    expect(Object.keys(DRAM_PJ_PER_BYTE).sort()).toEqual([...techs].sort());
    expect(Object.keys(DRAM_ACTIVATE_PJ_PER_ROW_BYTE).sort()).toEqual([...techs].sort());
  });

  it('keeps Horowitz 45 nm primitives exact', () => {
    expect(COMPUTE_PJ['mac:int8']!.valuePj).toBeCloseTo(0.3, 12);
    expect(COMPUTE_PJ['mac:fp16']!.valuePj).toBeCloseTo(2.0, 12);
    expect(COMPUTE_PJ['mac:fp32']!.valuePj).toBeCloseTo(4.6, 12);
    expect(COMPUTE_PJ['mult:int32']!.valuePj).toBe(3.1);
    expect(MEMORY_PJ_PER_BYTE['sram']!.valuePj).toBe(1.25);
    expect(DRAM_PJ_PER_BYTE['HBM2']!.valuePj).toBeCloseTo(3.59 * 8, 12);
  });

  it('narrowerMacsCostLess: integer and float MACs get cheaper with fewer bits', () => {
    const order = (keys: string[]) => keys.map((k) => COMPUTE_PJ[k]!.valuePj);
    const ints = order(['mac:int8', 'mac:int4', 'mac:int2', 'mac:int1']);
    const floats = order(['mac:fp32', 'mac:fp16', 'mac:bf16', 'mac:fp8', 'mac:fp6', 'mac:fp4']);
    for (const seq of [ints, floats]) for (let i = 1; i < seq.length; i++) expect(seq[i]!).toBeLessThan(seq[i - 1]!);
    // reading one int8 table entry is cheaper than the int8 MAC it replaces (40 vs 45 nm tables)
    expect(COMPUTE_PJ['lookup:int8']!.valuePj).toBeLessThan(COMPUTE_PJ['mac:int8']!.valuePj);
  });

  it('derives activation energy with the DRAMsim3 IDD formula (HBM2: 828 pJ)', () => {
    expect(activateEnergyPj({ vdd: 1.2, idd0mA: 65, idd3nmA: 55, idd2nmA: 40, tRasNs: 34, tRpNs: 14 })).toBeCloseTo(828, 9);
    // zero extra current during the row cycle → zero activation energy
    expect(activateEnergyPj({ vdd: 1.2, idd0mA: 50, idd3nmA: 50, idd2nmA: 50, tRasNs: 34, tRpNs: 14 })).toBeCloseTo(0, 9);
  });

  it('orders the DRAM technologies by access energy as their sources say: HBM2 < GDDR6X < GDDR6 < DDR4', () => {
    const v = (k: string) => DRAM_PJ_PER_BYTE[k]!.valuePj;
    expect(v('HBM2')).toBeLessThan(v('GDDR6X'));
    expect(v('GDDR6X') / v('GDDR6')).toBeCloseTo(0.85, 12);
    expect(v('GDDR6')).toBeLessThan(v('DDR4'));
    expect(v('HBM2')).toBeLessThan(v('LPDDR4'));
  });
});
