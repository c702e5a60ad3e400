/** `accelscope merge shard*.jsonl -o results.jsonl`: combine shard files of one sweep. */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { mergeResults } from '../../sweep/merge.ts';
import { writeFileAtomic } from '../../util/json-file.ts';
import { assertOutputNotInput } from '../../util/output-path.ts';
import { acquireLock } from '../../util/file-lock.ts';

export const mergeCommand = {
  command: 'merge <files..>',
  describe: 'merge sweep shard files (checks they come from the same spec)',
  builder: (y: Argv) =>
    y.positional('files', { type: 'string', array: true, describe: 'results files (JSON lines)' })
      .option('o', { alias: 'out', type: 'string', demandOption: true, describe: 'merged results file' }),
  handler: (a: { files: string[]; o: string }, io: Io): number => {
    assertOutputNotInput(a.o, a.files, '-o');
    // One writer per results file: not while a sweep (or another merge) writes it.
    const release = acquireLock(a.o, 'merge');
    let merged: ReturnType<typeof mergeResults>;
    try {
      merged = mergeResults(a.files);
      writeFileAtomic(a.o, merged.lines.map((l) => JSON.stringify(l)).join('\n') + (merged.lines.length ? '\n' : ''));
    } finally {
      release();
    }
    const { lines, duplicates } = merged;
    io.err(`merged ${lines.length} points from ${a.files.length} file(s)${duplicates ? `, ${duplicates} duplicates dropped` : ''} → ${a.o}\n`);
    return 0;
  },
};
