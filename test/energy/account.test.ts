import { describe, expect, it } from 'vitest';
import type { ArchConfig } from '../../src/config/arch.ts';
import {
  computeEnergy,
  energyOf,
  memoryEnergy,
  mergeEnergySources,
  sramPjPerByte,
  staticEnergyPj,
  totalPj,
  traceEnergySources,
  collectEnergySources,
  type EnergySourceUse,
  type EnergyWork,
} from '../../src/energy/account.ts';
import { nodeEnergyScale } from '../../src/energy/scaling.ts';
import { AccelscopeError } from '../../src/util/errors.ts';

/** A minimal arch at the tables' own node (45 nm), so table values apply unscaled. */
function arch(over: Partial<ArchConfig> = {}): ArchConfig {
  return {
    name: 'test',
    kind: 'test',
    memory: { type: 'HBM2', capacityBytes: 2 ** 30, bandwidthBps: 1e12 },
    process: { nodeNm: 45 },
    power: { idleW: 10 },
    ...over,
  };
}

describe('energyOf', () => {
  it('charges compute, on-chip, off-chip and static from the table entries', () => {
    const e = energyOf(
      {
        compute: [{ key: 'mac:int8', count: 1000 }],
        traffic: [
          { level: 'l2', bytes: 100 },
          { level: 'dram', bytes: 10 },
        ],
        seconds: 1e-6,
      },
      arch(),
    );
    expect(e.compute).toBeCloseTo(1000 * 0.3, 9); // int8 mult 0.2 + int32 add 0.1
    expect(e.onChip).toBeCloseTo(100 * 0.3 * 8, 9); // L2 0.3 pJ/bit
    expect(e.offChip).toBeCloseTo(10 * 3.59 * 8, 9); // HBM2 3.59 pJ/bit
    expect(e.static).toBeCloseTo(10 * 1e-6 * 1e12, 3); // 10 W idle × 1 µs
  });

  it('isAdditiveOverWork: energy of A∪B equals energy of A plus energy of B', () => {
    const a: EnergyWork = {
      compute: [
        { key: 'mac:fp16', count: 123 },
        { key: 'vector:fp32', count: 7 },
      ],
      traffic: [
        { level: 'sram', bytes: 64, sramBytes: 65536 },
        { level: 'dram', bytes: 99 },
      ],
      seconds: 2e-6,
    };
    const b: EnergyWork = {
      compute: [
        { key: 'lookup:int8', count: 4096 },
        { key: 'shift_add:int16', count: 31 },
      ],
      traffic: [
        { level: 'noc', bytes: 512, mm: 3 },
        { level: 'pim-bank', bytes: 1024 },
        { level: 'dram-activate', bytes: 2048 },
      ],
      seconds: 5e-7,
    };
    const ab: EnergyWork = { compute: [...a.compute, ...b.compute], traffic: [...a.traffic, ...b.traffic], seconds: a.seconds + b.seconds };
    const x = arch({ process: { nodeNm: 7 } });
    const ea = energyOf(a, x);
    const eb = energyOf(b, x);
    const eab = energyOf(ab, x);
    for (const k of ['compute', 'onChip', 'offChip', 'static'] as const) expect(eab[k]).toBeCloseTo(ea[k] + eb[k], 6);
    expect(totalPj(eab)).toBeCloseTo(totalPj(ea) + totalPj(eb), 6);
  });

  it('classifies DRAM, activations, PIM paths and device links as off-chip, caches and NoC as on-chip', () => {
    for (const level of ['dram', 'dram-activate', 'pim-bank', 'pim-bank-column', 'pim-bankgroup', 'pim-buffer', 'DDR4', 'nvlink']) {
      const e = energyOf({ compute: [], traffic: [{ level, bytes: 1 }], seconds: 0 }, arch());
      expect(e.offChip, level).toBeGreaterThan(0);
      expect(e.onChip, level).toBe(0);
    }
    for (const level of ['register', 'l1', 'smem', 'sram', 'l2', 'bram', 'uram']) {
      const e = energyOf({ compute: [], traffic: [{ level, bytes: 1 }], seconds: 0 }, arch());
      expect(e.onChip, level).toBeGreaterThan(0);
      expect(e.offChip, level).toBe(0);
    }
  });

  it('unknownComputeKeyThrows with the key and the known keys of that op', () => {
    expect(() => energyOf({ compute: [{ key: 'mac:int3', count: 1 }], traffic: [], seconds: 0 }, arch())).toThrow(
      /unknown compute key 'mac:int3' \(known: mac:fp64, .*mac:int8/,
    );
    expect(() => computeEnergy('fma:fp16', arch())).toThrow(/unknown compute key 'fma:fp16'/);
  });

  it('unknownMemoryLevelThrows naming the known levels', () => {
    expect(() => energyOf({ compute: [], traffic: [{ level: 'l3', bytes: 1 }], seconds: 0 }, arch())).toThrow(
      /unknown memory level 'l3' \(known: dram, dram-activate, register/,
    );
    expect(() => memoryEnergy('dram', arch({ memory: { type: 'MRAM', capacityBytes: 1, bandwidthBps: 1 } }))).toThrow(/no DRAM energy for memory type 'MRAM'/);
  });

  it('noc needs a distance and charges bytes × mm; mm elsewhere is a bug', () => {
    expect(() => energyOf({ compute: [], traffic: [{ level: 'noc', bytes: 8 }], seconds: 0 }, arch())).toThrow(/needs its distance in mm/);
    const one = energyOf({ compute: [], traffic: [{ level: 'noc', bytes: 8, mm: 1 }], seconds: 0 }, arch()).onChip;
    const five = energyOf({ compute: [], traffic: [{ level: 'noc', bytes: 8, mm: 5 }], seconds: 0 }, arch()).onChip;
    expect(five).toBeCloseTo(5 * one, 12);
    expect(() => energyOf({ compute: [], traffic: [{ level: 'l2', bytes: 8, mm: 1 }], seconds: 0 }, arch())).toThrow(/mm is only meaningful/);
  });

  it('static energy is idleW × seconds, zero without idleW', () => {
    expect(staticEnergyPj(arch({ power: { idleW: 60 } }), 0.5)).toBeCloseTo(30e12, 0);
    expect(staticEnergyPj(arch({ power: {} }), 0.5)).toBe(0);
  });
});

describe('memory energy', () => {
  it('pimBankLocalCostsLessThanTheExternalBus, and each step out along the HBM path costs more', () => {
    const a = arch();
    const bank = memoryEnergy('pim-bank', a).appliedPj;
    const bg = memoryEnergy('pim-bankgroup', a).appliedPj;
    const buffer = memoryEnergy('pim-buffer', a).appliedPj;
    const bus = memoryEnergy('dram', a).appliedPj;
    expect(bank).toBeLessThan(bg);
    expect(bg).toBeLessThan(buffer);
    expect(buffer).toBeLessThan(bus);
    expect(bank / bus).toBeCloseTo(0.55 / 3.59, 12);
  });

  it("'dram' resolves to the arch's memory technology", () => {
    expect(memoryEnergy('dram', arch({ memory: { type: 'GDDR6', capacityBytes: 1, bandwidthBps: 1 } })).key).toBe('memory:GDDR6');
    expect(memoryEnergy('dram', arch()).key).toBe('memory:HBM2');
    expect(memoryEnergy('dram-activate', arch()).key).toBe('memory:dram-activate:HBM2');
  });

  it('an HBM2 row activation costs the DRAMsim3 IDD figure, 828 pJ per 1 KB page', () => {
    expect(1024 * memoryEnergy('dram-activate', arch()).appliedPj).toBeCloseTo(828, 9);
  });

  it('sramEnergyGrowsWithSize and hits Horowitz points exactly', () => {
    expect(sramPjPerByte(8192)).toBeCloseTo(10 / 8, 12);
    expect(sramPjPerByte(32768)).toBeCloseTo(20 / 8, 12);
    expect(sramPjPerByte(1 << 20)).toBeCloseTo(100 / 8, 12);
    let prev = 0;
    for (let b = 512; b <= 64 << 20; b *= 2) {
      const v = sramPjPerByte(b);
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
    expect(() => sramPjPerByte(0)).toThrow(/positive/);
    expect(memoryEnergy('sram', arch(), { sramBytes: 32768 }).key).toBe('memory:sram@32768B');
    expect(() => memoryEnergy('l2', arch(), { sramBytes: 1024 })).toThrow(/only meaningful for level 'sram'/);
  });
});

describe('node scaling in the account', () => {
  it('logic entries scale with the arch node; DRAM entries do not', () => {
    const at7 = arch({ process: { nodeNm: 7 } });
    const mac45 = computeEnergy('mac:fp16', arch()).appliedPj;
    const mac7 = computeEnergy('mac:fp16', at7).appliedPj;
    expect(mac7 / mac45).toBeCloseTo(nodeEnergyScale(45, 7), 12);
    expect(memoryEnergy('dram', at7).appliedPj).toBe(memoryEnergy('dram', arch()).appliedPj);
  });

  it('an arch without a process node takes table values unscaled', () => {
    const { process: _p, ...noNode } = arch();
    expect(computeEnergy('mac:fp16', noNode as ArchConfig).appliedPj).toBe(2.0);
  });
});

describe('arch overrides', () => {
  it('a measured DRAM pJ/bit replaces the table entry and is marked overridden', () => {
    const a = arch({ energy: { dram: { valuePjPerBit: 4, source: 'measured, test' } } });
    const u = memoryEnergy('dram', a);
    expect(u.appliedPj).toBe(32);
    expect(u.overridden).toBe(true);
    expect(u.source).toBe('arch override: measured, test');
    expect(energyOf({ compute: [], traffic: [{ level: 'dram', bytes: 2 }], seconds: 0 }, a).offChip).toBe(64);
  });

  it('a technology override applies when the level resolves to it', () => {
    const a = arch({ energy: { HBM2: { valuePj: 20, source: 's' } } });
    expect(memoryEnergy('dram', a).appliedPj).toBe(20);
    expect(memoryEnergy('HBM2', a).appliedPj).toBe(20);
  });

  it('a compute override given at a node is scaled to the arch node; without a node it is taken as-is', () => {
    const at7 = arch({ process: { nodeNm: 7 }, energy: { 'mac:int8': { valuePj: 1, source: 's', nodeNm: 45 } } });
    expect(computeEnergy('mac:int8', at7).appliedPj).toBeCloseTo(nodeEnergyScale(45, 7), 12);
    const asIs = arch({ process: { nodeNm: 7 }, energy: { 'mac:int8': { valuePj: 1, source: 's' } } });
    expect(computeEnergy('mac:int8', asIs).appliedPj).toBe(1);
    expect(computeEnergy('mac:int8', asIs).overridden).toBe(true);
    expect(computeEnergy('mac:fp16', asIs).overridden).toBe(false);
  });

  it('a per-bit override of a per-op entry is a user error with its pointer', () => {
    const a = arch({ energy: { 'mac:fp16': { valuePjPerBit: 1, source: 's' } } });
    try {
      computeEnergy('mac:fp16', a);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AccelscopeError);
      expect((e as AccelscopeError).pointer).toBe('/energy/mac:fp16/valuePjPerBit');
    }
  });
});

describe('energy source trace', () => {
  it('records every entry used, once, sorted by key, with its source', () => {
    const { result, sources } = traceEnergySources(() =>
      energyOf(
        {
          compute: [
            { key: 'mac:fp16', count: 1 },
            { key: 'mac:fp16', count: 2 },
          ],
          traffic: [
            { level: 'dram', bytes: 1 },
            { level: 'l2', bytes: 1 },
          ],
          seconds: 0,
        },
        arch(),
      ),
    );
    expect(result.compute).toBeCloseTo(6, 12);
    expect(sources.map((s) => s.key)).toEqual(['mac:fp16', 'memory:HBM2', 'memory:l2']);
    for (const s of sources) expect(s.source.length).toBeGreaterThan(10);
  });

  it('nested collectors both see the entries; nothing is recorded outside a collector', () => {
    const outer = new Map<string, EnergySourceUse>();
    const inner = new Map<string, EnergySourceUse>();
    energyOf({ compute: [{ key: 'add:int8', count: 1 }], traffic: [], seconds: 0 }, arch());
    collectEnergySources(outer, () => {
      collectEnergySources(inner, () => energyOf({ compute: [{ key: 'mac:int4', count: 1 }], traffic: [], seconds: 0 }, arch()));
      energyOf({ compute: [{ key: 'mac:int2', count: 1 }], traffic: [], seconds: 0 }, arch());
    });
    expect([...inner.keys()]).toEqual(['mac:int4']);
    expect([...outer.keys()].sort()).toEqual(['mac:int2', 'mac:int4']);
  });
});

describe('mergeEnergySources', () => {
  it('unions runs by key, first occurrence wins, sorted', () => {
    const a = traceEnergySources(() =>
      energyOf({ compute: [{ key: 'mac:fp16', count: 1 }], traffic: [{ level: 'dram', bytes: 1 }], seconds: 0 }, arch()),
    ).sources;
    const b = traceEnergySources(() =>
      energyOf(
        { compute: [{ key: 'add:int8', count: 1 }], traffic: [{ level: 'dram', bytes: 1 }], seconds: 0 },
        arch({ energy: { dram: { valuePj: 1, source: 's' } } }),
      ),
    ).sources;
    const m = mergeEnergySources(a, b, undefined);
    expect(m.map((s) => s.key)).toEqual(['add:int8', 'mac:fp16', 'memory:HBM2']);
    expect(m.find((s) => s.key === 'memory:HBM2')!.overridden).toBe(false);
  });
});

describe('energy source records', () => {
  it('have the same fields whether taken from the table or overridden', () => {
    const fields = ['appliedPj', 'key', 'nodeNm', 'overridden', 'scale', 'source', 'unit', 'valuePj', 'verified', 'year'];
    expect(Object.keys(computeEnergy('mac:fp16', arch())).sort()).toEqual(fields);
    expect(Object.keys(computeEnergy('mac:fp16', arch({ energy: { 'mac:fp16': { valuePj: 1, source: 's' } } }))).sort()).toEqual(fields);
  });
});

describe('wires', () => {
  it('noc energy per byte per mm does not follow the logic node', () => {
    const at5 = energyOf({ compute: [], traffic: [{ level: 'noc', bytes: 10, mm: 2 }], seconds: 0 }, arch({ process: { nodeNm: 5 } }));
    const at45 = energyOf({ compute: [], traffic: [{ level: 'noc', bytes: 10, mm: 2 }], seconds: 0 }, arch());
    expect(at5.onChip).toBe(at45.onChip);
    expect(at45.onChip).toBeCloseTo(10 * 2 * 0.15 * 8, 12);
  });
});
