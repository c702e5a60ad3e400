/**
 * Every CLI command, in the order `--help` lists them. A command is one file exporting
 * {command, describe, builder, handler(args, io) → exit code}; add it here.
 */
import { simulateCommand } from './simulate.ts';
import { quantCommand } from './quant.ts';
import { sweepCommand } from './sweep.ts';
import { mergeCommand } from './merge.ts';
import { paretoCommand } from './pareto.ts';
import { reportCommand } from './report.ts';
import { opCommand } from './op.ts';
import { traceCommand } from './trace.ts';
import { formatsCommand } from './formats.ts';
import { checkCommand } from './check.ts';
import { listCommand } from './list.ts';
import { serveCommand } from './serve.ts';
import { exploreCommand } from './explore.ts';
import { configCommand } from './config.ts';
import { calibrateCommand } from './calibrate.ts';

export interface CommandModule {
  command: string | string[];
  describe: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  builder: (y: any) => any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler: (args: any, io: import('../io.ts').Io) => number | Promise<number>;
}

export const COMMANDS: CommandModule[] = [
  simulateCommand,
  quantCommand,
  sweepCommand,
  mergeCommand,
  paretoCommand,
  reportCommand,
  opCommand,
  traceCommand,
  formatsCommand,
  checkCommand,
  listCommand,
  serveCommand,
  exploreCommand,
  configCommand,
  calibrateCommand,
];
