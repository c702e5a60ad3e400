/**
 * An output path that names one of the command's inputs would destroy that input
 * (`sweep spec.json --out spec.json`, `report x.jsonl -o x.jsonl`): an error before anything
 * is read or written. Paths are compared after resolving symbolic links.
 */
import { realpathSync } from 'node:fs';
import { dirname, basename, resolve, join } from 'node:path';
import { AccelscopeError } from './errors.ts';

/** The canonical form of a path that may not exist yet (its folder resolved, when that exists). */
function canonical(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/**
 * Throws when `out` (or a file derived from it, e.g. `<out>.partial`) is one of `inputs`.
 * `flag` names the output option in the message.
 */
export function assertOutputNotInput(out: string, inputs: (string | undefined)[], flag: string, derived: string[] = []): void {
  const outs = [out, ...derived].map(canonical);
  for (const input of inputs) {
    if (input === undefined) continue;
    if (outs.includes(canonical(input))) {
      throw new AccelscopeError('bad-flag', `${flag} ${out} is also an input of this command: writing it would destroy that input; name another output file`, {
        file: out,
      });
    }
  }
}
