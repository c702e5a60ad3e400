/**
 * Where a group of ranks sits in a system and what bandwidth each member gets at each level.
 * Ranks are numbered node-major (rank r lives on node ⌊r / devicesPerNode⌋). A level's per-device
 * rate is links × link rate × efficiency; a host bridge's shared cap and a node's NICs are shared
 * by the group's members on that node.
 */
import type { Calibration } from '../config/arch.ts';
import type { LevelSpec, SystemConfig } from './types.ts';

/** Effective rates of one level for one member of a group. */
export interface LevelRate {
  fabric: LevelSpec['fabric'];
  /** Bytes/s one member can send (and receive) at the same time, after efficiency and sharing. */
  bytesPerSecond: number;
  latencyS: number;
  inSwitchReduction: boolean;
  /** Fixed latency of an in-switch reduction (NVLS), seconds. */
  inSwitchReductionLatencyS: number;
  /** Links a byte crosses on average to reach another rank of the group (1 unless the level is a ring). */
  meanHops: number;
}

/** A communicator: its size, how it spreads over nodes, and the rates its members get. */
export interface GroupLinks {
  ranks: number;
  nodes: number;
  /** Largest number of the group's ranks on one node. */
  perNode: number;
  intra?: LevelRate;
  inter?: LevelRate;
  /** Fixed cost of launching one collective (kernel launch, synchronisation), seconds. */
  baseLatencyS: number;
}

/** The launch latency of a collective when the system does not calibrate it. */
export const DEFAULT_BASE_LATENCY: Calibration = {
  value: 6.6e-6,
  source: 'NCCL src/graph/tuning.cc baseLat, ring algorithm, LL protocol (6.6 µs)',
  description: 'fixed cost of one collective: launch and synchronisation',
};

export function levelRate(level: LevelSpec, sharers: number): LevelRate {
  const eff = level.efficiency.value;
  const perDevice = level.links.count * level.links.bytesPerSecondPerDirection * eff;
  let bytesPerSecond = perDevice;
  if (level.sharedBytesPerSecond !== undefined) bytesPerSecond = Math.min(perDevice, (level.sharedBytesPerSecond * eff) / Math.max(1, sharers));
  return {
    fabric: level.fabric,
    bytesPerSecond,
    latencyS: level.latencyS,
    inSwitchReduction: level.inSwitchReduction === true,
    inSwitchReductionLatencyS: level.inSwitchReductionLatencyS ?? 0,
    meanHops: level.topology === 'ring' ? ringMeanHops(sharers) : 1,
  };
}

/** Mean shortest distance, in links, from a rank to the n − 1 others on a bidirectional ring. */
export function ringMeanHops(n: number): number {
  if (n <= 2) return 1;
  let s = 0;
  for (let d = 1; d < n; d++) s += Math.min(d, n - d);
  return s / (n - 1);
}

/** NIC rate per member when `sharers` members of the group share their node's NICs. */
export function interRate(level: LevelSpec, sharers: number): LevelRate {
  const eff = level.efficiency.value;
  const perNode = level.links.count * level.links.bytesPerSecondPerDirection * eff;
  return {
    fabric: level.fabric,
    bytesPerSecond: perNode / Math.max(1, sharers),
    latencyS: level.latencyS,
    inSwitchReduction: false,
    inSwitchReductionLatencyS: 0,
    meanHops: 1,
  };
}

/** The links of a group given its global ranks. */
export function groupLinks(sys: SystemConfig, ranks: number[]): GroupLinks {
  const perNodeCount = new Map<number, number>();
  for (const r of ranks) {
    const node = Math.floor(r / sys.devicesPerNode);
    perNodeCount.set(node, (perNodeCount.get(node) ?? 0) + 1);
  }
  const nodes = perNodeCount.size;
  const perNode = Math.max(...perNodeCount.values());
  const out: GroupLinks = {
    ranks: ranks.length,
    nodes,
    perNode,
    baseLatencyS: sys.calibration?.['collectiveBaseLatencyS']?.value ?? DEFAULT_BASE_LATENCY.value,
  };
  if (perNode > 1 && sys.intraNode) out.intra = levelRate(sys.intraNode, perNode);
  if (nodes > 1 && sys.interNode) out.inter = interRate(sys.interNode, perNode);
  return out;
}

/** Every calibration a system's collectives use, for the report. */
export function systemCalibration(sys: SystemConfig): { name: string; value: number; source: string; description?: string }[] {
  const out: { name: string; value: number; source: string; description?: string }[] = [];
  if (sys.intraNode) out.push({ name: 'intraNode.efficiency', ...sys.intraNode.efficiency });
  if (sys.interNode) out.push({ name: 'interNode.efficiency', ...sys.interNode.efficiency });
  const cal = sys.calibration ?? {};
  if (!cal['collectiveBaseLatencyS']) out.push({ name: 'collectiveBaseLatencyS', ...DEFAULT_BASE_LATENCY });
  for (const [name, c] of Object.entries(cal)) out.push({ name, ...c });
  return out;
}
