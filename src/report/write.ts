/** Writes a run report beside a command's own output (`simulate --html F`), atomically. */
import type { Io } from '../cli/io.ts';
import type { RunInput } from './inputs.ts';
import { renderRunReport } from './run-report.ts';
import { writeFileAtomic } from '../util/json-file.ts';
import { formatBytes } from '../util/format.ts';

/** The note goes to stderr so that `--json --html F` still prints one JSON document on stdout. */
export function writeRunHtml(file: string, run: RunInput | RunInput[], io: Io): void {
  const html = renderRunReport(run);
  writeFileAtomic(file, html);
  io.err(`wrote ${file} (${formatBytes(Buffer.byteLength(html))}, run report)\n`);
}
