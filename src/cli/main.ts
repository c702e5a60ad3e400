/**
 * CLI entry: parses flags with yargs and dispatches to a command. Only this layer turns errors
 * into exit codes: a user error prints one line (`error: file: /pointer: message`) and exits 2;
 * anything else is a bug and prints its stack, exit 70.
 */
import yargs from 'yargs';
import { COMMANDS } from './commands/index.ts';
import { processIo, type Io } from './io.ts';
import { AccelscopeError, isAccelscopeError } from '../util/errors.ts';
import { packageVersion } from '../build/build-info.ts';
import { closeMatches } from '../util/close-matches.ts';
import { resolveShippedArgs } from './shipped-names.ts';

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  // Handled here, not by yargs (whose --version exits the process, and needs no command).
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  let parser = yargs(argv)
    .scriptName('accelscope')
    .usage('$0 <command> [options]')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .help()
    .version(false)
    .option('version', { alias: 'V', type: 'boolean', global: false, describe: 'print the version (alone: accelscope --version)' })
    // yargs renders (and caches) the command's help after every handler; wrapping it is most of
    // that cost, so text is wrapped only when help is asked for.
    .wrap(argv.includes('--help') || argv.includes('-h') ? Math.min(110, process.stdout.columns || 110) : null)
    .fail((msg, err) => {
      if (err) throw err;
      throw new AccelscopeError(
        'bad-flag',
        /^Did you mean/.test(msg) ? `unknown command '${argv[0]}'. ${oneLine(msg)}` : oneLine(msg) + flagSuggestion(msg, parser as unknown as YargsInternals),
      );
    });
  // yargs renders the whole help text after every handler, only to cache it for a later
  // showHelp() that accelscope never calls (its fail() throws): skipped.
  (parser as unknown as YargsInternals).getInternalMethods().getUsageInstance().cacheHelpMessage = () => undefined;
  for (const c of COMMANDS) {
    parser = parser.command({
      command: c.command,
      describe: c.describe,
      builder: c.builder,
      handler: async (args: unknown) => {
        rejectRepeatedFlags(args as Record<string, unknown>, (parser as unknown as YargsInternals).getOptions().array);
        const name = (Array.isArray(c.command) ? c.command[0]! : c.command).split(' ')[0]!;
        code = await c.handler(await resolveShippedArgs(name, args as Record<string, unknown>), io);
      },
    });
  }
  try {
    await parser.parseAsync();
    return code;
  } catch (e) {
    if (isAccelscopeError(e)) {
      io.err(e.toLine(flagOf) + '\n');
      return e.code === 'check-failed' ? 1 : 2;
    }
    io.err(`internal error (a bug in accelscope): ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

/** A run parameter as the CLI spells it: ignoreCapacity → --ignore-capacity. */
export function flagOf(param: string): string {
  return `--${param.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A flag that takes one value but was given twice would reach the command as an array. */
function rejectRepeatedFlags(args: Record<string, unknown>, arrayFlags: readonly string[]): void {
  const arrays = new Set(arrayFlags);
  for (const [k, v] of Object.entries(args)) {
    if (k === '_' || k === '$0' || !Array.isArray(v) || arrays.has(k)) continue;
    throw new AccelscopeError('bad-flag', `--${k} takes one value but was given ${v.length} (${v.join(', ')})`);
  }
}

/** yargs spreads some messages over lines ("Invalid values:\n  Argument: …"); the CLI prints one. */
function oneLine(msg: string): string {
  return msg
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}

/** "Unknown argument: batchh" → "; did you mean --batch?" from the options the command declares. */
function flagSuggestion(msg: string, y: YargsInternals | undefined): string {
  const m = /^Unknown arguments?: (.+)$/.exec(msg.trim());
  if (!m || !y) return '';
  // Declared flags as typed (kebab-case), not yargs' camelCase aliases of them.
  const known = Object.keys(y.getOptions().key ?? {}).filter((k) => k !== '$0' && k.length > 1 && !/[A-Z]/.test(k));
  const hints = m[1]!
    .split(',')
    .map((s) => s.trim().replace(/^-+/, ''))
    .flatMap((u) => {
      const near = closeMatches(u, known, 2);
      return near.length ? [`--${u}: did you mean ${near.map((k) => `--${k}`).join(' or ')}?`] : [];
    });
  return hints.length ? `; ${hints.join('; ')}` : '';
}

/** yargs exposes the declared options at run time but not in its typings. */
interface YargsInternals {
  getOptions(): { array: string[]; key?: Record<string, boolean> };
  getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } };
}
