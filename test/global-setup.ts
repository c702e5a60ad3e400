/**
 * Before the suite: the compiled CLI (dist/) must match the sources, since some tests spawn
 * bin/accelscope.js. Rebuilds when dist/accelscope.mjs is missing or older than any file under
 * src/, scripts/build.ts or package.json.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

const ROOT = resolve(import.meta.dirname, '..');

function newestMtimeMs(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(p).reduce((m, f) => Math.max(m, newestMtimeMs(join(p, f))), 0);
}

export default function setup(): void {
  const out = join(ROOT, 'dist/accelscope.mjs');
  const inputs = ['src', 'scripts/build.ts', 'package.json'].map((p) => newestMtimeMs(join(ROOT, p)));
  if (existsSync(out) && statSync(out).mtimeMs >= Math.max(...inputs)) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/build.ts')], { cwd: ROOT, stdio: 'inherit' });
}
