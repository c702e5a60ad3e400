/**
 * The simulated side: one measured pass run on an arch through the engine (engine/evaluate, the
 * one way to evaluate), giving the model's seconds for each op of the pass. The workload's memory
 * footprint is not checked: a trace was recorded, so it ran.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { RunOptions, RunResult } from '../engine/run.ts';
import { evaluateGraph, orThrow } from '../engine/evaluate.ts';
import type { MeasuredPass } from './measured-ops.ts';

export function simulatePass(pass: MeasuredPass, arch: ArchConfig, quant: QuantScheme, options: RunOptions = {}): RunResult {
  const run = orThrow(evaluateGraph(pass.graph, arch, quant, { ...options, ignoreCapacity: true }), options.archFile).run;
  if (run.ops.length !== pass.graph.ops.length || run.ops.some((o, i) => o.id !== pass.graph.ops[i]!.id)) {
    throw new Error('engine run returned ops out of graph order'); // a bug, not a user error
  }
  return run;
}
