import { describe, expect, it } from 'vitest';
import { DRAM_PRESETS, getDramPreset } from '../../src/memory/presets.ts';
import { channelPeakBps, checkTiming, cyclesToSeconds, nsToCycles } from '../../src/memory/timing.ts';
import { simulateStream, streamChannel, sustainedChannelBps } from '../../src/memory/stream.ts';

describe('DRAM timing presets', () => {
  it('every preset is consistent and carries a source', () => {
    for (const p of Object.values(DRAM_PRESETS)) {
      expect(() => checkTiming(p.timing)).not.toThrow();
      expect(p.source.length).toBeGreaterThan(20);
      expect(p.org.rowBytes % p.org.burstBytes).toBe(0);
    }
    expect(Object.keys(DRAM_PRESETS)).toEqual(expect.arrayContaining(['HBM2_2000', 'HBM3_6400', 'GDDR6_14000', 'LPDDR5_6400']));
  });

  it('keeps cycles apart from time: HBM3 nRCDRD 31 × 625 ps = 19.375 ns', () => {
    const t = DRAM_PRESETS['HBM3_6400']!.timing;
    expect(cyclesToSeconds(t.nRCDRD, t)).toBeCloseTo(19.375e-9, 15);
    expect(nsToCycles(20, 1250)).toBe(16);
    expect(nsToCycles(20.1, 1250)).toBe(17);
  });

  it('peak channel bandwidth: HBM2 pseudo-channel 32 B per 2 ns = 16 GB/s', () => {
    const p = DRAM_PRESETS['HBM2_PIMSIM']!;
    expect(channelPeakBps(p.timing, p.org)).toBeCloseTo(16e9, 0);
  });

  it('rejects an inconsistent timing set with the field named', () => {
    const t = DRAM_PRESETS['HBM2_2000']!.timing;
    expect(() => checkTiming({ ...t, nRC: t.nRAS + t.nRP - 1 })).toThrow(/nRC \(47\) must be ≥ nRAS \+ nRP \(48\)/);
    expect(() => checkTiming({ ...t, nRCDRD: 1.5 })).toThrow(/nRCDRD must be a non-negative integer/);
    expect(() => getDramPreset('DDR9')).toThrow(/unknown DRAM timing preset 'DDR9'/);
  });
});

describe('host streaming on the bank model', () => {
  const p = DRAM_PRESETS['HBM2_PIMSIM']!;
  const period = p.org.bankGroups * p.org.banksPerGroup * (p.org.rowBytes / p.org.burstBytes);

  it('one burst takes exactly nRCDRD + nCL + nBL', () => {
    const r = streamChannel(p.timing, p.org, 1);
    expect(r.busyCycles).toBe(p.timing.nRCDRD + p.timing.nCL + p.timing.nBL);
  });

  it('extrapolation of a long stream equals the literal simulation', () => {
    const n = 5 * period + 37;
    expect(streamChannel(p.timing, p.org, n).busyCycles).toBe(simulateStream(p.timing, p.org, n, 'RD', 32).busy);
  });

  it('a stream is bus-bound: row switches hide behind other bank groups (busy ≤ bursts·nBL + first-access latency + 1 row switch)', () => {
    const n = 8 * period;
    const r = streamChannel(p.timing, p.org, n);
    expect(r.busyCycles).toBeGreaterThanOrEqual(n * p.timing.nBL);
    expect(r.busyCycles).toBeLessThanOrEqual(n * p.timing.nBL + p.timing.nRCDRD + p.timing.nCL + p.timing.nBL + p.timing.nRC);
  });

  it('sustained bandwidth sits below peak by the refresh share, for every preset', () => {
    for (const q of Object.values(DRAM_PRESETS)) {
      const peak = channelPeakBps(q.timing, q.org);
      const s = sustainedChannelBps(q.timing, q.org);
      expect(s).toBeLessThan(peak * (1 - q.timing.nRFC / q.timing.nREFI) * 1.005); // floor() of whole refreshes
      expect(s).toBeGreaterThan(peak * 0.85);
    }
  });

  it('with no lookahead the row switches are exposed and the stream is slower', () => {
    const n = 2 * period;
    expect(simulateStream(p.timing, p.org, n, 'RD', 1).busy).toBeGreaterThan(simulateStream(p.timing, p.org, n, 'RD', 32).busy);
  });
});

describe('refresh', () => {
  const p = DRAM_PRESETS['HBM2_PIMSIM']!;
  const period = p.org.bankGroups * p.org.banksPerGroup * (p.org.rowBytes / p.org.burstBytes);

  it('literal all-bank REF every nREFI agrees with the closed form within 2%', () => {
    const n = 40 * period; // ~41k cycles: 11 refreshes
    const literal = simulateStream(p.timing, p.org, n, 'RD', 32, true);
    const closed = streamChannel(p.timing, p.org, n);
    expect(literal.stats.refCommands).toBe(Math.floor(literal.busy / p.timing.nREFI));
    expect(Math.abs(literal.busy / closed.cycles - 1)).toBeLessThan(0.02);
    expect(literal.busy).toBeGreaterThan(closed.busyCycles + 10 * p.timing.nRFC);
  });

  it('a bank is never activated within nRFC after a REF (the literal stream obeys nRFC)', () => {
    // The bank model refuses such an ACT; the literal stream completing proves every ACT waited.
    expect(() => simulateStream(p.timing, p.org, 5000, 'RD', 32, true)).not.toThrow();
  });
});
