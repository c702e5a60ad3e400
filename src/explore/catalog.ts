/**
 * What the explorer page carries: every shipped arch config (arch-configs/**, resolved and
 * validated in Node exactly as `simulate --arch` loads it), every shipped model
 * (workloads/models/*.json → ModelSpec, as `--model` loads it) and the quant schemes the grammar
 * names. Plain JSON: the page hands these objects to the bundled engine unchanged.
 */
import { loadArch, loadModel } from '../config/load.ts';
import { NAMED_SCHEMES, DEFAULT_QUANT } from '../quant/scheme.ts';
import { shippedFiles } from '../catalog/shipped.ts';
import type { ArchConfig } from '../config/arch.ts';
import type { ModelSpec } from '../workload/model-config.ts';

export interface ExploreCatalog {
  archs: { file: string; name: string; kind: string; config: ArchConfig }[];
  models: { file: string; name: string; spec: ModelSpec }[];
  quants: string[];
}

/** Integer-bit schemes of the grammar (w<b>a<b>[-g<G>]) beside the named ones. */
export const EXPLORE_QUANTS = [DEFAULT_QUANT, 'w8a8', 'w8a16', 'w4a16-g128', 'w4a16', 'w2a16-g64', 'w1.58a8', 'w8a8-kv8', 'w4a8-g128', ...NAMED_SCHEMES];

/** The shipped archs and models (package root, as `list` shows them), loaded as the CLI loads them. */
export function exploreCatalog(): ExploreCatalog {
  const archs = shippedFiles('archs').map(({ path, file }) => {
    const config = loadArch(path);
    return { file, name: config.name, kind: config.kind, config };
  });
  const models = shippedFiles('models').map(({ path, file }) => {
    const spec = loadModel(path);
    return { file, name: spec.name, spec };
  });
  return { archs, models, quants: [...new Set(EXPLORE_QUANTS)] };
}
