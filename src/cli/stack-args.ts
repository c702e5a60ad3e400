/**
 * `--stack NAME|file` (docs/models/software-stacks.md): the software stack a run's ops execute
 * under. The name resolves like --arch (src/cli/shipped-names.ts); absent, the run uses the arch's
 * own kernel assumptions (no stack: kernels back to back, no host or graph terms).
 */
import type { ArchConfig } from '../arch/base.ts';
import { assertStackRunsOn, loadStack } from '../config/load-stack.ts';
import { stackOnHost } from '../config/load-host.ts';
import type { Stack } from '../stack/schema.ts';

/**
 * The run options of one stack file on one arch: the loaded stack and its file, or nothing. With
 * `hostFile` (`--host`, src/stack/host.ts) the stack's host launch costs are the host's.
 */
export function stackRunOptions(file: string | undefined, arch: ArchConfig, hostFile?: string): { stack?: Stack; stackFile?: string } {
  if (file === undefined) {
    stackOnHost(undefined, hostFile);
    return {};
  }
  const stack = loadStack(file);
  assertStackRunsOn(stack, arch.kind, file);
  return { stack: stackOnHost(stack, hostFile)!, stackFile: file };
}

/** The --stack values as a list ([undefined] when none was given). */
export function stackList(v: string | string[] | undefined): (string | undefined)[] {
  const l = v === undefined ? [] : [v].flat();
  return l.length ? l : [undefined];
}
