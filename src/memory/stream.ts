/**
 * The normal memory path: a host streaming a contiguous region through one channel's controller,
 * timed command by command on the bank model. Address mapping (bursts, lowest bits first):
 * bank group, then column, then bank within the group, then row — consecutive bursts rotate over
 * bank groups (spaced nCCDS, not nCCDL) and each bank's row is read to its end before the next
 * bank of that group opens, so the next ACT hides under the other groups' bursts.
 * Row commands may run ahead of the column stream by at most `lookaheadBursts` requests (the
 * controller's queue depth).
 */
import { DramChannel, withRefresh, type ChannelStats } from './bank-model.ts';
import { cyclesToSeconds, type DramOrganization, type DramTiming } from './timing.ts';

export interface StreamOptions {
  kind?: 'RD' | 'WR';
  /** Requests the controller sees ahead (queue depth). Default 32. */
  lookaheadBursts?: number;
}

export interface StreamResult {
  /** Cycles until the last data left the bus, before refresh. */
  busyCycles: number;
  /** With all-bank refresh (withRefresh). */
  cycles: number;
  seconds: number;
  bursts: number;
  stats: ChannelStats;
}

/**
 * The literal stream. With `literalRefresh`, an all-bank REF is issued at every nREFI boundary
 * (banks precharged first), instead of the closed-form withRefresh() the fast path uses.
 */
export function simulateStream(
  t: DramTiming,
  org: DramOrganization,
  bursts: number,
  kind: 'RD' | 'WR',
  lookahead: number,
  literalRefresh = false,
): { busy: number; stats: ChannelStats } {
  const ch = new DramChannel(t, org);
  const cols = org.rowBytes / org.burstBytes;
  const colTimes: number[] = [];
  let lastCol = 0;
  const due = { at: t.nREFI };
  for (let i = 0; i < bursts; i++) {
    // Commands after a REF wait nRFC through their own bounds (every bank is closed by then).
    if (literalRefresh) ch.refreshIfDue(lastCol, due);
    const g = i % org.bankGroups;
    const j = Math.floor(i / org.bankGroups);
    const bk = Math.floor(j / cols) % org.banksPerGroup;
    const row = Math.floor(j / (cols * org.banksPerGroup));
    const bank = g * org.banksPerGroup + bk;
    const rowFloor = i >= lookahead ? colTimes[i - lookahead]! : 0;
    if (ch.openRow(bank) !== row) {
      if (ch.openRow(bank) !== null) ch.issueEarliest({ kind: 'PRE', banks: [bank] }, rowFloor);
      ch.issueEarliest({ kind: 'ACT', banks: [bank], row }, rowFloor);
    }
    lastCol = ch.issueEarliest({ kind, banks: [bank], row }, lastCol);
    colTimes.push(lastCol);
  }
  return { busy: bursts > 0 ? ch.lastDataEnd : 0, stats: ch.stats };
}

/**
 * Cycles to stream `bursts` bursts through one channel. Long streams are periodic (one row of
 * every bank per period): three periods are simulated and the steady-state period extrapolated,
 * which is exact for the periodic schedule.
 */
export function streamChannel(t: DramTiming, org: DramOrganization, bursts: number, opts: StreamOptions = {}): StreamResult {
  const kind = opts.kind ?? 'RD';
  const lookahead = opts.lookaheadBursts ?? 32;
  const period = org.bankGroups * org.banksPerGroup * (org.rowBytes / org.burstBytes);
  let busy: number;
  let stats: ChannelStats;
  if (bursts <= 4 * period) {
    ({ busy, stats } = simulateStream(t, org, bursts, kind, lookahead));
  } else {
    const full = Math.floor(bursts / period);
    const rem = bursts - full * period;
    const c2 = simulateStream(t, org, 2 * period, kind, lookahead);
    const c3 = simulateStream(t, org, 3 * period, kind, lookahead);
    const tail = simulateStream(t, org, 3 * period + rem, kind, lookahead);
    const per = c3.busy - c2.busy;
    busy = tail.busy + (full - 3) * per;
    const scale = (k: keyof ChannelStats) => tail.stats[k] + (full - 3) * (c3.stats[k] - c2.stats[k]);
    stats = {
      actCommands: scale('actCommands'),
      bankActivations: scale('bankActivations'),
      preCommands: scale('preCommands'),
      rdCommands: scale('rdCommands'),
      wrCommands: scale('wrCommands'),
      bankBursts: scale('bankBursts'),
      busBursts: scale('busBursts'),
      refCommands: 0,
    };
  }
  const cycles = withRefresh(busy, t);
  return { busyCycles: busy, cycles, seconds: cyclesToSeconds(cycles, t), bursts, stats };
}

/** Sustained streaming bandwidth of one channel, bytes/s, refresh included (a long read stream). */
export function sustainedChannelBps(t: DramTiming, org: DramOrganization): number {
  const period = org.bankGroups * org.banksPerGroup * (org.rowBytes / org.burstBytes);
  const r = streamChannel(t, org, 64 * period);
  return (r.bursts * org.burstBytes) / r.seconds;
}
