/**
 * `--stack NAME|file` (docs/models/software-stacks.md): the software stack a run's ops execute
 * under. The name resolves like --arch (src/cli/shipped-names.ts); absent, the run uses the arch's
 * own kernel assumptions (no stack: kernels back to back, no host or graph terms).
 */
import type { Argv } from 'yargs';
import type { ArchConfig } from '../arch/base.ts';
import { assertStackRunsOn, loadStack } from '../config/load-stack.ts';
import type { Stack } from '../stack/schema.ts';

export function stackFlag<T>(y: Argv<T>, repeatable: boolean): Argv<T> {
  return y.option('stack', {
    type: 'string',
    ...(repeatable ? { array: true } : {}),
    describe: `software stack: a shipped name (pytorch, pytorch-cudagraph, vllm, tensorrt-llm, tinychat, llama.cpp; accelscope list stacks) or a stacks/*.json file${repeatable ? '; repeat to compare' : ''}; default none (the arch's own kernel assumptions)`,
  }) as unknown as Argv<T>;
}

/** The run options of one stack file on one arch: the loaded stack and its file, or nothing. */
export function stackRunOptions(file: string | undefined, arch: ArchConfig): { stack?: Stack; stackFile?: string } {
  if (file === undefined) return {};
  const stack = loadStack(file);
  assertStackRunsOn(stack, arch.kind, file);
  return { stack, stackFile: file };
}

/** The --stack values as a list ([undefined] when none was given). */
export function stackList(v: string | string[] | undefined): (string | undefined)[] {
  const l = v === undefined ? [] : [v].flat();
  return l.length ? l : [undefined];
}
