/**
 * `accelscope op gemm|attention`: one op on one or more arches. Builds the Op and a QuantScheme
 * and calls the registered model of each arch's kind (any kind); prints one row per
 * (shape, arch) — M varying fastest, then N, then K, then arch.
 */
import { parsePowerHistory, POWER_HISTORY_OPTION } from '../power-history-option.ts';
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { getFormat } from '../../quant/formats.ts';
import type { QuantScheme, TensorFormat } from '../../quant/types.ts';
import type { AttentionOp, GemmOp, Op } from '../../workload/graph.ts';
import { AccelscopeError } from '../../util/errors.ts';
import { renderOpRows, simulateRows } from './op-rows.ts';
export { renderOpRows, simulateRows, type OpRow } from './op-rows.ts';
import { ownTable } from '../../util/own.ts';
import { COLLECTIVE_KINDS } from '../../collective/types.ts';
import { collectiveHandler, isCollectiveKind, type CollectiveArgs } from './op-collective.ts';
import { shardedOpHandler } from './op-sharded.ts';

const DTYPE_FORMATS: Record<string, string> = ownTable({ bf16: 'bf16', fp16: 'fp16', fp8: 'fp8-e4m3', int8: 'int8', tf32: 'tf32', fp32: 'fp32' });
const OP_KINDS = ['gemm', 'attention', ...COLLECTIVE_KINDS] as const;

export interface OpArgs extends Omit<CollectiveArgs, 'kind' | 'json'> {
  kind: string;
  /** gemm/attention with --system: tensor-parallel degree and (gemm) which dimension splits. */
  tp?: number;
  split?: string;
  arch?: string | string[];
  m?: string | number;
  n?: string | number;
  k?: string | number;
  batch?: number;
  dtype: string;
  weights?: string;
  phase?: string;
  heads?: number;
  'kv-heads'?: number;
  'head-dim'?: number;
  seq?: string | number;
  context?: string | number;
  l2: string;
  json: boolean;
  stack?: string;
  /** How the op is timed where the arch has a sustained power limit (src/engine/power-history.ts). */
  'power-history'?: string;
}

/** A positive-integer list flag: "1,16,4096" → [1, 16, 4096] (min 0: non-negative integers). */
export function parseIntList(flag: string, v: string | number | undefined, need = 'op gemm', min = 1): number[] {
  if (v === undefined) throw new AccelscopeError('bad-flag', `${need} needs --${flag}`);
  const parts = String(v)
    .split(',')
    .map((s) => s.trim());
  const out = parts.map((p) => Number(p));
  out.forEach((x, i) => {
    if (parts[i] === '' || !Number.isInteger(x) || x < min) {
      throw new AccelscopeError('bad-flag', `--${flag} takes ${min === 0 ? 'non-negative' : 'positive'} integers, comma-separated (got '${v}')`);
    }
  });
  return out;
}

function positiveInt(flag: string, v: number | undefined, need: string): number {
  if (v === undefined) throw new AccelscopeError('bad-flag', `${need} needs --${flag}`);
  if (!Number.isInteger(v) || v < 1) throw new AccelscopeError('bad-flag', `--${flag} must be a positive integer (got ${v})`);
  return v;
}

/** The QuantScheme of one op: activations (and KV) in --dtype, weights in --weights (default: --dtype). */
export function opQuantScheme(dtype: string, weights?: string): QuantScheme {
  const fmt = DTYPE_FORMATS[dtype];
  if (!fmt) throw new AccelscopeError('bad-flag', `--dtype must be one of ${Object.keys(DTYPE_FORMATS).join(', ')} (got '${dtype}')`);
  const activations = getFormat(fmt);
  const w: TensorFormat = weights ? getFormat(weights) : activations;
  const wide = activations.bitsPerElement >= 16 ? activations : getFormat('fp16');
  return {
    name: `w:${w.name} a:${activations.name}`,
    weights: w,
    activations,
    kv: activations.bitsPerElement >= 8 ? activations : wide,
    embeddings: getFormat('fp16'),
  };
}

export function gemmOps(a: OpArgs): GemmOp[] {
  const ms = parseIntList('m', a.m);
  const ns = parseIntList('n', a.n);
  const ks = parseIntList('k', a.k);
  const batch = positiveInt('batch', a.batch ?? 1, 'op gemm');
  const ops: GemmOp[] = [];
  for (const k of ks)
    for (const n of ns)
      for (const m of ms) {
        ops.push({
          id: 'gemm',
          name: 'gemm',
          cls: 'other',
          layer: 0,
          phase: m <= 16 ? 'decode' : 'prefill',
          deps: [],
          kind: 'gemm',
          m,
          n,
          k,
          batch,
          weight: 'layer',
          bias: false,
        });
      }
  return ops;
}

/** One attention op per --seq (prefill) or --context (decode) value, in the order given. */
export function attentionOps(a: OpArgs): AttentionOp[] {
  const phase = a.phase ?? 'decode';
  if (phase !== 'prefill' && phase !== 'decode') throw new AccelscopeError('bad-flag', `--phase must be one of prefill, decode (got '${phase}')`);
  const batch = positiveInt('batch', a.batch ?? 1, 'op attention');
  const heads = positiveInt('heads', a.heads, 'op attention');
  const kvHeads = positiveInt('kv-heads', a['kv-heads'] ?? heads, 'op attention');
  const headDim = positiveInt('head-dim', a['head-dim'], 'op attention');
  if (heads % kvHeads !== 0) throw new AccelscopeError('bad-flag', `--heads (${heads}) must be a multiple of --kv-heads (${kvHeads})`);
  let lens: { qLen: number; kvLen: number }[];
  if (phase === 'prefill') {
    if (a.context !== undefined) throw new AccelscopeError('bad-flag', 'prefill takes --seq, not --context');
    lens = parseIntList('seq', a.seq, 'op attention --phase prefill').map((seq) => ({ qLen: seq, kvLen: seq }));
  } else {
    if (a.seq !== undefined) throw new AccelscopeError('bad-flag', 'decode takes --context, not --seq');
    lens = parseIntList('context', a.context, 'op attention --phase decode', 0).map((ctx) => ({ qLen: 1, kvLen: ctx + 1 }));
  }
  return lens.map(({ qLen, kvLen }) => ({
    id: 'attention',
    name: 'attention',
    cls: 'attention',
    layer: 0,
    phase,
    deps: [],
    kind: 'attention',
    batch,
    heads,
    kvHeads,
    headDim,
    qLen,
    kvLen,
    causal: true,
    window: 0,
  }));
}

export const opCommand = {
  command: 'op <kind>',
  describe:
    'simulate one op (gemm | attention) on one or more arches, or one collective (all-reduce | all-gather | reduce-scatter | all-to-all | send-recv) on a --system',
  builder: (y: Argv) =>
    y
      .positional('kind', { type: 'string', choices: OP_KINDS as unknown as string[], describe: 'gemm | attention | a collective' })
      .option('arch', { type: 'string', array: true, describe: 'arch config JSON; repeat to compare arches (gemm, attention)' })
      .option('system', { type: 'string', describe: 'collectives: the system (preset name or systems/*.json)' })
      .option('ranks', { type: 'number', describe: 'collectives: ranks taking part (default every device; send-recv 2)' })
      .option('bytes', { type: 'string', describe: 'collectives: nccl-tests sizes, comma-separated (8,64K,1M,8G; default 8 B to 8 GiB)' })
      .option('algo', { type: 'string', describe: 'collectives: force ring | tree | nvls | direct | p2p (default: the fastest, as NCCL picks)' })
      .option('tp', { type: 'number', describe: 'gemm/attention with --system: the share one device runs at this tensor-parallel degree' })
      .option('split', { type: 'string', describe: 'gemm with --tp: column (split N, default) | row (split K, then an all-reduce)' })
      .option('m', { type: 'string', describe: 'gemm: rows of A and C (comma-separated list)' })
      .option('n', { type: 'string', describe: 'gemm: columns of B and C (list)' })
      .option('k', { type: 'string', describe: 'gemm: reduction dimension (list)' })
      .option('batch', { type: 'number', describe: 'gemm: independent GEMMs sharing the weights (default 1); attention: sequences (default 1)' })
      .option('dtype', { type: 'string', default: 'bf16', describe: 'activation / compute dtype: bf16, fp16, fp8, int8, tf32' })
      .option('weights', { type: 'string', describe: 'gemm: weight format (int4-g128, int2-g64, ternary, fp8-e4m3 …; default: --dtype)' })
      .option('phase', { type: 'string', describe: 'attention: prefill | decode (default decode)' })
      .option('heads', { type: 'number', describe: 'attention: query heads' })
      .option('kv-heads', { type: 'number', describe: 'attention: key/value heads (GQA; default --heads)' })
      .option('head-dim', { type: 'number', describe: 'attention: head dimension' })
      .option('seq', { type: 'string', describe: 'attention prefill: tokens per sequence (comma-separated list)' })
      .option('context', { type: 'string', describe: 'attention decode: tokens already in the KV cache (list; 0 allowed)' })
      .option('l2', { type: 'string', default: 'flushed', describe: 'L2 state at kernel start: flushed (dirty, as kernel benchmarks leave it) | cold (clean)' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON array of rows (docs/cli.md)' })
      .option('stack', {
        type: 'string',
        describe:
          'gemm/attention: software stack whose kernel family / attention backend runs the op (pytorch, vllm, tinychat …; docs/models/software-stacks.md); default none',
      })
      .option('power-history', POWER_HISTORY_OPTION),
  handler: (a: OpArgs, io: Io): number => {
    if (isCollectiveKind(a.kind)) {
      for (const f of ['arch', 'm', 'n', 'k', 'heads', 'seq', 'context', 'weights', 'tp', 'split', 'stack', 'power-history'] as const)
        if (a[f] !== undefined) throw new AccelscopeError('bad-flag', `op ${a.kind} does not take --${f}`);
      return collectiveHandler(a, io);
    }
    for (const f of ['ranks', 'bytes', 'algo'] as const)
      if (a[f] !== undefined) throw new AccelscopeError('bad-flag', `op ${a.kind} does not take --${f} (collectives do)`);
    const sharded = a.system !== undefined;
    if (sharded && a.arch !== undefined) throw new AccelscopeError('bad-flag', `op ${a.kind}: give --arch or --system (the system names its device), not both`);
    if (!sharded && (a.tp !== undefined || a.split !== undefined))
      throw new AccelscopeError('bad-flag', `--${a.tp !== undefined ? 'tp' : 'split'} needs --system`);
    if (!sharded && a.arch === undefined) throw new AccelscopeError('bad-flag', `op ${a.kind} needs --arch (or --system with --tp)`);
    if (a.l2 !== 'flushed' && a.l2 !== 'cold') throw new AccelscopeError('bad-flag', `--l2 must be flushed or cold (got '${a.l2}')`);
    const archFiles = Array.isArray(a.arch) ? a.arch : a.arch === undefined ? [] : [a.arch];
    let ops: Op[];
    if (a.kind === 'gemm') {
      for (const f of ['phase', 'heads', 'kv-heads', 'head-dim', 'seq', 'context'] as const) {
        if (a[f] !== undefined) throw new AccelscopeError('bad-flag', `op gemm does not take --${f}`);
      }
      ops = gemmOps(a);
    } else {
      for (const f of ['m', 'n', 'k', 'weights'] as const) {
        if (a[f] !== undefined) throw new AccelscopeError('bad-flag', `op attention does not take --${f}`);
      }
      ops = attentionOps(a);
    }
    const q = opQuantScheme(a.dtype, a.weights);
    if (sharded) return shardedOpHandler(ops, a, q, io);
    const rows = simulateRows(ops, archFiles, q, a.l2, a.stack, parsePowerHistory(a['power-history']));
    io.out(a.json ? JSON.stringify(rows, null, 2) + '\n' : renderOpRows(rows));
    return 0;
  },
};
