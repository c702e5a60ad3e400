/**
 * The simulated side: one measured pass run on an arch (under a software stack, if given)
 * through the engine (engine/evaluate, the one way to evaluate), with the groups that match its
 * simulated ops to the traced ones (op-groups.ts) and each group's measured and simulated
 * seconds. The workload's memory footprint is not checked: a trace was recorded, so it ran.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { RunOptions, RunResult } from '../engine/run.ts';
import { evaluateGraph, orThrow } from '../engine/evaluate.ts';
import type { MeasuredPass } from './measured-ops.ts';
import { opGroups, type OpGroup } from './op-groups.ts';

export interface GroupTime extends OpGroup {
  measuredSeconds: number;
  simulatedSeconds: number;
}

export interface SimulatedPass {
  run: RunResult;
  groups: GroupTime[];
}

export function simulatePass(pass: MeasuredPass, arch: ArchConfig, quant: QuantScheme, options: RunOptions = {}): SimulatedPass {
  const run = orThrow(evaluateGraph(pass.graph, arch, quant, { ...options, ignoreCapacity: true }), options.archFile).run;
  const groups = opGroups(
    pass.graph.ops.map((o) => o.id),
    run.ops.map((o) => o.id),
  ).map((g) => ({
    ...g,
    measuredSeconds: g.traced.reduce((a, i) => a + pass.measuredSeconds[i]!, 0),
    simulatedSeconds: g.simulated.reduce((a, i) => a + run.ops[i]!.seconds, 0),
  }));
  return { run, groups };
}
