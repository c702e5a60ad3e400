/**
 * Turns the work and traffic a hardware model counted into joules, from the shared tables only.
 * Models call energyOf(); no model keeps private energy constants.
 *
 *   compute  Σ count × E(key)             key `${op}:${dtype}`          → compute
 *   traffic  Σ bytes × E(level)           on-chip levels                → onChip
 *                                         DRAM, activations, PIM paths  → offChip
 *            noc: bytes × mm × E(noc)
 *   static   power.idleW × seconds
 *
 * E(key) is the table entry (tables.ts), or the arch config's `energy` override of it, scaled
 * from its node to the arch's `process.nodeNm` (scaling.ts) when it is a logic/SRAM energy.
 * An unknown key or level is a bug in the calling model and throws.
 */
import {
  COMPUTE_PJ,
  DRAM_ACTIVATE_PJ_PER_ROW_BYTE,
  DRAM_PJ_PER_BYTE,
  MEMORY_PJ_PER_BYTE,
  OFFCHIP_LEVELS,
  SRAM_SIZE_POINTS,
  SRAM_SIZE_SOURCE,
  memoryLevels,
  type EnergyEntry,
} from './tables.ts';
import { nodeEnergyScale } from './scaling.ts';
import { AccelscopeError } from '../util/errors.ts';

/** Joules of one op (or a whole run) by where they were spent, picojoules. */
export interface EnergyBreakdownPj {
  compute: number;
  onChip: number;
  offChip: number;
  static: number;
}

/**
 * The part of an arch config energy accounting reads (structural, so energy/ depends on no
 * config or hardware file: any ArchConfig is one).
 */
export interface EnergyArch {
  name: string;
  memory: { type: string };
  process?: { nodeNm: number };
  power?: { idleW?: number };
  energy?: Record<string, EnergyOverride>;
}

export interface EnergyWork {
  /** Operations by table key, e.g. {key: 'mac:fp16', count}. */
  compute: { key: string; count: number }[];
  /**
   * Bytes moved per level: on-chip ('register','l1','smem','sram','l2','bram','uram','noc'),
   * 'dram' (the arch's main memory), a DRAM technology ('HBM2', 'DDR4' …) for a second memory,
   * 'dram-activate' (bytes of DRAM row opened = activations × row bytes), or a PIM path
   * ('pim-bank', 'pim-bank-column', 'pim-bankgroup', 'pim-buffer').
   * `sramBytes` (level 'sram' only): the array size, for a size-dependent energy.
   * `mm` (level 'noc' only, required): the distance each byte travels.
   */
  traffic: { level: string; bytes: number; sramBytes?: number; mm?: number }[];
  seconds: number;
}

/** One arch-config override of a table entry (schema: energyOverrideSchema). */
export interface EnergyOverride {
  /** In the entry's own unit (pJ/op, pJ/byte, pJ/byte/mm, pJ/byte-of-row-activated). */
  valuePj?: number;
  /** Memory levels only: pJ per bit (× 8 per byte). */
  valuePjPerBit?: number;
  source: string;
  /** Node the value was measured at; logic entries are scaled from it. Absent: taken at the arch's node. */
  nodeNm?: number;
  /** Year of the measurement or publication (0 in reports when not given). */
  year?: number;
  verified?: boolean;
}

/** A table entry as used for one arch: the value at its node, the value applied, and where it came from. */
export interface EnergySourceUse {
  /** 'mac:fp16', 'memory:l2', 'memory:HBM3', 'memory:dram-activate:HBM3', 'memory:sram@32768B' … */
  key: string;
  valuePj: number;
  unit: string;
  nodeNm: number;
  year: number;
  source: string;
  verified: boolean;
  /** The value applied at the arch's node (after process scaling). */
  appliedPj: number;
  /** appliedPj / valuePj. */
  scale: number;
  overridden: boolean;
}

// ---- trace: which entries a run used (observation only; results do not depend on it) ---------
const traces: Map<string, EnergySourceUse>[] = [];

/** Runs fn, adding to `into` every energy entry an energyOf() inside it uses (keyed by entry key). */
export function collectEnergySources<T>(into: Map<string, EnergySourceUse>, fn: () => T): T {
  traces.push(into);
  try {
    return fn();
  } finally {
    traces.splice(traces.lastIndexOf(into), 1);
  }
}

/** Runs fn and returns the energy entries every energyOf() inside it used, sorted by key. */
export function traceEnergySources<T>(fn: () => T): { result: T; sources: EnergySourceUse[] } {
  const seen = new Map<string, EnergySourceUse>();
  const result = collectEnergySources(seen, fn);
  return { result, sources: sortedSources(seen) };
}

/** The union of several runs' entry lists (first occurrence of a key wins), in key order. */
export function mergeEnergySources(...lists: (EnergySourceUse[] | undefined)[]): EnergySourceUse[] {
  const m = new Map<string, EnergySourceUse>();
  for (const l of lists) for (const u of l ?? []) if (!m.has(u.key)) m.set(u.key, u);
  return sortedSources(m);
}

/** The collected entries in key order (deterministic output). */
export function sortedSources(m: Map<string, EnergySourceUse>): EnergySourceUse[] {
  return [...m.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function record(use: EnergySourceUse): void {
  for (const t of traces) if (!t.has(use.key)) t.set(use.key, use);
}

// ---- resolution ----------------------------------------------------------------------------
function overrideOf(arch: EnergyArch, name: string): EnergyOverride | undefined {
  return arch.energy?.[name];
}

function apply(key: string, base: EnergyEntry, arch: EnergyArch, ov?: EnergyOverride): EnergySourceUse {
  const archNode = arch.process?.nodeNm;
  if (ov) {
    if (ov.valuePjPerBit !== undefined && base.unit === 'pJ/op') {
      throw new AccelscopeError('schema', `energy override '${key}' is per operation: give valuePj, not valuePjPerBit`, {
        pointer: `/energy/${key}/valuePjPerBit`,
      });
    }
    const valuePj = ov.valuePj ?? (ov.valuePjPerBit ?? 0) * 8;
    const nodeNm = ov.nodeNm ?? (base.scales ? (archNode ?? base.nodeNm) : 0);
    const scale = base.scales && ov.nodeNm !== undefined && archNode !== undefined ? nodeEnergyScale(ov.nodeNm, archNode) : 1;
    return {
      key,
      valuePj,
      unit: base.unit,
      nodeNm,
      year: ov.year ?? 0,
      source: `arch override: ${ov.source}`,
      verified: ov.verified ?? true,
      appliedPj: valuePj * scale,
      scale,
      overridden: true,
    };
  }
  const scale = base.scales && archNode !== undefined ? nodeEnergyScale(base.nodeNm, archNode) : 1;
  const { scales: _scales, ...entry } = base;
  return { key, ...entry, appliedPj: base.valuePj * scale, scale, overridden: false };
}

function known(prefix: string, keys: string[]): string {
  const near = keys.filter((k) => k.startsWith(prefix));
  return (near.length ? near : keys).join(', ');
}

/** The compute entry for `key` on `arch` (override, node scaling applied). Unknown key: throws. */
export function computeEnergy(key: string, arch: EnergyArch): EnergySourceUse {
  const base = COMPUTE_PJ[key];
  if (!base) {
    const op = key.split(':')[0] ?? key;
    throw new Error(
      `energy: unknown compute key '${key}' (known: ${known(`${op}:`, Object.keys(COMPUTE_PJ))}); add it with its source to src/energy/tables.ts`,
    );
  }
  return apply(key, base, arch, overrideOf(arch, key));
}

/** The DRAM technology a level names ('dram' → the arch's memory.type). */
function dramTech(arch: EnergyArch): string {
  const t = arch.memory.type;
  if (!DRAM_PJ_PER_BYTE[t]) {
    throw new Error(`energy: no DRAM energy for memory type '${t}' of ${arch.name} (known: ${Object.keys(DRAM_PJ_PER_BYTE).join(', ')})`);
  }
  return t;
}

/** SRAM read energy per byte of an array of `sizeBytes`, log-log interpolated on Horowitz's points. */
export function sramPjPerByte(sizeBytes: number): number {
  if (!(sizeBytes > 0)) throw new Error(`energy: sramBytes must be positive (got ${sizeBytes})`);
  const pts = SRAM_SIZE_POINTS;
  let i = 0;
  while (i < pts.length - 2 && sizeBytes > pts[i + 1]!.bytes) i++;
  const a = pts[i]!;
  const b = pts[i + 1]!;
  const slope = Math.log(b.pjPerByte / a.pjPerByte) / Math.log(b.bytes / a.bytes);
  return a.pjPerByte * (sizeBytes / a.bytes) ** slope;
}

/** The memory entry for one traffic item on `arch`. Unknown level: throws. */
export function memoryEnergy(level: string, arch: EnergyArch, opts: { sramBytes?: number } = {}): EnergySourceUse {
  if (opts.sramBytes !== undefined && level !== 'sram') {
    throw new Error(`energy: sramBytes is only meaningful for level 'sram' (got level '${level}')`);
  }
  if (level === 'dram') {
    const tech = dramTech(arch);
    return apply(`memory:${tech}`, DRAM_PJ_PER_BYTE[tech]!, arch, overrideOf(arch, 'dram') ?? overrideOf(arch, tech));
  }
  if (level === 'dram-activate') {
    const tech = dramTech(arch);
    return apply(`memory:dram-activate:${tech}`, DRAM_ACTIVATE_PJ_PER_ROW_BYTE[tech]!, arch, overrideOf(arch, 'dram-activate'));
  }
  if (DRAM_PJ_PER_BYTE[level]) return apply(`memory:${level}`, DRAM_PJ_PER_BYTE[level], arch, overrideOf(arch, level));
  if (level === 'sram' && opts.sramBytes !== undefined && !overrideOf(arch, 'sram')) {
    const base = MEMORY_PJ_PER_BYTE['sram']!;
    const v = sramPjPerByte(opts.sramBytes);
    const verified = SRAM_SIZE_POINTS.some((p) => p.bytes === opts.sramBytes && p.verified);
    return apply(`memory:sram@${opts.sramBytes}B`, { ...base, valuePj: v, verified, source: SRAM_SIZE_SOURCE }, arch);
  }
  const base = MEMORY_PJ_PER_BYTE[level];
  if (!base) {
    throw new Error(`energy: unknown memory level '${level}' (known: ${memoryLevels().join(', ')}); add it with its source to src/energy/tables.ts`);
  }
  return apply(`memory:${level}`, base, arch, overrideOf(arch, level));
}

/**
 * Resolved entries per arch object (an arch config is not modified once validated): the
 * simulation of one design point resolves the same few entries for every op, so each is
 * resolved once per point instead of once per op (no object per lookup). An entry depends only
 * on the arch's `energy` overrides, `process.nodeNm` and `memory.type` (apply, dramTech), so arch
 * objects that agree on those — the points of a sweep, which copy only the swept paths and keep
 * the base's `energy` object — share one map: each entry is resolved once per sweep, not per point.
 */
const byInputs = new WeakMap<object, Map<string, Map<string, EnergySourceUse>>>();
const NO_OVERRIDES = {};
/** The arch of the previous call: the ops of one point (or one clock view of it) come one after another. */
let last: { arch: EnergyArch; map: Map<string, EnergySourceUse> } | undefined;
function resolvedFor(arch: EnergyArch): Map<string, EnergySourceUse> {
  if (last?.arch === arch) return last.map;
  const ov = arch.energy ?? NO_OVERRIDES;
  let shared = byInputs.get(ov);
  if (!shared) byInputs.set(ov, (shared = new Map<string, Map<string, EnergySourceUse>>()));
  const inputs = `${arch.process?.nodeNm}|${arch.memory.type}`;
  let m = shared.get(inputs);
  if (!m) shared.set(inputs, (m = new Map<string, EnergySourceUse>()));
  last = { arch, map: m };
  return m;
}

/** Joules of one op's work, split compute / on-chip / off-chip / static. */
export function energyOf(work: EnergyWork, arch: EnergyArch): EnergyBreakdownPj {
  const cache = resolvedFor(arch);
  let compute = 0;
  for (const { key, count } of work.compute) {
    let e = cache.get(key);
    if (!e) {
      e = computeEnergy(key, arch);
      cache.set(key, e);
    }
    record(e);
    compute += count * e.appliedPj;
  }
  let onChip = 0;
  let offChip = 0;
  for (const t of work.traffic) {
    // Memory levels never contain ':' (compute keys always do), so the two share one map.
    const k = t.sramBytes !== undefined ? `${t.level}@${t.sramBytes}` : t.level;
    let e = cache.get(k);
    if (!e) {
      e = memoryEnergy(t.level, arch, t.sramBytes !== undefined ? { sramBytes: t.sramBytes } : {});
      cache.set(k, e);
    }
    record(e);
    let pj = t.bytes * e.appliedPj;
    if (t.level === 'noc') {
      if (t.mm === undefined || !(t.mm >= 0)) throw new Error(`energy: traffic on level 'noc' needs its distance in mm (got ${t.mm})`);
      pj *= t.mm;
    } else if (t.mm !== undefined) {
      throw new Error(`energy: mm is only meaningful for level 'noc' (got level '${t.level}')`);
    }
    if (OFFCHIP_LEVELS.has(t.level)) offChip += pj;
    else onChip += pj;
  }
  return { compute, onChip, offChip, static: staticEnergyPj(arch, work.seconds) };
}

/** Static/idle energy: the arch's power.idleW over `seconds`, in pJ. */
export function staticEnergyPj(arch: EnergyArch, seconds: number): number {
  return (arch.power?.idleW ?? 0) * seconds * 1e12;
}

/** Sum of a breakdown, pJ. */
export function totalPj(e: EnergyBreakdownPj): number {
  return e.compute + e.onChip + e.offChip + e.static;
}

/** Every key an arch config's `energy` section may override. */
export function overridableKeys(): string[] {
  return [...Object.keys(COMPUTE_PJ), 'dram', 'dram-activate', ...Object.keys(MEMORY_PJ_PER_BYTE), ...Object.keys(DRAM_PJ_PER_BYTE)];
}
