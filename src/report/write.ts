/** Writes a run report beside a command's own output (`simulate --html F`), atomically. */
import type { RunInput } from './inputs.ts';
import { renderRunReport } from './run-report.ts';
import { writeFileAtomic } from '../util/json-file.ts';
import { formatBytes } from '../util/format.ts';

/** The note goes to stderr so that `--json --html F` still prints one JSON document on stdout. */
/** Where the 'wrote …' note goes (the CLI's stderr); structural, so report/ imports nothing from cli/. */
export interface NoteSink {
  err(text: string): void;
}

export function writeRunHtml(file: string, run: RunInput | RunInput[], io: NoteSink): void {
  const html = renderRunReport(run);
  writeFileAtomic(file, html);
  io.err(`wrote ${file} (${formatBytes(Buffer.byteLength(html))}, run report)\n`);
}
