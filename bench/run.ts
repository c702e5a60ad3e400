/**
 * `npm run bench`: runs every bench/*.bench.ts (each default-exports an async function that
 * prints its figures) in name order. `npm run bench -- gpu` runs only files whose name matches.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = import.meta.dirname;
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
for (const f of files) {
  console.log(`\n== ${f.replace(/\.bench\.ts$/, '')} ==`);
  const mod = (await import(pathToFileURL(resolve(dir, f)).href)) as { default: () => Promise<void> | void };
  await mod.default();
}
