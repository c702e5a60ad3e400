/**
 * Standalone validators generated at build time, by schema key (src/config/schema-key.ts). None
 * when running from the TypeScript sources; the build (scripts/build.ts) substitutes a module for
 * this file that loads dist/validators/<key>.cjs on first use (each is large: only the schemas a
 * command uses are ever parsed).
 */
import type { ValidateFunction } from 'ajv';

export function precompiledValidator(_key: string): ValidateFunction | undefined {
  return undefined;
}

/** Whether this process carries precompiled validators at all (skips hashing schemas when not). */
export const HAS_PRECOMPILED: boolean = false;
