/** Flags of a multi-device run (`--system NAME|path --tp --pp --ep --dp …`) and the plan they give. */
import type { Argv } from 'yargs';
import { AccelscopeError } from '../util/errors.ts';
import type { ParallelPlan } from '../parallel/plan.ts';

export interface SystemArgs {
  system?: string;
  tp?: number;
  pp?: number;
  ep?: number;
  dp?: number;
  'micro-batches'?: number;
  sp?: boolean;
  overlap?: boolean;
}

export const PLAN_FLAGS = ['tp', 'pp', 'ep', 'dp', 'micro-batches', 'sp', 'overlap'] as const;

export function systemFlags<T>(y: Argv<T>) {
  return y
    .option('system', {
      type: 'string',
      describe:
        'a multi-device system: preset name (dgx-h100, dgx-a100, hgx-h200, l40s-8x-pcie, rtx-4090-2x-pcie, dgx-h100-2node-ib, a100-4x-nvlink3) or systems/*.json path',
    })
    .option('tp', { type: 'number', describe: 'tensor-parallel degree (with --system; default 1)' })
    .option('pp', { type: 'number', describe: 'pipeline-parallel stages (with --system; default 1)' })
    .option('ep', { type: 'number', describe: 'expert-parallel degree for MoE: 1 or tp × dp (with --system)' })
    .option('dp', { type: 'number', describe: 'data-parallel replicas; each takes batch / dp sequences (with --system)' })
    .option('micro-batches', { type: 'number', describe: 'pipeline micro-batches per step (default min(batch / dp, pp))' })
    .option('sp', { type: 'boolean', describe: 'Megatron sequence parallelism (reduce-scatter + all-gather) with --tp' })
    .option('overlap', { type: 'boolean', describe: 'overlap each TP collective with the GEMM that produces it' });
}

/** True when the command should run on a system (any system or plan flag given). */
export function wantsSystem(a: SystemArgs): boolean {
  return a.system !== undefined || PLAN_FLAGS.some((k) => a[k] !== undefined && a[k] !== false);
}

export function planFromArgs(a: SystemArgs): ParallelPlan {
  if (a.system === undefined) {
    const given = PLAN_FLAGS.filter((k) => a[k] !== undefined && a[k] !== false);
    throw new AccelscopeError(
      'bad-flag',
      `${given.map((k) => `--${k}`).join(', ')} need${given.length === 1 ? 's' : ''} --system (a multi-device system: systems/*.json or a preset name)`,
    );
  }
  return {
    tp: a.tp ?? 1,
    pp: a.pp ?? 1,
    ep: a.ep ?? 1,
    dp: a.dp ?? 1,
    ...(a['micro-batches'] !== undefined ? { microBatches: a['micro-batches'] } : {}),
    sequenceParallel: a.sp === true,
    overlap: a.overlap === true,
  };
}
