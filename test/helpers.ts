/** Fixture builders that stop at a pipeline stage, shared by tests. */
import { resolve } from 'node:path';
import { loadArch, loadModel } from '../src/config/load.ts';
import { buildGraph, type BuildOptions } from '../src/workload/builders/decoder.ts';
import type { OpGraph } from '../src/workload/graph.ts';
import type { ArchConfig } from '../src/config/arch.ts';
import { deepMerge } from '../src/config/merge.ts';
import { main } from '../src/cli/main.ts';
import { captureIo } from '../src/cli/io.ts';
import { AccelscopeError } from '../src/util/errors.ts';

export const ROOT = resolve(import.meta.dirname, '..');
/** The repository's copies of the published reference data (data/reference/, data/measured/). */
export const DATA = resolve(ROOT, 'data');
/** Real traced graphs (test/fixtures/README.md). */
export const FIXTURES = resolve(ROOT, 'test/fixtures');

export function modelPath(name: string): string {
  return resolve(ROOT, 'workloads/models', `${name}.json`);
}

export function archPath(rel: string): string {
  return resolve(ROOT, 'arch-configs', rel.endsWith('.json') ? rel : `${rel}.json`);
}

export function buildFor(model: string, opts: BuildOptions): OpGraph {
  return buildGraph(loadModel(modelPath(model)), opts);
}

/** An arch config from arch-configs/ with overrides deep-merged on top. */
export function makeArch<T extends ArchConfig = ArchConfig>(rel: string, overrides: object = {}): T {
  return deepMerge(loadArch(archPath(rel)), overrides) as T;
}

/** Runs the CLI in-process; returns exit code, stdout and stderr. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Runs `fn` and returns the AccelscopeError it throws; fails when it throws nothing or a bug. */
export function userError(fn: () => unknown): AccelscopeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AccelscopeError) return e;
    throw e;
  }
  throw new Error('expected an AccelscopeError');
}
