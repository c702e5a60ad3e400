/**
 * What the explorer page carries: every shipped arch config (arch-configs/**, resolved and
 * validated in Node exactly as `simulate --arch` loads it), every shipped model
 * (workloads/models/*.json → ModelSpec, as `--model` loads it) and the quant schemes the grammar
 * names. Plain JSON: the page hands these objects to the bundled engine unchanged.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadArch, loadModel } from '../config/load.ts';
import { NAMED_SCHEMES, DEFAULT_QUANT } from '../quant/scheme.ts';
import type { ArchConfig } from '../config/arch.ts';
import type { ModelSpec } from '../workload/model-config.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface ExploreCatalog {
  archs: { file: string; name: string; kind: string; config: ArchConfig }[];
  models: { file: string; name: string; spec: ModelSpec }[];
  quants: string[];
}

/** Integer-bit schemes of the grammar (w<b>a<b>[-g<G>]) beside the named ones. */
export const EXPLORE_QUANTS = [DEFAULT_QUANT, 'w8a8', 'w8a16', 'w4a16-g128', 'w4a16', 'w2a16-g64', 'w1.58a8', 'w8a8-kv8', 'w4a8-g128', ...NAMED_SCHEMES];

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return jsonFiles(p);
    return f.endsWith('.json') ? [p] : [];
  });
}

export function exploreCatalog(root = REPO_ROOT): ExploreCatalog {
  const archs = jsonFiles(join(root, 'arch-configs')).map((f) => {
    const config = loadArch(f);
    return { file: relative(root, f), name: config.name, kind: config.kind, config };
  });
  const models = jsonFiles(join(root, 'workloads', 'models')).map((f) => {
    const spec = loadModel(f);
    return { file: relative(root, f), name: spec.name, spec };
  });
  return { archs, models, quants: [...new Set(EXPLORE_QUANTS)] };
}
