/** `accelscope merge shard*.jsonl -o results.jsonl`: combine shard files of one sweep. */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { mergeResults } from '../../sweep/merge.ts';
import { writeFileAtomic } from '../../util/json-file.ts';

export const mergeCommand = {
  command: 'merge <files..>',
  describe: 'merge sweep shard files (checks they come from the same spec)',
  builder: (y: Argv) =>
    y.positional('files', { type: 'string', array: true, describe: 'results files (JSON lines)' })
      .option('o', { alias: 'out', type: 'string', demandOption: true, describe: 'merged results file' }),
  handler: (a: { files: string[]; o: string }, io: Io): number => {
    const { lines, duplicates } = mergeResults(a.files);
    writeFileAtomic(a.o, lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
    io.err(`merged ${lines.length} points from ${a.files.length} file(s)${duplicates ? `, ${duplicates} duplicates dropped` : ''} → ${a.o}\n`);
    return 0;
  },
};
