/**
 * Facts the build fixes: whether this is the compiled bundle (dist/) and the package version.
 * From the TypeScript sources `bundled` is false and the version is read from package.json; the
 * build (scripts/build.ts) substitutes constants for this file in the bundle.
 */
import { readFileSync } from 'node:fs';

export const BUNDLED: boolean = false;

export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
