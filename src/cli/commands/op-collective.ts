/**
 * `accelscope op all-reduce|all-gather|reduce-scatter|all-to-all|send-recv --system S`: one
 * collective on a system's interconnect, printed as nccl-tests prints it (size, time, algbw,
 * busbw) with the algorithm the NCCL-like choice took — comparable row by row with
 * `all_reduce_perf -b … -e … -g N`.
 */
import type { Io } from '../io.ts';
import { loadSystem } from '../../system/load.ts';
import { groupLinks } from '../../system/topology.ts';
import { algorithmCosts, collective } from '../../collective/algorithms.ts';
import { COLLECTIVE_KINDS, type CollectiveCost, type CollectiveKind } from '../../collective/types.ts';
import { AccelscopeError, inArchFile } from '../../util/errors.ts';
import { renderTable } from '../table.ts';
import { formatBytes, formatSeconds } from '../../util/units.ts';

export interface CollectiveArgs {
  kind: string;
  system?: string;
  ranks?: number;
  bytes?: string;
  algo?: string;
  json: boolean;
}

export const isCollectiveKind = (k: string): k is CollectiveKind => (COLLECTIVE_KINDS as readonly string[]).includes(k);

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };

/** "8,1M,8G" → bytes (binary suffixes, as nccl-tests' -b/-e take them). */
export function parseSizes(v: string): number[] {
  return v.split(',').map((s) => {
    const m = /^\s*(\d+)\s*([KMG]?)B?\s*$/i.exec(s);
    if (!m || Number(m[1]) < 1) throw new AccelscopeError('bad-flag', `--bytes takes sizes like 8,64K,1M,8G, comma-separated (got '${v}')`);
    return Number(m[1]) * UNITS[m[2]!.toUpperCase()]!;
  });
}

export function collectiveHandler(a: CollectiveArgs, io: Io): number {
  if (!a.system) throw new AccelscopeError('bad-flag', `op ${a.kind} needs --system (a multi-device system: preset name or systems/*.json)`);
  const kind = a.kind as CollectiveKind;
  const system = loadSystem(a.system);
  const sys = system.config;
  const devices = sys.devicesPerNode * sys.nodes;
  const ranks = a.ranks ?? (kind === 'send-recv' ? 2 : devices);
  if (!Number.isInteger(ranks) || ranks < 1 || ranks > devices)
    throw new AccelscopeError('bad-flag', `--ranks must be an integer from 1 to ${devices}, the devices of ${sys.name} (got ${a.ranks})`);
  if (kind === 'send-recv' && ranks !== 2) throw new AccelscopeError('bad-flag', 'op send-recv runs between 2 ranks (--ranks 2)');
  const sizes = parseSizes(a.bytes ?? '8,64K,1M,16M,256M,1G,8G');
  const rankList = kind === 'send-recv' && sys.nodes > 1 ? [0, sys.devicesPerNode] : Array.from({ length: ranks }, (_, i) => i);
  const links = inArchFile(system.file, () => groupLinks(sys, rankList));
  const rows: CollectiveCost[] = sizes.map((b) => {
    if (!a.algo) return inArchFile(system.file, () => collective(kind, b, links));
    const all = inArchFile(system.file, () => algorithmCosts(kind, b, links));
    const c = all.find((x) => x.algorithm === a.algo);
    if (!c)
      throw new AccelscopeError('bad-flag', `--algo ${a.algo}: not offered for ${kind} on this group (offered: ${all.map((x) => x.algorithm).join(', ')})`);
    return c;
  });
  if (a.json) {
    io.out(JSON.stringify({ system: sys.name, kind, ranks, nodes: links.nodes, rows }, null, 2) + '\n');
    return 0;
  }
  let s = `${kind} on ${sys.name}: ${ranks} ranks on ${links.nodes} node(s)\n\n`;
  s += renderTable(
    ['size', 'algorithm', 'time', 'latency', 'bandwidth', 'algbw GB/s', 'busbw GB/s'],
    rows.map((r) => [
      formatBytes(r.bytes),
      r.algorithm,
      formatSeconds(r.seconds),
      formatSeconds(r.latencySeconds),
      formatSeconds(r.bandwidthSeconds),
      (r.algbwBps / 1e9).toFixed(2),
      (r.busbwBps / 1e9).toFixed(2),
    ]),
  );
  s += '\nbusbw as nccl-tests defines it: algbw × 2(n−1)/n (all-reduce), × (n−1)/n (all-gather, reduce-scatter, all-to-all), × 1 (send-recv)\n';
  return (io.out(s), 0);
}
