/** `accelscope pareto results.jsonl --objectives latency,energy`: print the Pareto front. */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { readResults } from '../../sweep/result-lines.ts';
import { RunningFront } from '../../sweep/running-front.ts';
import type { ResultLine } from '../../sweep/evaluate.ts';
import { objectiveDef, OBJECTIVE_NAMES } from '../../sweep/objectives.ts';
import { orient } from '../../sweep/pareto.ts';
import { AccelscopeError } from '../../util/errors.ts';
import { renderTable } from '../table.ts';
import { formatObjective } from '../../report/objectives.ts';

export const paretoCommand = {
  command: 'pareto <results>',
  describe: 'print the Pareto front of a sweep over chosen objectives',
  builder: (y: Argv) =>
    y
      .positional('results', { type: 'string', describe: 'results file (JSON lines)' })
      .option('objectives', { type: 'string', default: 'latency,energy', describe: `comma-separated: ${OBJECTIVE_NAMES.join(', ')} or a result key` })
      .option('json', { type: 'boolean', default: false, describe: 'print the front as JSON lines' }),
  handler: (a: { results: string; objectives: string; json: boolean }, io: Io): number => {
    // Streamed (sweep/result-lines.ts) with a running front (sweep/running-front.ts): only the front is held.
    const names = a.objectives.split(',').map((n) => n.trim());
    const known = names.map((n) => objectiveDef(n));
    // A name that is no objective of the table may be a result key: minimized, if some line has it as a number.
    const defs = names.map((key, i) => known[i] ?? { key, goal: 'min' as const, unit: '' });
    const keyFound = names.map((_, i) => known[i] !== undefined);
    const running = new RunningFront<ResultLine>();
    let lineCount = 0;
    let itemCount = 0;
    for (const l of readResults(a.results)) {
      lineCount++;
      if (l.objectives) for (let i = 0; i < names.length; i++) if (!keyFound[i] && typeof l.objectives[names[i]!] === 'number') keyFound[i] = true;
      if (!l.ok || !l.objectives) continue;
      const v = orient(l.objectives, defs);
      if (!v) continue;
      itemCount++;
      running.add(v, l);
    }
    const unknown = names.find((_, i) => !keyFound[i]);
    if (unknown !== undefined) throw new AccelscopeError('bad-flag', `unknown objective '${unknown}' (known: ${OBJECTIVE_NAMES.join(', ')})`);
    const twice = defs.find((d, i) => defs.findIndex((e) => e.key === d.key) !== i);
    if (twice) throw new AccelscopeError('bad-flag', `--objectives names ${twice.key} twice`);
    const front = running
      .items()
      .map((line) => ({ index: line.index, values: orient(line.objectives!, defs)!, line }))
      .sort((x, y) => x.values[0]! - y.values[0]!);
    if (a.json) {
      io.out(front.map((f) => JSON.stringify(f.line)).join('\n') + (front.length ? '\n' : ''));
      return 0;
    }
    io.out(
      `Pareto front over ${defs.map((d) => `${d.key} (${d.goal})`).join(', ')}: ${front.length} of ${itemCount} feasible points (${lineCount - itemCount} infeasible or missing)\n\n`,
    );
    const paramKeys = [...new Set(front.flatMap((f) => Object.keys(f.line.point.params)))];
    // The design a point names in a sweep over several archs, systems or stacks.
    const designKeys = (['arch', 'system', 'stack'] as const).filter((k) => front.some((f) => f.line.point[k] !== undefined));
    io.out(
      renderTable(
        ['index', ...defs.map((d) => d.key), ...designKeys, ...paramKeys, 'quant', 'workload'],
        front.map((f) => [
          f.index,
          ...defs.map((d) => formatObjective(d.key, Number(f.line.objectives![d.key]))),
          ...designKeys.map((k) => f.line.point[k] ?? ''),
          ...paramKeys.map((k) => String(f.line.point.params[k] ?? '')),
          f.line.point.quant,
          Object.entries(f.line.point.workload)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
        ]),
      ),
    );
    return 0;
  },
};
