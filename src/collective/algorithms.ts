/**
 * Latency-bandwidth (α-β) cost of each collective algorithm on a group's links, and the
 * NCCL-like choice: every algorithm the topology offers is costed and the fastest is taken
 * (NCCL's tuner does the same with its own tables, src/graph/tuning.cc).
 *
 * n ranks over N nodes, g of them per node; B_intra the per-rank rate inside a node, B_net the
 * per-rank share of the node's NICs; α the hop latency of a level; t0 the launch latency.
 *  - ring (one ring through every rank, NCCL's channels spread over the NICs): each rank moves
 *    2(n−1)/n·S (all-reduce) or (n−1)/n·S (all-gather/reduce-scatter) at
 *    B_ring = min(B_intra, g·B_net), in 2(n−1) or (n−1) steps of the slowest hop.
 *  - tree (NCCL double binary tree across nodes, a chain inside each): same bandwidth term,
 *    latency 2·(⌈log2 N⌉·α_net + (g−1)·α_intra): wins for small messages across nodes.
 *  - nvls (NVLink SHARP, one node, a switch that reduces): a reduce-scatter by multimem
 *    load-reduce (each rank sends S and receives S/n) then an all-gather by multicast store
 *    (sends S/n, receives S): S·(1 + 1/n) per direction, plus its own fixed latency (NCCL's
 *    tuning table gives NVLS ~25 µs, so rings win for small messages).
 *  - all-to-all (direct): every pair at once; (g−1)/n·S stays in the node, (n−g)/n·S crosses it;
 *    on a ring level each byte crosses the mean shortest distance in links (e.g. 4/3 for 4 ranks).
 *  - send/recv: one hop.
 */
import type { GroupLinks } from '../system/topology.ts';
import { algbw, busbw } from './busbw.ts';
import type { Algorithm, CollectiveCost, CollectiveKind } from './types.ts';
import { AccelscopeError } from '../util/errors.ts';

function cost(kind: CollectiveKind, algorithm: Algorithm, bytes: number, g: GroupLinks, latencySeconds: number, bandwidthSeconds: number): CollectiveCost {
  const seconds = latencySeconds + bandwidthSeconds;
  return {
    kind,
    algorithm,
    bytes,
    ranks: g.ranks,
    nodes: g.nodes,
    seconds,
    latencySeconds,
    bandwidthSeconds,
    algbwBps: algbw(bytes, seconds),
    busbwBps: busbw(kind, g.ranks, bytes, seconds),
  };
}

function missing(g: GroupLinks): never {
  throw new AccelscopeError('schema', `a group of ${g.ranks} ranks over ${g.nodes} node(s) needs an ${g.nodes > 1 ? 'interNode' : 'intraNode'} interconnect`, {
    pointer: g.nodes > 1 ? '/interNode' : '/intraNode',
  });
}

/** Per-rank rate of a ring through every rank, and the latency of its slowest hop. */
function ring(g: GroupLinks): { bps: number; alpha: number } {
  let bps = Infinity;
  let alpha = 0;
  if (g.perNode > 1) {
    if (!g.intra) return missing({ ...g, nodes: 1 });
    bps = Math.min(bps, g.intra.bytesPerSecond);
    alpha = Math.max(alpha, g.intra.latencyS);
  }
  if (g.nodes > 1) {
    if (!g.inter) missing(g);
    bps = Math.min(bps, g.perNode * g.inter.bytesPerSecond);
    alpha = Math.max(alpha, g.inter.latencyS);
  }
  return { bps, alpha };
}

/** Every algorithm the group's topology offers for this collective, costed. */
export function algorithmCosts(kind: CollectiveKind, bytes: number, g: GroupLinks): CollectiveCost[] {
  const n = g.ranks;
  if (n <= 1) return [cost(kind, 'p2p', bytes, g, 0, 0)];
  const t0 = g.baseLatencyS;
  const r = ring(g);
  switch (kind) {
    case 'all-reduce': {
      const bw = (((2 * (n - 1)) / n) * bytes) / r.bps;
      const out = [cost(kind, 'ring', bytes, g, t0 + 2 * (n - 1) * r.alpha, bw)];
      if (g.nodes > 1) {
        const chain = g.perNode > 1 ? (g.perNode - 1) * g.intra!.latencyS : 0;
        out.push(cost(kind, 'tree', bytes, g, t0 + 2 * (Math.ceil(Math.log2(g.nodes)) * g.inter!.latencyS + chain), bw));
      } else if (g.intra?.inSwitchReduction) {
        out.push(cost(kind, 'nvls', bytes, g, t0 + g.intra.inSwitchReductionLatencyS, (bytes * (1 + 1 / n)) / g.intra.bytesPerSecond));
      }
      return out;
    }
    case 'all-gather':
    case 'reduce-scatter':
      return [cost(kind, 'ring', bytes, g, t0 + (n - 1) * r.alpha, (((n - 1) / n) * bytes) / r.bps)];
    case 'all-to-all': {
      const intraS = g.perNode > 1 ? (((g.perNode - 1) / n) * bytes * g.intra!.meanHops) / g.intra!.bytesPerSecond : 0;
      const interS = g.nodes > 1 ? (((n - g.perNode) / n) * bytes) / g.inter!.bytesPerSecond : 0;
      return [cost(kind, 'direct', bytes, g, t0 + r.alpha, Math.max(intraS, interS))];
    }
    case 'send-recv':
      return [cost(kind, 'p2p', bytes, g, t0 + r.alpha, bytes / r.bps)];
  }
}

/** The fastest algorithm (ties go to the first listed: ring). */
export function collective(kind: CollectiveKind, bytes: number, g: GroupLinks): CollectiveCost {
  const all = algorithmCosts(kind, bytes, g);
  return all.reduce((best, c) => (c.seconds < best.seconds ? c : best), all[0]!);
}
