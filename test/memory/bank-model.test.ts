import { describe, expect, it } from 'vitest';
import { DramChannel, DramTimingViolation, withRefresh, type DramCommand } from '../../src/memory/bank-model.ts';
import { DRAM_PRESETS } from '../../src/memory/presets.ts';

const P = DRAM_PRESETS['HBM2_PIMSIM']!;
const T = P.timing;
const ch = () => new DramChannel(T, P.org);
const act = (bank: number, row = 0): DramCommand => ({ kind: 'ACT', banks: [bank], row });
const rd = (bank: number, row?: number): DramCommand => ({ kind: 'RD', banks: [bank], ...(row !== undefined ? { row } : {}) });
const wr = (bank: number): DramCommand => ({ kind: 'WR', banks: [bank] });
const pre = (bank: number): DramCommand => ({ kind: 'PRE', banks: [bank] });

describe('DramChannel timing rules (HBM2_PIMSIM)', () => {
  it('respectsNRCD: RD at nRCDRD-1 is refused, at nRCDRD accepted', () => {
    const c = ch();
    c.issue(act(0), 0);
    expect(c.check(rd(0), T.nRCDRD - 1)).toMatch(/nRCDRD/);
    expect(c.check(rd(0), T.nRCDRD)).toBeUndefined();
    expect(() => c.issue(rd(0), T.nRCDRD - 1)).toThrow(DramTimingViolation);
    c.issue(rd(0), T.nRCDRD);
  });

  it('respectsNRCDWR: a write waits nRCDWR (10), not nRCDRD (14)', () => {
    const c = ch();
    c.issue(act(0), 0);
    expect(c.check(wr(0), T.nRCDWR - 1)).toMatch(/nRCDWR/);
    expect(c.check(wr(0), T.nRCDWR)).toBeUndefined();
    expect(T.nRCDWR).toBeLessThan(T.nRCDRD);
  });

  it('respectsNRAS and nRP: PRE at nRAS-1 refused; ACT at PRE+nRP-1 refused, at PRE+nRP accepted', () => {
    const c = ch();
    c.issue(act(0), 0);
    expect(c.check(pre(0), T.nRAS - 1)).toMatch(/nRAS/);
    c.issue(pre(0), T.nRAS);
    expect(c.check(act(0, 1), T.nRAS + T.nRP - 1)).toMatch(/nRP/);
    expect(c.check(act(0, 1), T.nRAS + T.nRP)).toBeUndefined();
  });

  it('respectsNRC when nRC > nRAS + nRP', () => {
    const c = new DramChannel({ ...T, nRC: T.nRAS + T.nRP + 5 }, P.org);
    c.issue(act(0), 0);
    c.issue(pre(0), T.nRAS);
    expect(c.check(act(0, 1), T.nRAS + T.nRP)).toMatch(/nRC/);
    expect(c.check(act(0, 1), T.nRAS + T.nRP + 5)).toBeUndefined();
  });

  it('respectsNRRD: same bank group nRRDL (6), other group nRRDS (4)', () => {
    const c = ch();
    c.issue(act(0), 0);
    expect(c.check(act(1), T.nRRDL - 1)).toMatch(/nRRDL/);
    expect(c.check(act(1), T.nRRDL)).toBeUndefined();
    expect(c.check(act(4), T.nRRDS - 1)).toMatch(/nRRDS/);
    expect(c.check(act(4), T.nRRDS)).toBeUndefined();
  });

  it('respectsTFaw: a 5th ACT inside the window is refused, at 1st+nFAW accepted', () => {
    const N = DRAM_PRESETS['HBM2_NEUPIMS']!; // nFAW 30 > 4 × nRRDS 4
    const c = new DramChannel(N.timing, N.org);
    [0, 4, 8, 12].forEach((t, g) => c.issue(act(g * N.org.banksPerGroup), t));
    const fifth = act(1);
    expect(c.check(fifth, N.timing.nFAW - 1)).toMatch(/nFAW/);
    expect(c.check(fifth, N.timing.nFAW)).toBeUndefined();
  });

  it('tFAW caps activations: 16 ACTs as early as legal never put 5 in one window', () => {
    const N = DRAM_PRESETS['HBM2_NEUPIMS']!;
    const c = new DramChannel(N.timing, N.org);
    const times: number[] = [];
    for (let i = 0; i < 16; i++) times.push(c.issueEarliest(act((i % 4) * N.org.banksPerGroup + Math.floor(i / 4))));
    for (let i = 4; i < times.length; i++) expect(times[i]! - times[i - 4]!).toBeGreaterThanOrEqual(N.timing.nFAW);
    // Steady state: 4 ACTs per nFAW, not one per nRRDS.
    expect(times[15]! - times[3]!).toBe(3 * N.timing.nFAW);
  });

  it('respectsNCCD: same bank group nCCDL, other group nCCDS', () => {
    const c = ch();
    c.issue(act(0), 0);
    c.issue(act(1), T.nRRDL);
    c.issue(act(4), T.nRRDL + T.nRRDS);
    const t0 = 40;
    c.issue(rd(0), t0);
    expect(c.check(rd(1), t0 + T.nCCDL - 1)).toMatch(/nCCDL/);
    expect(c.check(rd(1), t0 + T.nCCDL)).toBeUndefined();
    expect(c.check(rd(4), t0 + T.nCCDS - 1)).toMatch(/nCCDS|nBL/);
    expect(c.check(rd(4), t0 + T.nCCDS)).toBeUndefined();
  });

  it('internal (PIM) column commands do not occupy the data bus', () => {
    const c = new DramChannel({ ...T, nCCDS: 1, nBL: 4 }, P.org);
    c.issue(act(0), 0);
    c.issue(act(4), T.nRRDS);
    c.issue({ kind: 'RD', banks: [0], internal: true }, 30);
    expect(c.check(rd(4), 31)).toBeUndefined();
    c.issue(rd(4), 31);
    expect(c.check(rd(0), 34)).toMatch(/nBL/);
  });

  it('respectsNRTP and nWR before PRE; nWTR and the RD→WR turnaround', () => {
    const c = ch();
    c.issue(act(0), 0);
    c.issue(rd(0), 30);
    expect(c.check(pre(0), 30 + T.nRTP - 1)).toMatch(/nRTP/);
    expect(c.check(pre(0), 30 + T.nRTP)).toBeUndefined();
    const rtw = T.nCL + T.nBL + 2 - T.nCWL;
    expect(c.check(wr(0), 30 + rtw - 1)).toMatch(/nRTW/);
    c.issue(wr(0), 30 + rtw);
    const wEnd = 30 + rtw + T.nCWL + T.nBL;
    expect(c.check(pre(0), wEnd + T.nWR - 1)).toMatch(/nWR/);
    expect(c.check(pre(0), wEnd + T.nWR)).toBeUndefined();
    expect(c.check(rd(0), wEnd + T.nWTRL - 1)).toMatch(/nWTRL/);
    expect(c.check(rd(0), wEnd + T.nWTRL)).toBeUndefined();
  });

  it('refuses state errors: RD to a closed bank, RD to another row, ACT to an open bank, REF with a bank open', () => {
    const c = ch();
    expect(c.check(rd(0), 100)).toMatch(/closed bank 0/);
    c.issue(act(0, 7), 0);
    expect(c.check(rd(0, 8), 100)).toMatch(/expects row 8 but row 7 is open/);
    expect(c.check(act(0, 8), 100)).toMatch(/precharge first/);
    expect(c.check({ kind: 'REF', banks: [] }, 100)).toMatch(/REF with bank 0 open/);
    expect(() => c.earliest(rd(1))).toThrow(/closed bank 1/);
  });

  it('respectsNRFC: ACT after REF at nRFC-1 refused, at nRFC accepted', () => {
    const c = ch();
    c.issue({ kind: 'REF', banks: [] }, 10);
    expect(c.check(act(0), 10 + T.nRFC - 1)).toMatch(/nRFC/);
    expect(c.check(act(0), 10 + T.nRFC)).toBeUndefined();
  });

  it('all-bank ACT opens every addressed bank and counts as one ACT for tRRD', () => {
    const c = ch();
    const banks = [0, 2, 4, 6, 8, 10, 12, 14];
    c.issue({ kind: 'ACT', banks, row: 3 }, 0);
    for (const b of banks) expect(c.openRow(b)).toBe(3);
    expect(c.openRow(1)).toBeNull();
    expect(c.stats.actCommands).toBe(1);
    expect(c.stats.bankActivations).toBe(8);
    expect(c.check({ kind: 'ACT', banks: [1], row: 0 }, T.nRRDL - 1)).toMatch(/nRRDL/);
  });

  it('a row-buffer hit vs a miss costs exactly max(nRAS, nRCD+nRTP) + nRP + nRCD − nCCDL more', () => {
    const hit = ch();
    hit.issue(act(0, 0), 0);
    const first = hit.issueEarliest(rd(0, 0));
    const tHit = hit.issueEarliest(rd(0, 0), first);
    const miss = ch();
    miss.issue(act(0, 0), 0);
    miss.issueEarliest(rd(0, 0));
    const p = miss.issueEarliest(pre(0));
    miss.issueEarliest(act(0, 1), p);
    const tMiss = miss.issueEarliest(rd(0, 1));
    expect(first).toBe(T.nRCDRD);
    expect(tHit).toBe(T.nRCDRD + T.nCCDL);
    expect(tMiss - tHit).toBe(Math.max(T.nRAS, T.nRCDRD + T.nRTP) + T.nRP + T.nRCDRD - (T.nRCDRD + T.nCCDL));
    expect(tMiss - tHit).toBe(43);
  });
});

describe('withRefresh', () => {
  it('adds one nRFC exactly when busy reaches nREFI − nRFC', () => {
    expect(withRefresh(T.nREFI - T.nRFC - 1, T)).toBe(T.nREFI - T.nRFC - 1);
    expect(withRefresh(T.nREFI - T.nRFC, T)).toBe(T.nREFI);
    expect(withRefresh(10 * (T.nREFI - T.nRFC), T)).toBe(10 * T.nREFI);
  });
});

describe('every preset obeys the same boundaries', () => {
  for (const p of Object.values(DRAM_PRESETS)) {
    it(`${p.name}: RD at nRCDRD-1 refused / nRCDRD accepted; 5th ACT inside nFAW refused`, () => {
      const c = new DramChannel(p.timing, p.org);
      c.issue({ kind: 'ACT', banks: [0], row: 0 }, 0);
      expect(c.check({ kind: 'RD', banks: [0] }, p.timing.nRCDRD - 1)).toMatch(/nRCDRD/);
      expect(c.check({ kind: 'RD', banks: [0] }, p.timing.nRCDRD)).toBeUndefined();
      const f = new DramChannel(p.timing, p.org);
      const times = [0, 1, 2, 3].map((g) => f.issueEarliest({ kind: 'ACT', banks: [g * p.org.banksPerGroup], row: 0 }));
      const fifth: DramCommand = { kind: 'ACT', banks: [1], row: 0 };
      const at = f.earliest(fifth);
      expect(at).toBeGreaterThanOrEqual(times[0]! + p.timing.nFAW);
      expect(f.check(fifth, at - 1)).toBeDefined();
    });
  }
});
