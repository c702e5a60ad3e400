/** Where a command writes: injected so commands are tested without spawning a process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is an interactive terminal (progress bars). */
  isTty: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stdout.isTTY),
};

export function captureIo(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTty: false,
    out(t: string) { io.stdout += t; },
    err(t: string) { io.stderr += t; },
  };
  return io;
}
