/**
 * The all-bank PIM command schedule of one channel, issued command by command on memory/'s bank
 * model. One pass (one vector × one output tile of one matrix) is, per input tile i:
 *   WR ×⌈tile bytes / burst⌉ to the global buffer (broadcast; data over the channel bus)
 *   for each burst of the tile's weights in bank set p = i mod banksPerUnit:
 *     on a new row: PRE_AB(p) then ACT_AB(p, row)            (all units' banks at once)
 *     MAC_AB(p) — an internal column RD in every unit's bank, spaced by nCCD and the unit's rate
 * then the accumulators are read out: RD of the partial sums (over the bus to the host, or
 * inside the stack to the buffer die), as `reduction.location` says.
 * Commands issue in program order (a PIM kernel is a fixed command sequence the controller may
 * not reorder), so row switches are not hidden behind other banks' bursts as on the host path.
 * Passes repeat identically, so two are simulated and the steady-state period extrapolated.
 */
import { DramChannel, withRefresh, type ChannelStats } from '../../memory/bank-model.ts';
import type { DramTiming } from '../../memory/timing.ts';
import type { ResolvedDram } from './dram.ts';
import type { GemvJob, GemvMapping } from './mapping.ts';
import type { PimArchConfig } from './schema.ts';

export interface PimSchedule {
  /** Busy cycles of the busiest channel, before refresh, and after. */
  busyCycles: number;
  cycles: number;
  /** Cycle terms of the schedule (per channel, summed over passes). */
  macCycles: number;
  /** All commands of the busiest channel, extrapolated over its passes. */
  stats: ChannelStats;
  /** Cycles one MAC command takes at the unit's clock (≥ the column spacing shows a unit-bound design). */
  unitCyclesPerMac: number;
}

/** The unit's time per burst, in DRAM command cycles. */
export function unitCyclesPerBurst(c: PimArchConfig, t: DramTiming, elemsPerBurst: number): number {
  const unitClocks = Math.ceil(elemsPerBurst / c.pim.unit.lanes);
  return Math.ceil(unitClocks / c.pim.unit.clockHz / (t.tCK_ps * 1e-12) - 1e-9);
}

/** The timing the PIM channel runs under: all-bank MACs spaced nCCDS when the design says so. */
export function pimTiming(c: PimArchConfig, d: ResolvedDram): DramTiming {
  return c.pim.unit.columnSpacing === 'nCCDS' ? { ...d.timing, nCCDL: d.timing.nCCDS } : d.timing;
}

/** A row no weight or operand occupies: the reserved rows mode-switch accesses address. */
const RESERVED_ROW = 0x3fff_ffff;

/**
 * `n` mode-switch accesses (PIMSimulator: park-in/out reads, SB→HAB→HAB_PIM writes, CRF
 * programming), in program order: each opens its reserved row in every bank (closing the open
 * rows first) and moves one burst over the bus. `distinctRows`: every access addresses another
 * reserved row (the kernel's entry/exit sequence: 1<<12, 0x17ff, 0x3fff, 0x1fff); otherwise they
 * share one (the per-pass HAB_PIM→HAB→HAB_PIM pair, both to the mode row 0x3fff). The banks' own
 * rows are reopened by the next command that needs them.
 */
export function modeSwitches(ch: DramChannel, n: number, banks: number[], cur: number, distinctRows: boolean): number {
  for (let k = 0; k < n; k++) {
    const row = RESERVED_ROW - (distinctRows ? k % 2 : 0);
    if (banks.some((b) => ch.openRow(b) !== row)) {
      cur = ch.prechargeAll(cur);
      cur = ch.issueEarliest({ kind: 'ACT', banks, row }, cur);
    }
    cur = ch.issueEarliest({ kind: 'WR', banks, row }, cur);
  }
  return cur;
}

interface PassState {
  ch: DramChannel;
  offset: number[];
  lastCol: number;
  lastMac: number;
}

function runPass(s: PassState, job: GemvJob, m: GemvMapping, c: PimArchConfig, d: ResolvedDram, unitCycles: number, pass: number): void {
  const bpu = c.pim.unit.banksPerUnit;
  const U = m.unitsPerChannel;
  const regs = c.pim.unit.accumulatorRegisters;
  const cols = d.org.rowBytes / d.org.burstBytes;
  const sets = Array.from({ length: bpu }, (_, p) => Array.from({ length: U }, (_, u) => u * bpu + p));
  const allBanks = sets.flat();
  const tileElemsOf = (i: number) => Math.min(m.inputTileElems, m.paddedInputsPerChannel - i * m.inputTileElems);
  const writeTile = (i: number) => {
    const writes = Math.ceil((tileElemsOf(i) * job.inputBits) / 8 / d.org.burstBytes);
    for (let w = 0; w < writes; w++) s.lastCol = s.ch.issueEarliest({ kind: 'WR', banks: allBanks, buffer: true }, s.lastCol);
  };
  const macTile = (i: number) => {
    const p = i % bpu;
    const banks = sets[p]!;
    const bursts = regs * Math.ceil(tileElemsOf(i) / m.elemsPerBurst);
    for (let b = 0; b < bursts; b++) {
      const row = Math.floor(s.offset[p]! / cols);
      if (s.ch.openRow(banks[0]!) !== row) {
        if (s.ch.openRow(banks[0]!) !== null) s.lastCol = s.ch.issueEarliest({ kind: 'PRE', banks }, s.lastCol);
        s.lastCol = s.ch.issueEarliest({ kind: 'ACT', banks, row }, s.lastCol);
      }
      s.lastCol = s.ch.issueEarliest({ kind: 'RD', banks, row, internal: true }, Math.max(s.lastCol, s.lastMac + unitCycles));
      s.lastMac = s.lastCol;
      s.offset[p]! += 1;
    }
  };
  // Read the accumulators out (lanes not reduced in the unit travel as separate partials).
  const readOut = () => {
    const accBytes = c.pim.unit.accumulatorDtype === 'fp32' || c.pim.unit.accumulatorDtype === 'int32' ? 4 : 2;
    const valuesPerUnit = regs * (c.pim.reduction.location === 'host' ? m.elemsPerBurst : 1);
    const internal = c.pim.reduction.location === 'buffer-die';
    const lanesPerUnit = regs * (c.pim.reduction.location === 'bank' ? 1 : m.elemsPerBurst);
    const reads = Math.ceil((U * (internal ? lanesPerUnit : valuesPerUnit) * accBytes) / d.org.burstBytes);
    for (let r = 0; r < reads; r++) s.lastCol = s.ch.issueEarliest({ kind: 'RD', banks: [sets[0]![r % U]!], buffer: true, internal }, s.lastCol);
    if (internal) {
      // The buffer die reduces lanes and sends one value per output over the bus.
      const out = Math.ceil((regs * U * accBytes) / d.org.burstBytes);
      for (let r = 0; r < out; r++) s.lastCol = s.ch.issueEarliest({ kind: 'RD', banks: [], buffer: true }, s.lastCol);
    }
  };
  if (pass > 0) s.lastCol = modeSwitches(s.ch, c.pim.kernel?.modeSwitchesPerPass ?? 0, allBanks, s.lastCol, false);
  if (m.loopOrder === 'output-stationary') {
    // One output tile: every input tile is broadcast and accumulated, then the outputs read once.
    for (let i = 0; i < m.inputTiles; i++) {
      writeTile(i);
      macTile(i);
    }
    readOut();
  } else {
    // One input tile, broadcast once and reused by every output tile; partial sums read per tile.
    const i = pass % m.inputTiles;
    writeTile(i);
    for (let o = 0; o < m.outputTiles; o++) {
      macTile(i);
      readOut();
    }
  }
}

/** Simulates `passes` passes; returns the end cycle and the commands after each pass. */
function simulatePasses(job: GemvJob, m: GemvMapping, c: PimArchConfig, d: ResolvedDram, passes: number) {
  const t = pimTiming(c, d);
  const unitCycles = unitCyclesPerBurst(c, t, m.elemsPerBurst);
  const s: PassState = { ch: new DramChannel(t, d.org), offset: new Array<number>(c.pim.unit.banksPerUnit).fill(0), lastCol: 0, lastMac: -1e9 };
  // The kernel's mode switches (entry and exit) are issued up front: they are serialized with the
  // passes either way, and the steady-state period (second pass − first) stays free of them.
  s.lastCol = modeSwitches(
    s.ch,
    c.pim.kernel?.modeSwitchesPerKernel ?? 0,
    Array.from({ length: d.banksPerChannel }, (_, b) => b),
    s.lastCol,
    true,
  );
  const after: { end: number; stats: ChannelStats }[] = [];
  for (let k = 0; k < passes; k++) {
    runPass(s, job, m, c, d, unitCycles, k);
    after.push({ end: Math.max(s.ch.lastDataEnd, s.lastCol + t.nCL), stats: { ...s.ch.stats } });
  }
  return { after, unitCycles, spacing: Math.max(t.nCCDL, unitCycles) };
}

const memo = new Map<string, PimSchedule>();

export function scheduleGemv(job: GemvJob, m: GemvMapping, c: PimArchConfig, d: ResolvedDram): PimSchedule {
  const key = JSON.stringify([job, m, c.pim.dram, c.pim.unit, c.pim.globalBuffer, c.pim.reduction, c.pim.kernel]);
  const hit = memo.get(key);
  if (hit) return { ...hit, stats: { ...hit.stats } };
  const r = scheduleGemvUncached(job, m, c, d);
  if (memo.size > 4096) memo.clear();
  memo.set(key, r);
  return { ...r, stats: { ...r.stats } };
}

function noWork(): PimSchedule {
  return {
    busyCycles: 0,
    cycles: 0,
    macCycles: 0,
    unitCyclesPerMac: 0,
    stats: { actCommands: 0, bankActivations: 0, preCommands: 0, rdCommands: 0, wrCommands: 0, bankBursts: 0, busBursts: 0, refCommands: 0 },
  };
}

function scheduleGemvUncached(job: GemvJob, m: GemvMapping, c: PimArchConfig, d: ResolvedDram): PimSchedule {
  if (m.passes <= 0 || m.inputTiles <= 0) return noWork();
  const sim = simulatePasses(job, m, c, d, Math.min(2, m.passes));
  const one = { end: sim.after[0]!.end, stats: sim.after[0]!.stats, unitCycles: sim.unitCycles, spacing: sim.spacing };
  let busy = one.end;
  let stats = one.stats;
  if (m.passes > 1) {
    const two = sim.after[1]!;
    const per = two.end - one.end;
    busy = one.end + (m.passes - 1) * per;
    const k = m.passes - 1;
    const f = (key: keyof ChannelStats) => one.stats[key] + k * (two.stats[key] - one.stats[key]);
    stats = {
      actCommands: f('actCommands'),
      bankActivations: f('bankActivations'),
      preCommands: f('preCommands'),
      rdCommands: f('rdCommands'),
      wrCommands: f('wrCommands'),
      bankBursts: f('bankBursts'),
      busBursts: f('busBursts'),
      refCommands: 0,
    };
  }
  const t = d.timing;
  const cycles = withRefresh(busy, t);
  stats.refCommands = Math.floor(busy / (t.nREFI - t.nRFC));
  return { busyCycles: busy, cycles, macCycles: m.passes * m.macCommandsPerPass * one.spacing, stats, unitCyclesPerMac: one.unitCycles };
}

/**
 * Elementwise ops in the banks (HBM-PIM ADD/MUL/ReLU): each operand and the result live in their
 * own rows of every bank; per group of `accumulatorRegisters` bursts and per bank set, the unit
 * reads each input's bursts (the first fills its registers, the rest combine), then writes the
 * result's bursts back — a row switch between operands, all in program order.
 */
export function scheduleElementwise(elements: number, inputs: number, elemBytes: number, c: PimArchConfig, d: ResolvedDram): PimSchedule {
  const t = pimTiming(c, d);
  const bpu = c.pim.unit.banksPerUnit;
  const U = d.banksPerChannel / bpu;
  const g = c.pim.unit.accumulatorRegisters;
  const cols = d.org.rowBytes / d.org.burstBytes;
  const exact = Math.ceil((elements * elemBytes) / (d.channels * d.banksPerChannel * d.org.burstBytes));
  if (exact <= 0) return noWork();
  const groups = Math.ceil(exact / g);
  // A fixed program (padTiles) runs whole groups of accumulatorRegisters bursts in every bank.
  const perBank = c.pim.kernel?.padTiles ? groups * g : exact;
  const rowsPerOperand = Math.ceil(perBank / cols) + 1;
  const sets = Array.from({ length: bpu }, (_, p) => Array.from({ length: U }, (_, u) => u * bpu + p));
  const elemsPerBurst = Math.floor(d.org.burstBytes / elemBytes);
  const unitCycles = unitCyclesPerBurst(c, t, elemsPerBurst);
  const switches = c.pim.kernel?.modeSwitchesPerKernel ?? 0;
  const run = (n: number) => {
    const ch = new DramChannel(t, d.org);
    let cur = modeSwitches(ch, switches, sets.flat(), 0, true);
    let lastMac = -1e9;
    for (let k = 0; k < n; k++) {
      const bursts = Math.min(g, perBank - k * g);
      for (const banks of sets) {
        for (let j = 0; j <= inputs; j++) {
          const row = j * rowsPerOperand + Math.floor((k * g) / cols);
          if (ch.openRow(banks[0]!) !== row) {
            if (ch.openRow(banks[0]!) !== null) cur = ch.issueEarliest({ kind: 'PRE', banks }, cur);
            cur = ch.issueEarliest({ kind: 'ACT', banks, row }, cur);
          }
          for (let b = 0; b < bursts; b++) {
            cur = ch.issueEarliest({ kind: j < inputs ? 'RD' : 'WR', banks, row, internal: true }, Math.max(cur, j < inputs ? lastMac + unitCycles : cur));
            if (j < inputs) lastMac = cur;
          }
        }
      }
    }
    return { end: cur + t.nCWL + t.nBL, stats: { ...ch.stats } };
  };
  const K = 4;
  let busy: number;
  let stats: ChannelStats;
  if (groups <= 2 * K) ({ end: busy, stats } = run(groups));
  else {
    const a = run(K);
    const b = run(2 * K);
    const per = (b.end - a.end) / K;
    busy = Math.round(b.end + (groups - 2 * K) * per);
    const f = (key: keyof ChannelStats) => b.stats[key] + ((groups - 2 * K) * (b.stats[key] - a.stats[key])) / K;
    stats = {
      actCommands: f('actCommands'),
      bankActivations: f('bankActivations'),
      preCommands: f('preCommands'),
      rdCommands: f('rdCommands'),
      wrCommands: f('wrCommands'),
      bankBursts: f('bankBursts'),
      busBursts: f('busBursts'),
      refCommands: 0,
    };
  }
  const cycles = withRefresh(busy, d.timing);
  stats.refCommands = Math.floor(busy / (d.timing.nREFI - d.timing.nRFC));
  return { busyCycles: busy, cycles, macCycles: groups * bpu * g * inputs * Math.max(t.nCCDL, unitCycles), stats, unitCyclesPerMac: unitCycles };
}
