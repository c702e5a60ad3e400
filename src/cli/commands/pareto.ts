/** `accelscope pareto results.jsonl --objectives latency,energy`: print the Pareto front. */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { readResultLines } from '../../sweep/merge.ts';
import { objectiveDef, OBJECTIVE_NAMES } from '../../sweep/objectives.ts';
import { orient, paretoFront } from '../../sweep/pareto.ts';
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
    const lines = readResultLines(a.results);
    const defs = a.objectives.split(',').map((n) => {
      const d = objectiveDef(n.trim());
      if (d) return d;
      const key = n.trim();
      if (lines.some((l) => typeof l.objectives?.[key] === 'number')) return { key, goal: 'min' as const, unit: '' };
      throw new AccelscopeError('bad-flag', `unknown objective '${key}' (known: ${OBJECTIVE_NAMES.join(', ')})`);
    });
    const twice = defs.find((d, i) => defs.findIndex((e) => e.key === d.key) !== i);
    if (twice) throw new AccelscopeError('bad-flag', `--objectives names ${twice.key} twice`);
    const items = lines
      .filter((l) => l.ok && l.objectives)
      .flatMap((l) => {
        const v = orient(l.objectives!, defs);
        return v ? [{ index: l.index, values: v, line: l }] : [];
      });
    const front = paretoFront(items).sort((x, y) => x.values[0]! - y.values[0]!);
    if (a.json) {
      io.out(front.map((f) => JSON.stringify(f.line)).join('\n') + (front.length ? '\n' : ''));
      return 0;
    }
    io.out(
      `Pareto front over ${defs.map((d) => `${d.key} (${d.goal})`).join(', ')}: ${front.length} of ${items.length} feasible points (${lines.length - items.length} infeasible or missing)\n\n`,
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
