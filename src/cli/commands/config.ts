/** `accelscope config --arch A [--json]`: the arch config fully resolved, each value with its source. */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { resolveArchWithSources, type ResolvedArch } from '../../config/resolved-arch.ts';
import { getPointer } from '../../config/merge.ts';
import { renderTable } from '../table.ts';

export interface ConfigArgs {
  arch: string;
  json: boolean;
}

export const configCommand = {
  command: 'config',
  describe: 'print an arch config fully resolved (extends and overrides applied, defaults filled), each value with its source',
  builder: (y: Argv) =>
    y
      .option('arch', { type: 'string', demandOption: true, describe: 'arch config JSON (arch-configs/…)' })
      .option('json', { type: 'boolean', default: false, describe: 'print {file, kind, config, sources} as JSON' }),
  handler: (a: ConfigArgs, io: Io): number => {
    const r = resolveArchWithSources(a.arch);
    io.out(a.json ? JSON.stringify(r, null, 2) + '\n' : renderResolved(r));
    return 0;
  },
};

export function renderResolved(r: ResolvedArch): string {
  const rows = Object.entries(r.sources).map(([p, s]) => {
    const v = getPointer(r.config, p);
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    const from = s.origin === 'default' ? `default (${s.declared})` : `${s.origin} ${s.file}`;
    return [p, text.length > 60 ? `${text.slice(0, 57)}...` : text, from];
  });
  return `${r.config.name} [${r.kind}] from ${r.file}\n${renderTable(['pointer', 'value', 'source'], rows, [0, 1, 2])}`;
}
