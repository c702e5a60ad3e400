/**
 * `accelscope op gemm|attention --system S --tp T [--split column|row]`: the share of one op a
 * device runs under tensor parallelism, on the system's device, plus the collective that
 * completes it. gemm: `column` splits N (the output features; no communication), `row` splits K
 * (each device holds partial sums of the whole M × N output: one all-reduce of it). attention:
 * the heads split (KV heads split or replicated as shard.ts does), no communication.
 */
import type { Io } from '../io.ts';
import type { AttentionOp, Op } from '../../workload/graph.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { loadSystem } from '../../system/load.ts';
import { groupLinks } from '../../system/topology.ts';
import { collective } from '../../collective/algorithms.ts';
import type { CollectiveCost } from '../../collective/types.ts';
import { localKvHeads } from '../../parallel/shard.ts';
import { AccelscopeError, inArchFile } from '../../util/errors.ts';
import { formatBytes, formatSeconds } from '../../util/units.ts';
import { renderOpRows, simulateRows, type OpRow } from './op-rows.ts';

export interface ShardedOpRow extends OpRow {
  tp: number;
  split: 'column' | 'row' | 'heads';
  collective?: CollectiveCost;
  /** The op on one device plus its collective (run one after the other). */
  totalSeconds: number;
}

function shard(op: Op, tp: number, split: string): Op {
  if (op.kind === 'gemm') {
    const dim = split === 'row' ? 'k' : 'n';
    if (op[dim] % tp !== 0) throw new AccelscopeError('bad-flag', `--tp ${tp} --split ${split}: --${dim} ${op[dim]} is not divisible by ${tp}`);
    return { ...op, [dim]: op[dim] / tp };
  }
  const a = op as AttentionOp;
  if (a.heads % tp !== 0) throw new AccelscopeError('bad-flag', `--tp ${tp}: --heads ${a.heads} is not divisible by ${tp}`);
  return { ...a, heads: a.heads / tp, kvHeads: localKvHeads(a.kvHeads, tp) };
}

/** `stackFile`: the device runs its share under that software stack (its kernel family / attention backend), as `op --arch --stack` does. */
export function shardedOpRows(
  ops: Op[],
  systemName: string,
  tp: number,
  split: string | undefined,
  q: QuantScheme,
  l2: string,
  stackFile?: string,
): ShardedOpRow[] {
  const system = loadSystem(systemName);
  const devices = system.config.devicesPerNode * system.config.nodes;
  if (!Number.isInteger(tp) || tp < 1 || tp > devices)
    throw new AccelscopeError('bad-flag', `--tp must be an integer from 1 to ${devices}, the devices of ${system.config.name} (got ${tp})`);
  const kind = ops[0]!.kind;
  const how = kind === 'attention' ? 'heads' : (split ?? 'column');
  if (kind === 'attention' && split !== undefined) throw new AccelscopeError('bad-flag', 'op attention splits the heads: drop --split');
  if (how !== 'column' && how !== 'row' && how !== 'heads') throw new AccelscopeError('bad-flag', `--split must be column or row (got '${split}')`);
  const links = inArchFile(system.file, () =>
    groupLinks(
      system.config,
      Array.from({ length: tp }, (_, i) => i),
    ),
  );
  const wire = Math.max(16, q.activations.bitsPerElement) / 8;
  const rows = simulateRows(
    ops.map((o) => shard(o, tp, how)),
    [system.archFile],
    q,
    l2,
    stackFile,
  );
  return rows.map((r, i) => {
    const op = ops[i]!;
    const c =
      how === 'row' && tp > 1 && op.kind === 'gemm' ? inArchFile(system.file, () => collective('all-reduce', op.m * op.n * op.batch * wire, links)) : undefined;
    return { ...r, tp, split: how, ...(c ? { collective: c } : {}), totalSeconds: r.seconds + (c?.seconds ?? 0) };
  });
}

export function renderShardedRows(rows: ShardedOpRow[]): string {
  let s = `per device at TP ${rows[0]?.tp} (${rows[0]?.split} split)\n` + renderOpRows(rows);
  const comm = rows.filter((r) => r.collective);
  if (comm.length) {
    s += 'all-reduce of the partial sums\n';
    for (const r of comm) {
      const c = r.collective!;
      s += `  ${r.shape.m}x${r.shape.n}x${r.shape.k}: ${formatBytes(c.bytes)} over ${c.ranks} ranks (${c.algorithm}) ${formatSeconds(c.seconds)}, busbw ${(c.busbwBps / 1e9).toFixed(1)} GB/s; op + all-reduce ${formatSeconds(r.totalSeconds)}\n`;
    }
  }
  return s;
}

export function shardedOpHandler(
  ops: Op[],
  a: { system?: string; tp?: number; split?: string; json: boolean; l2: string; stack?: string },
  q: QuantScheme,
  io: Io,
): number {
  const rows = shardedOpRows(ops, a.system!, a.tp ?? 1, a.split, q, a.l2, a.stack);
  io.out(a.json ? JSON.stringify(rows, null, 2) + '\n' : renderShardedRows(rows));
  return 0;
}
