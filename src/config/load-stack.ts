/**
 * Software stacks (`stacks/*.json`, docs/models/software-stacks.md): a file → a validated Stack or
 * a one-line error naming the file and the JSON pointer. A stack may `extends` another file
 * (path relative to it) with `overrides`, exactly like an arch config; its `calibration` section
 * accepts the declared stack factors only (src/stack/factors.ts), each within its range.
 */
import { AccelscopeError } from '../util/errors.ts';
import { checkCalibrationNames } from '../arch/calibration.ts';
import { STACK_FACTORS } from '../stack/factors.ts';
import { stackSchema, type Stack } from '../stack/schema.ts';
import { resolveArchDocument } from './load.ts';
import { validateOrThrow } from './ajv.ts';
import { isObject } from './merge.ts';

/** Validates an in-memory stack document. */
export function validateStack(doc: unknown, file?: string): Stack {
  if (!isObject(doc)) throw new AccelscopeError('schema', 'must be object', { file, pointer: '' });
  checkCalibrationNames(doc, STACK_FACTORS, 'software stack', file);
  validateOrThrow(stackSchema, doc, file);
  const s = doc as Stack;
  const gpuOnly = s.kinds.every((k) => k === 'gpu-tensor-core');
  if ((s.attention || s.gemm) && !s.kinds.includes('gpu-tensor-core')) {
    throw new AccelscopeError('schema', "'attention' and 'gemm' describe GPU kernels: the stack must list gpu-tensor-core in 'kinds'", {
      file,
      pointer: s.attention ? '/attention' : '/gemm',
    });
  }
  if (s.launch === 'cuda-graph' && !gpuOnly) {
    throw new AccelscopeError('schema', "launch 'cuda-graph' needs kinds [gpu-tensor-core] only", { file, pointer: '/launch' });
  }
  return s;
}

/** Loads a stack file (already resolved from a shipped name by the CLI). */
export function loadStack(file: string): Stack {
  return validateStack(resolveArchDocument(file), file);
}

/** The stack a run uses on an arch kind: a one-line error when it does not run on that kind. */
export function assertStackRunsOn(stack: Stack, kind: string, file?: string): void {
  if (!(stack.kinds as readonly string[]).includes(kind)) {
    throw new AccelscopeError('schema', `software stack '${stack.name}' runs on ${stack.kinds.join(', ')}, not on ${kind}`, { file, pointer: '/kinds' });
  }
}
