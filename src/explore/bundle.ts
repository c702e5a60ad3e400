/**
 * Bundles the explorer's in-page program (src/explore/app.ts and, through it, the engine, the
 * hardware models, the workload builder, the chart builders and the formatter) into one
 * browser script with esbuild: no Node module may be reached (a `node:` import is a build error,
 * so the page can never depend on the file system). Built once per process.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

let cache: Promise<string> | undefined;

export function explorerBundle(): Promise<string> {
  cache ??= build({
    entryPoints: [fileURLToPath(new URL('./app.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text.replace(/<\/(script)/gi, '<\\/$1'));
  return cache;
}
