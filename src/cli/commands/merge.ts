/**
 * `accelscope merge shard*.jsonl -o results.jsonl`: combine shard files of one sweep, or the
 * results of several specs (then it says which specs and what differs between them).
 */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { mergeResults } from '../../sweep/merge.ts';
import { writeFileAtomic } from '../../util/json-file.ts';
import { assertOutputNotInput } from '../../util/output-path.ts';
import { acquireLock } from '../../util/file-lock.ts';
import { specDifferences, specSummaries } from '../../report/sweep-specs.ts';
import type { SweepLine } from '../../report/inputs.ts';

export const mergeCommand = {
  command: 'merge <files..>',
  describe: 'merge sweep shard files, or results of several specs (says what differs between them)',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'results files (JSON lines)' })
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
    const { lines, duplicates, specs } = merged;
    io.err(`merged ${lines.length} points from ${a.files.length} file(s)${duplicates ? `, ${duplicates} duplicates dropped` : ''} → ${a.o}\n`);
    if (specs.length > 1) {
      const diff = specDifferences(specSummaries(lines as unknown as SweepLine[]));
      io.err(
        `note: ${specs.length} sweep specs merged (${specs.map((s) => `${s.spec} from ${s.file}`).join(', ')}); they differ in: ${diff.join(', ') || 'nothing but their hash'}\n`,
      );
    }
    return 0;
  },
};
