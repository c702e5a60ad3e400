/**
 * The compiled CLI loads only the command it runs. In the bundle, src/cli/commands/index.ts is
 * replaced by a table generated here, at build time, from the real one: each command's `command`
 * and `describe` (what `--help` and "did you mean" need) are copied, while its builder and handler
 * import the command's module on first use (esbuild splits each into its own chunk). The sources
 * (tsx, tests) keep the eager index.ts; test/build/compiled.test.ts checks both print the same.
 *
 * Which module holds which command is read from index.ts's `import { xCommand } from './x.ts'`
 * lines and checked by identity against COMMANDS, so a command added to index.ts needs nothing here.
 */
import type { Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface LazyEntry {
  file: string;
  exportName: string;
  command: string | string[];
  describe: string;
}

const INDEX_IMPORT = /^import \{ (\w+) \} from '\.\/([\w.-]+\.ts)';$/gm;

/** Every command of src/cli/commands/index.ts, in its order, with the module that exports it. */
export async function lazyCommandTable(root: string): Promise<LazyEntry[]> {
  const dir = join(root, 'src/cli/commands');
  const indexFile = join(dir, 'index.ts');
  const { COMMANDS } = (await import(pathToFileURL(indexFile).href)) as { COMMANDS: { command: string | string[]; describe: string }[] };
  const candidates: { file: string; exportName: string; value: unknown }[] = [];
  for (const m of readFileSync(indexFile, 'utf8').matchAll(INDEX_IMPORT)) {
    const file = resolve(dir, m[2]!);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    candidates.push({ file, exportName: m[1]!, value: mod[m[1]!] });
  }
  return COMMANDS.map((c) => {
    const from = candidates.find((k) => k.value === c);
    if (!from) throw new Error(`src/cli/commands/index.ts: command '${String(c.command)}' is not imported there as \`import { xCommand } from './x.ts'\`; the lazy command table cannot name its module`);
    return { file: from.file, exportName: from.exportName, command: c.command, describe: c.describe };
  });
}

/** The generated index module: same COMMANDS shape, builder and handler loading the module on first use. */
export function lazyIndexSource(entries: LazyEntry[]): string {
  const lines = ['const once = (load) => { let p; return () => (p ??= load()); };'];
  entries.forEach((e, i) => lines.push(`const load${i} = once(() => import(${JSON.stringify(e.file)}).then((m) => m[${JSON.stringify(e.exportName)}]));`));
  lines.push('export const COMMANDS = [');
  entries.forEach((e, i) =>
    lines.push(
      `  { command: ${JSON.stringify(e.command)}, describe: ${JSON.stringify(e.describe)}, builder: (y) => load${i}().then((c) => c.builder(y)), handler: (a, io) => load${i}().then((c) => c.handler(a, io)) },`,
    ),
  );
  lines.push('];');
  return lines.join('\n');
}

/** esbuild plugin: serves the generated table in place of src/cli/commands/index.ts. */
export function lazyCommands(entries: LazyEntry[]): Plugin {
  return {
    name: 'accelscope-lazy-commands',
    setup(b) {
      b.onLoad({ filter: /src[\\/]cli[\\/]commands[\\/]index\.ts$/ }, () => ({ contents: lazyIndexSource(entries), loader: 'js' }));
    },
  };
}
