/**
 * One writer per output file. A writer creates `<file>.lock` exclusively (O_EXCL) holding its
 * pid and host; a second writer finds it and fails with one line naming the holder. A lock left
 * by a process that died (same host, pid no longer running) or a torn lock file is stale and is
 * taken over. The lock is released when the writer finishes and, failing that, on process exit.
 */
import { openSync, writeSync, closeSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { AccelscopeError } from './errors.ts';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  command?: string;
}

export function lockPath(file: string): string {
  return `${file}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lock: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(lock, 'utf8')) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock on `file` or throws a one-line error naming the holder; returns the release. */
export function acquireLock(file: string, command: string): () => void {
  const lock = lockPath(file);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      mkdirSync(dirname(lock), { recursive: true });
    } catch (e) {
      throw new AccelscopeError('write-failed', `cannot write file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: lock });
    }
    try {
      fd = openSync(lock, 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new AccelscopeError('write-failed', `cannot write file (${code ?? (e as Error).message})`, { file: lock });
      const h = readHolder(lock);
      const stale = !h || (h.host === me.host && !alive(h.pid));
      if (!stale) {
        throw new AccelscopeError(
          'locked',
          `is being written by another accelscope${h.command ? ` ${h.command}` : ''} (pid ${h.pid} on ${h.host}, since ${h.since}); wait for it or stop it (lock: ${lock})`,
          { file },
        );
      }
      rmSync(lock, { force: true });
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
    } finally {
      closeSync(fd);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      const h = readHolder(lock);
      if (h && h.pid === me.pid && h.host === me.host && h.since === me.since) rmSync(lock, { force: true });
    };
    process.on('exit', release);
    return release;
  }
  throw new AccelscopeError('locked', `cannot take the lock ${lock} (it keeps reappearing)`, { file });
}
