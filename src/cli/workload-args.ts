/** Flags shared by commands that build a workload (simulate, quant, sweep helpers). */
import type { Argv } from 'yargs';
import { loadGraph, loadModel } from '../config/load.ts';
import { buildGraph } from '../workload/builders/decoder.ts';
import type { OpGraph, Phase } from '../workload/graph.ts';
import { AccelscopeError } from '../util/errors.ts';

export interface WorkloadArgs {
  model?: string;
  graph?: string;
  phase?: string;
  batch: number;
  seq?: number;
  context?: number;
  'logits-all'?: boolean;
  'mla-form'?: string;
  'expert-capacity'?: number;
}

export function workloadFlags<T>(y: Argv<T>) {
  return y
    .option('model', { type: 'string', describe: 'Hugging Face config.json of the model (workloads/models/*.json)' })
    .option('graph', { type: 'string', describe: 'an OpGraph JSON file (e.g. from `trace import`) instead of --model' })
    .option('phase', { type: 'string', describe: 'prefill | decode | generate (default: decode)' })
    .option('batch', { type: 'number', default: 1, describe: 'sequences in the batch (integer ≥ 1)' })
    .option('seq', { type: 'number', describe: 'prefill: prompt tokens per sequence' })
    .option('context', { type: 'number', describe: 'decode: tokens already in the KV cache' })
    .option('logits-all', { type: 'boolean', default: false, describe: 'prefill computes logits for every token (as a HF forward does)' })
    .option('mla-form', { type: 'string', describe: 'MLA models (DeepSeek): naive | absorbed attention (default: naive for prefill, absorbed for decode)' })
    .option('expert-capacity', {
      type: 'number',
      describe: 'MoE models: expert capacity factor f, each expert takes at most ceil(f·T·k/E) tokens (default: no limit)',
    });
}

export function phaseOf(p: string | undefined, allowed: string[] = ['prefill', 'decode']): string {
  const phase = p ?? 'decode';
  if (!allowed.includes(phase)) throw new AccelscopeError('bad-flag', `--phase must be one of ${allowed.join(', ')} (got '${phase}')`);
  return phase;
}

export function workloadGraph(a: WorkloadArgs): OpGraph {
  if (a.graph && a.model) throw new AccelscopeError('bad-flag', 'give either --model or --graph, not both');
  if (a.graph) {
    const shaping = (['phase', 'seq', 'context'] as const).filter((k) => a[k] !== undefined);
    if (shaping.length) throw new AccelscopeError('bad-flag', `--graph fixes the phase and shapes: drop ${shaping.map((k) => `--${k}`).join(', ')}`);
    return loadGraph(a.graph);
  }
  if (!a.model) throw new AccelscopeError('bad-flag', 'missing --model (a HF config.json) or --graph (an OpGraph file)');
  const phase = phaseOf(a.phase) as Phase;
  if (phase === 'prefill' && a.context !== undefined) throw new AccelscopeError('bad-flag', 'prefill takes --seq, not --context');
  if (phase === 'decode' && a.seq !== undefined) throw new AccelscopeError('bad-flag', 'decode takes --context, not --seq');
  if (phase === 'decode' && a['logits-all'])
    throw new AccelscopeError('bad-flag', '--logits-all goes with --phase prefill (a decode step has one token per sequence)');
  const spec = loadModel(a.model);
  const mlaForm = a['mla-form'];
  if (mlaForm !== undefined) {
    if (mlaForm !== 'naive' && mlaForm !== 'absorbed') throw new AccelscopeError('bad-flag', `--mla-form must be naive or absorbed (got '${mlaForm}')`);
    if (!spec.mla) throw new AccelscopeError('bad-flag', `--mla-form applies to MLA models (deepseek_v2, deepseek_v3); ${spec.name} is ${spec.modelType}`);
  }
  const capacity = a['expert-capacity'];
  if (capacity !== undefined && !spec.moe)
    throw new AccelscopeError('bad-flag', `--expert-capacity applies to MoE models; ${spec.name} is ${spec.modelType} without experts`);
  return buildGraph(spec, {
    phase,
    batch: a.batch,
    seq: a.seq,
    context: a.context,
    logitsForAllTokens: a['logits-all'],
    ...(mlaForm !== undefined ? { mlaForm } : {}),
    ...(capacity !== undefined ? { expertCapacityFactor: capacity } : {}),
  });
}
