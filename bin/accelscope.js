#!/usr/bin/env node
// Entry point: runs the compiled CLI, dist/accelscope.mjs (built by `npm ci` through the `prepare`
// script, or `npm run build`). Development and tests run the TypeScript sources with tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/accelscope.mjs', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('error: dist/accelscope.mjs is missing: run `npm run build` (npm ci runs it)\n');
  process.exit(2);
}
await import(compiled.href);
