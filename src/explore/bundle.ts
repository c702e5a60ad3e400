/**
 * Bundles the explorer's in-page program (src/explore/app.ts and, through it, the engine, the
 * hardware models, the workload builder, the chart builders and the formatter) into one
 * browser script with esbuild: no Node module may be reached (a `node:` import is a build error,
 * so the page can never depend on the file system).
 *
 * From the sources the script is built once per process (esbuild is a development dependency).
 * The compiled package cannot build it (it carries no esbuild): scripts/build.ts writes it to
 * dist/vendor/explorer.js with the same options, and `explorerBundle` reads that file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUNDLED } from '../build/build-info.ts';

/** The esbuild options of the in-page script (entry point excluded), shared with scripts/build.ts. */
export const EXPLORER_BUILD_OPTIONS = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  logLevel: 'silent',
} as const;

/** The script's text made safe to inline in a <script> element. */
export function inlineSafe(script: string): string {
  return script.replace(/<\/(script)/gi, '<\\/$1');
}

let cache: Promise<string> | undefined;

export function explorerBundle(): Promise<string> {
  cache ??= BUNDLED
    ? Promise.resolve(readFileSync(new URL('./vendor/explorer.js', import.meta.url), 'utf8'))
    : import('esbuild')
        .then(({ build }) => build({ ...EXPLORER_BUILD_OPTIONS, entryPoints: [fileURLToPath(new URL('./app.ts', import.meta.url))], write: false }))
        .then((r) => inlineSafe(r.outputFiles[0]!.text));
  return cache;
}
