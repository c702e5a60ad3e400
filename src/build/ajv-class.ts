/**
 * ajv's draft 2020-12 class. From the TypeScript sources it is imported as usual; the build
 * (scripts/build.ts) substitutes a version that requires ajv on first call, so the compiled CLI
 * does not evaluate ajv's ~200 KB when every schema it meets has a precompiled validator.
 */
import Ajv2020Module from 'ajv/dist/2020.js';

export type AjvClass = typeof Ajv2020Module.default;

export function ajvClass(): AjvClass {
  return ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass;
}
