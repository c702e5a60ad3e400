/**
 * yargs and its help renderer (cliui, wrap-ansi) import string-width, whose module body builds an
 * Intl.Segmenter (loading ICU segmentation data) and compiles the Unicode RGI_Emoji regex: most of
 * the compiled CLI's module initialisation, spent by every command although only help text and
 * line wrapping measure strings. In the bundle each `import stringWidth from 'string-width'` gets a
 * stand-in that loads the real module (the importer's own version) on its first call.
 */
import type { Plugin } from 'esbuild';
import { dirname } from 'node:path';

export function lazyStringWidth(): Plugin {
  return {
    name: 'accelscope-lazy-string-width',
    setup(b) {
      b.onResolve({ filter: /^string-width$/ }, async (a) => {
        if ((a.pluginData as { real?: boolean } | undefined)?.real) return undefined;
        const r = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, importer: a.importer, pluginData: { real: true } });
        if (r.errors.length) return { errors: r.errors };
        return { path: r.path, namespace: 'lazy-string-width' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (a) => ({
        // esbuild bundles the required ES module behind a lazy initializer: its body runs on first call.
        contents: `let real;\nexport default function stringWidth(s, o) { return (real ??= require(${JSON.stringify(a.path)}).default)(s, o); }\n`,
        loader: 'js',
        resolveDir: dirname(a.path),
      }));
    },
  };
}
