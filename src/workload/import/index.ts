/**
 * Traced-graph import: a PyTorch profiler Chrome trace (.json, .json.gz) or an ONNX model
 * (.onnx) → one OpGraph per forward pass, plus a report of what was not imported.
 * docs/trace-import.md describes the mapping; `accelscope trace import` is the CLI over it.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { importTrace } from './trace-import.ts';
import { importOnnx, type OnnxImportOptions } from './onnx-import.ts';
import type { ImportResult } from './finish.ts';
import { AccelscopeError } from '../../util/errors.ts';

export type { ImportResult } from './finish.ts';
export type { ImportReport, ImportOptions } from './types.ts';
export { importTrace } from './trace-import.ts';
export { importOnnx } from './onnx-import.ts';

export type ImportFormat = 'trace' | 'onnx';

/** By extension; else by the first byte (JSON starts with '{' or '[', gzip with 0x1f). */
export function detectFormat(file: string): ImportFormat {
  if (/\.onnx$/i.test(file)) return 'onnx';
  if (/\.json(\.gz)?$/i.test(file)) return 'trace';
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AccelscopeError('file-not-found', code === 'ENOENT' ? 'no such file' : `cannot read file (${code ?? 'unknown error'})`, { file });
  }
  const buf = Buffer.alloc(1);
  try {
    readSync(fd, buf, 0, 1, 0);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AccelscopeError(
      'file-not-found',
      code === 'EISDIR' ? 'is a directory, not a trace or ONNX file' : `cannot read file (${code ?? 'unknown error'})`,
      { file },
    );
  } finally {
    closeSync(fd);
  }
  return buf[0] === 0x7b || buf[0] === 0x5b ? 'trace' : 'onnx';
}

export function importGraphFile(file: string, opts: OnnxImportOptions & { format?: ImportFormat } = {}): ImportResult {
  const format = opts.format ?? detectFormat(file);
  return format === 'onnx' ? importOnnx(file, opts) : importTrace(file, opts);
}
