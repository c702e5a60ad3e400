/**
 * The folder of the accelscope package (its package.json), found from this module's own location:
 * the repository when run from src/ or dist/, node_modules/accelscope when installed. Shipped
 * files resolve against it, never against the working directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'accelscope') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`accelscope's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
