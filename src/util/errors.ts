/**
 * One catalogue of user-facing errors. A user error is an AccelscopeError with a code, a one-line
 * message and, where it concerns a file, the file and the JSON pointer. The CLI prints
 * `error: <file>: <pointer>: <message>` and exits 2; a bug is any other exception.
 */
export type ErrorCode =
  | 'file-not-found'
  | 'malformed-json'
  | 'schema'
  | 'unknown-model-type'
  | 'unknown-kind'
  | 'unknown-op'
  | 'unknown-format'
  | 'bad-quant'
  | 'bad-flag'
  | 'does-not-fit'
  | 'infeasible'
  | 'unsupported'
  | 'check-failed'
  | 'write-failed'
  | 'locked';

/**
 * Names a run parameter (batch, seq, context, prompt, output, threads, strict, ignoreCapacity) in a
 * message. Library code (engine, workload builders, hardware models) writes messages with
 * `withParams`, naming parameters, never CLI flags; the CLI renders the same message with its
 * flags (`--batch`, `--ignore-capacity`).
 */
export type ParamNamer = (param: string) => string;
export const plainParam: ParamNamer = (p) => p;

export class AccelscopeError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly pointer?: string;
  /** The message with its parameters named by the caller's namer (set by withParams). */
  phrase?: (name: ParamNamer) => string;
  constructor(code: ErrorCode, message: string, where: { file?: string; pointer?: string } = {}) {
    super(message);
    this.name = 'AccelscopeError';
    this.code = code;
    this.file = where.file;
    this.pointer = where.pointer;
  }

  /** An error whose message names run parameters: `message` uses their plain names. */
  static withParams(code: ErrorCode, phrase: (name: ParamNamer) => string, where: { file?: string; pointer?: string } = {}): AccelscopeError {
    const e = new AccelscopeError(code, phrase(plainParam), where);
    e.phrase = phrase;
    return e;
  }

  /** The one line the CLI prints; `name` renders parameters (the CLI passes its flag names). */
  toLine(name?: ParamNamer): string {
    const parts = ['error:'];
    if (this.file) parts.push(`${this.file}:`);
    if (this.pointer !== undefined) parts.push(`${this.pointer || '/'}:`);
    parts.push(name && this.phrase ? this.phrase(name) : this.message);
    return parts.join(' ');
  }
}

/**
 * A design point a hardware model cannot run (unsupported format, a buffer that does not fit).
 * It is a value for sweeps (recorded with its reason) and an error for a single simulate.
 */
export class InfeasibleError extends AccelscopeError {
  constructor(message: string, where: { file?: string; pointer?: string } = {}) {
    super('infeasible', message, where);
    this.name = 'InfeasibleError';
  }
}

export function isAccelscopeError(e: unknown): e is AccelscopeError {
  return e instanceof AccelscopeError;
}

/**
 * Runs a hardware model on an arch config loaded from `file`: an error the model raises points
 * into that config (`/fpga/…`) but does not know its file, so the one printed line names it.
 */
export function inArchFile<T>(file: string | undefined, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!file || !isAccelscopeError(e) || e.file !== undefined || e.pointer === undefined) throw e;
    const where = { file, pointer: e.pointer };
    const named = e instanceof InfeasibleError ? new InfeasibleError(e.message, where) : new AccelscopeError(e.code, e.message, where);
    if (e.phrase) named.phrase = e.phrase;
    named.stack = e.stack;
    throw named;
  }
}
