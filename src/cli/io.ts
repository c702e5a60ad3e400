/** Where a command writes: injected so commands are tested without spawning a process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is an interactive terminal (progress bars). */
  isTty: boolean;
}

let pipeGuarded = false;

/** `accelscope … --json | head`: once the reader is gone the rest has nowhere to go — exit quietly, not with a stack. */
function guardBrokenPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

export const processIo: Io = {
  out: (t) => {
    guardBrokenPipe();
    process.stdout.write(t);
  },
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stdout.isTTY),
};

export function captureIo(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTty: false,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}
