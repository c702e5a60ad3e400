/**
 * `accelscope merge shard*.jsonl -o results.jsonl`: combine shard files of one sweep, or the
 * results of several specs (then it says which specs and what differs between them).
 */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { mergeResultFiles, type MergeSummary } from '../../sweep/merge.ts';
import { assertOutputNotInput } from '../../util/output-path.ts';
import { acquireLock } from '../../util/file-lock.ts';
import { specDifferences, SpecTally } from '../../report/sweep-specs.ts';
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
    let merged: MergeSummary;
    // Streamed in bounded memory (sweep/merge.ts); the spec summaries are tallied as the lines pass.
    const tally = new SpecTally();
    try {
      merged = mergeResultFiles(a.files, a.o, (l) => tally.add(l as unknown as SweepLine));
    } finally {
      release();
    }
    const { lines, duplicates, specs } = merged;
    io.err(`merged ${lines} points from ${a.files.length} file(s)${duplicates ? `, ${duplicates} duplicates dropped` : ''} → ${a.o}\n`);
    if (specs.length > 1) {
      const diff = specDifferences(tally.summaries());
      io.err(
        `note: ${specs.length} sweep specs merged (${specs.map((s) => `${s.spec} from ${s.file}`).join(', ')}); they differ in: ${diff.join(', ') || 'nothing but their hash'}\n`,
      );
    }
    return 0;
  },
};
