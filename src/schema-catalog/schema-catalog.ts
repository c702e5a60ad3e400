/**
 * Every JSON Schema the product validates with, as plain objects: the build step
 * (scripts/build.ts) turns each into standalone validation code, so the compiled CLI never
 * compiles a schema at run time. A schema not listed here still works (ajv compiles it on first
 * use); listing it only makes start-up faster.
 */
import { hardwareKinds, getModel } from '../hw/registry.ts';
import { graphSchema } from '../config/schemas/graph.ts';
import { quantSchemeFileSchema } from '../config/schemas/quant.ts';
import { runResultSchema } from '../config/schemas/run-result.ts';
import { sweepSpecSchema } from '../sweep/spec.ts';
import { stackSchema } from '../stack/schema.ts';
import { hostSchema } from '../stack/host.ts';

export function schemaCatalog(): { name: string; schema: object }[] {
  return [
    ...hardwareKinds().map((k) => ({ name: `arch:${k}`, schema: getModel(k).schema })),
    { name: 'graph', schema: graphSchema },
    { name: 'quant-file', schema: quantSchemeFileSchema },
    { name: 'run-result', schema: runResultSchema },
    { name: 'sweep-spec', schema: sweepSpecSchema },
    { name: 'stack', schema: stackSchema },
    { name: 'host', schema: hostSchema },
  ];
}
