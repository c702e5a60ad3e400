/**
 * One command-level model of a DRAM channel (or HBM pseudo-channel): bank state and the timing
 * rules between ACT, PRE, RD, WR and REF, as a DRAM simulator (Ramulator, DRAMsim3) checks them.
 * Time is in command-clock cycles (integers). A command may address several banks at once
 * (all-bank PIM mode: one ACT/PRE/column command broadcast to a set of banks); it is then one
 * command on the bus and for tRRD/tFAW, and each addressed bank's own constraints apply.
 *
 * Rules (every rule names the parameter it guards; see docs/models/pim-dram.md):
 *   ACT  bank closed; ≥ PRE + nRP; ≥ ACT(same bank) + nRC; ≥ ACT(any) + nRRDS, ACT(same BG) + nRRDL;
 *        ≥ the 4th-last ACT + nFAW; ≥ REF + nRFC.
 *   PRE  ≥ ACT + nRAS; ≥ RD + nRTP; ≥ WR + nCWL + nBL + nWR.
 *   RD   bank open (at the named row); ≥ ACT + nRCDRD; ≥ column(same BG) + nCCDL, column(any) + nCCDS;
 *        external (data on the bus): ≥ external column + nBL; ≥ WR end + nWTRL (same BG) / nWTRS.
 *   WR   bank open; ≥ ACT + nRCDWR; column spacing as RD; ≥ RD + nCL + nBL + 2 − nCWL (bus turnaround).
 *   REF  all banks closed and ≥ PRE + nRP; ≥ REF + nRFC.
 * A command to a buffer (the PIM global buffer / register file) is a WR with `buffer: true`: it
 * needs no open row, only column spacing and the bus.
 */
import type { DramOrganization, DramTiming } from './timing.ts';

export type DramCommandKind = 'ACT' | 'PRE' | 'RD' | 'WR' | 'REF';

export interface DramCommand {
  kind: DramCommandKind;
  /** Flat bank indices (bankGroup × banksPerGroup + bank). Unused by REF. */
  banks: number[];
  /** ACT: the row to open. RD/WR: the row it expects open (checked when given). */
  row?: number;
  /** RD/WR whose data stays inside the DRAM (a PIM MAC burst): no data-bus occupancy. */
  internal?: boolean;
  /** WR into a buffer / register file rather than an open row. */
  buffer?: boolean;
}

export interface TimingBound {
  cycle: number;
  rule: string;
}

export class DramTimingViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DramTimingViolation';
  }
}

interface BankState {
  openRow: number | null;
  lastAct: number;
  lastPre: number;
  lastRd: number;
  lastWr: number;
}

export interface ChannelStats {
  /** ACT commands, and banks activated (an all-bank ACT activates many). */
  actCommands: number;
  bankActivations: number;
  preCommands: number;
  rdCommands: number;
  wrCommands: number;
  /** Bursts moved inside banks (each bank addressed by a column command moves one burst). */
  bankBursts: number;
  /** Bursts on the channel's data bus. */
  busBursts: number;
  refCommands: number;
}

const NEVER = -1e15;

export class DramChannel {
  readonly timing: DramTiming;
  readonly org: DramOrganization;
  private readonly banks: BankState[];
  private readonly lastActInGroup: number[];
  private readonly lastColInGroup: number[];
  private readonly lastWrEndInGroup: number[];
  private lastActAny = NEVER;
  private lastColAny = NEVER;
  private lastBusCol = NEVER;
  private lastRdAny = NEVER;
  private lastWrEndAny = NEVER;
  private lastRef = NEVER;
  private readonly actHistory: number[] = [];
  /** The last cycle at which any command was issued, and when the last data left the bus. */
  lastIssue = 0;
  lastDataEnd = 0;
  readonly stats: ChannelStats = {
    actCommands: 0,
    bankActivations: 0,
    preCommands: 0,
    rdCommands: 0,
    wrCommands: 0,
    bankBursts: 0,
    busBursts: 0,
    refCommands: 0,
  };

  constructor(timing: DramTiming, org: DramOrganization) {
    this.timing = timing;
    this.org = org;
    const n = org.bankGroups * org.banksPerGroup;
    this.banks = Array.from({ length: n }, () => ({ openRow: null, lastAct: NEVER, lastPre: NEVER, lastRd: NEVER, lastWr: NEVER }));
    this.lastActInGroup = new Array<number>(org.bankGroups).fill(NEVER);
    this.lastColInGroup = new Array<number>(org.bankGroups).fill(NEVER);
    this.lastWrEndInGroup = new Array<number>(org.bankGroups).fill(NEVER);
  }

  get bankCount(): number {
    return this.banks.length;
  }

  groupOf(bank: number): number {
    return Math.floor(bank / this.org.banksPerGroup);
  }

  openRow(bank: number): number | null {
    return this.banks[bank]!.openRow;
  }

  /** State errors (not timing): a command that is illegal at any time in the current state. */
  stateError(c: DramCommand): string | undefined {
    for (const b of c.banks) if (!Number.isInteger(b) || b < 0 || b >= this.banks.length) return `bank ${b} out of range 0..${this.banks.length - 1}`;
    switch (c.kind) {
      case 'ACT':
        if (c.row === undefined) return 'ACT needs a row';
        for (const b of c.banks) if (this.banks[b]!.openRow !== null) return `ACT to bank ${b} with row ${this.banks[b]!.openRow} open (precharge first)`;
        return undefined;
      case 'RD':
      case 'WR':
        if (c.buffer) return undefined;
        for (const b of c.banks) {
          const open = this.banks[b]!.openRow;
          if (open === null) return `${c.kind} to closed bank ${b}`;
          if (c.row !== undefined && open !== c.row) return `${c.kind} to bank ${b} expects row ${c.row} but row ${open} is open`;
        }
        return undefined;
      case 'PRE':
        return undefined;
      case 'REF':
        for (let b = 0; b < this.banks.length; b++) if (this.banks[b]!.openRow !== null) return `REF with bank ${b} open`;
        return undefined;
    }
  }

  /** Every lower bound on the issue cycle of `c`, each named by its rule. */
  bounds(c: DramCommand): TimingBound[] {
    const t = this.timing;
    const out: TimingBound[] = [];
    const push = (cycle: number, rule: string) => {
      if (cycle > NEVER / 2) out.push({ cycle, rule });
    };
    const groups = new Set(c.banks.map((b) => this.groupOf(b)));
    switch (c.kind) {
      case 'ACT': {
        for (const b of c.banks) {
          const s = this.banks[b]!;
          push(s.lastPre + t.nRP, `nRP: PRE(bank ${b}) → ACT`);
          push(s.lastAct + t.nRC, `nRC: ACT(bank ${b}) → ACT`);
        }
        push(this.lastActAny + t.nRRDS, 'nRRDS: ACT → ACT');
        for (const g of groups) push(this.lastActInGroup[g]! + t.nRRDL, `nRRDL: ACT → ACT (bank group ${g})`);
        if (this.actHistory.length >= 4) push(this.actHistory[this.actHistory.length - 4]! + t.nFAW, 'nFAW: at most 4 ACT per window');
        push(this.lastRef + t.nRFC, 'nRFC: REF → ACT');
        break;
      }
      case 'PRE': {
        for (const b of c.banks) {
          const s = this.banks[b]!;
          if (s.openRow === null) continue;
          push(s.lastAct + t.nRAS, `nRAS: ACT(bank ${b}) → PRE`);
          push(s.lastRd + t.nRTP, `nRTP: RD(bank ${b}) → PRE`);
          push(s.lastWr + t.nCWL + t.nBL + t.nWR, `nWR: WR(bank ${b}) → PRE`);
        }
        break;
      }
      case 'RD':
      case 'WR': {
        const rd = c.kind === 'RD';
        if (!c.buffer) {
          for (const b of c.banks) push(this.banks[b]!.lastAct + (rd ? t.nRCDRD : t.nRCDWR), `${rd ? 'nRCDRD' : 'nRCDWR'}: ACT(bank ${b}) → ${c.kind}`);
        }
        push(this.lastColAny + t.nCCDS, `nCCDS: column → ${c.kind}`);
        for (const g of groups) push(this.lastColInGroup[g]! + t.nCCDL, `nCCDL: column → ${c.kind} (bank group ${g})`);
        if (!c.internal) push(this.lastBusCol + t.nBL, 'nBL: data bus busy');
        if (rd) {
          push(this.lastWrEndAny + t.nWTRS, 'nWTRS: WR → RD');
          for (const g of groups) push(this.lastWrEndInGroup[g]! + t.nWTRL, `nWTRL: WR → RD (bank group ${g})`);
        } else {
          push(this.lastRdAny + t.nCL + t.nBL + 2 - t.nCWL, 'nRTW: RD → WR bus turnaround');
        }
        push(this.lastRef + t.nRFC, `nRFC: REF → ${c.kind}`);
        break;
      }
      case 'REF': {
        for (let b = 0; b < this.banks.length; b++) push(this.banks[b]!.lastPre + t.nRP, `nRP: PRE(bank ${b}) → REF`);
        push(this.lastRef + t.nRFC, 'nRFC: REF → REF');
        break;
      }
    }
    return out;
  }

  /** Why `c` may not issue at `cycle`, or undefined when it may. */
  check(c: DramCommand, cycle: number): string | undefined {
    const s = this.stateError(c);
    if (s) return s;
    for (const b of this.bounds(c)) if (cycle < b.cycle) return `${c.kind} at cycle ${cycle} < ${b.cycle} (${b.rule})`;
    return undefined;
  }

  /** The earliest cycle ≥ notBefore at which `c` may issue. Throws on a state error. */
  earliest(c: DramCommand, notBefore = 0): number {
    const s = this.stateError(c);
    if (s) throw new DramTimingViolation(s);
    let t = notBefore;
    for (const b of this.bounds(c)) if (b.cycle > t) t = b.cycle;
    return t;
  }

  /** Issues `c` at `cycle`; throws DramTimingViolation when that breaks a rule. */
  issue(c: DramCommand, cycle: number): void {
    const why = this.check(c, cycle);
    if (why) throw new DramTimingViolation(why);
    this.apply(c, cycle);
  }

  /** Issues `c` at its earliest legal cycle ≥ notBefore and returns that cycle. */
  issueEarliest(c: DramCommand, notBefore = 0): number {
    const at = this.earliest(c, notBefore);
    this.apply(c, at);
    return at;
  }

  private apply(c: DramCommand, at: number): void {
    const t = this.timing;
    if (at > this.lastIssue) this.lastIssue = at;
    switch (c.kind) {
      case 'ACT':
        for (const b of c.banks) {
          const s = this.banks[b]!;
          s.openRow = c.row!;
          s.lastAct = at;
          this.lastActInGroup[this.groupOf(b)] = Math.max(this.lastActInGroup[this.groupOf(b)]!, at);
        }
        this.lastActAny = Math.max(this.lastActAny, at);
        this.actHistory.push(at);
        this.actHistory.sort((a, b) => a - b);
        if (this.actHistory.length > 4) this.actHistory.shift();
        this.stats.actCommands++;
        this.stats.bankActivations += c.banks.length;
        break;
      case 'PRE': {
        let any = false;
        for (const b of c.banks) {
          const s = this.banks[b]!;
          if (s.openRow === null) continue;
          s.openRow = null;
          s.lastPre = at;
          any = true;
        }
        if (any) this.stats.preCommands++;
        break;
      }
      case 'RD':
      case 'WR': {
        const rd = c.kind === 'RD';
        const groups = new Set(c.banks.map((b) => this.groupOf(b)));
        for (const b of c.banks) {
          if (c.buffer) continue;
          if (rd) this.banks[b]!.lastRd = at;
          else this.banks[b]!.lastWr = at;
        }
        for (const g of groups) this.lastColInGroup[g] = at;
        this.lastColAny = at;
        if (!c.internal) {
          this.lastBusCol = at;
          this.stats.busBursts++;
          this.lastDataEnd = Math.max(this.lastDataEnd, at + (rd ? t.nCL : t.nCWL) + t.nBL);
        }
        if (rd) {
          this.lastRdAny = at;
          this.stats.rdCommands++;
        } else {
          const end = at + t.nCWL + t.nBL;
          this.lastWrEndAny = end;
          for (const g of groups) this.lastWrEndInGroup[g] = end;
          this.stats.wrCommands++;
        }
        if (!c.buffer) this.stats.bankBursts += c.banks.length;
        break;
      }
      case 'REF':
        this.lastRef = at;
        this.stats.refCommands++;
        break;
    }
  }

  /**
   * Literal refresh: when `cursor` has reached the next nREFI boundary, precharges every open bank
   * and issues an all-bank REF. Returns the cycle from which commands may continue (the REF's
   * issue cycle: later ACTs wait nRFC by their own bound). `due` is the next boundary, advanced.
   */
  refreshIfDue(cursor: number, due: { at: number }): number {
    if (cursor < due.at) return cursor;
    const p = this.prechargeAll(cursor);
    const at = this.issueEarliest({ kind: 'REF', banks: [] }, p);
    due.at += this.timing.nREFI;
    return at;
  }

  /** Precharges every open bank at the earliest legal cycle ≥ notBefore; returns the cycle (or notBefore). */
  prechargeAll(notBefore = 0): number {
    const open = this.banks.map((s, i) => (s.openRow !== null ? i : -1)).filter((i) => i >= 0);
    if (open.length === 0) return notBefore;
    return this.issueEarliest({ kind: 'PRE', banks: open }, notBefore);
  }
}

/**
 * Cycles after refresh: an all-bank REF blocks the channel for nRFC once every nREFI, so busy
 * cycles stretch to busy + floor(busy / (nREFI − nRFC)) · nRFC (refresh is deferred to the next
 * tREFI boundary, as in PIMSimulator's controller; the row re-opened after it is not counted).
 */
export function withRefresh(busyCycles: number, t: Pick<DramTiming, 'nREFI' | 'nRFC'>): number {
  if (t.nRFC <= 0) return busyCycles;
  return busyCycles + Math.floor(busyCycles / (t.nREFI - t.nRFC)) * t.nRFC;
}
