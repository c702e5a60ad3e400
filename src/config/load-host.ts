/**
 * Hosts (`hosts/*.json`, `--host`, src/stack/host.ts): a file → a validated Host or a one-line
 * error naming the file and the JSON pointer. A host may `extends` another file with `overrides`,
 * like an arch config; its `calibration` accepts the host factors only (hostLaunchSeconds,
 * hostStepSeconds), each within its range.
 */
import { AccelscopeError } from '../util/errors.ts';
import { checkCalibrationNames } from '../arch/calibration.ts';
import { HOST_FACTORS, hostSchema, withHost, type Host } from '../stack/host.ts';
import type { Stack } from '../stack/schema.ts';
import { resolveArchDocument } from './load.ts';
import { validateOrThrow } from './ajv.ts';
import { isObject } from './merge.ts';

export function validateHost(doc: unknown, file?: string): Host {
  if (!isObject(doc)) throw new AccelscopeError('schema', 'must be object', { file, pointer: '' });
  checkCalibrationNames(doc, HOST_FACTORS, 'host', file);
  validateOrThrow(hostSchema, doc, file);
  return doc as Host;
}

export function loadHost(file: string): Host {
  return validateHost(resolveArchDocument(file), file);
}

/** The stack on a host file; a host without a stack is a one-line error (it sets a stack's launch costs). */
export function stackOnHost(stack: Stack | undefined, hostFile: string | undefined): Stack | undefined {
  if (hostFile === undefined) return stack;
  if (stack === undefined) throw new AccelscopeError('bad-flag', '--host sets the host launch costs of a software stack: give --stack too');
  return withHost(stack, loadHost(hostFile));
}
