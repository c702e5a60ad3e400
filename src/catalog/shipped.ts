/**
 * What ships with accelscope, by category: arch configs, model configs, quant-scheme files,
 * sweep specs, software stacks and multi-device systems. A shipped item's name is its file name without `.json`.
 * `shippedFiles` only lists files (cheap: name resolution uses it); `describeShipped` also reads
 * each file for a one-line description and its source.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from './package-root.ts';
import { readJsonFile } from '../util/json-file.ts';
import { resolveArchDocument, loadModel } from '../config/load.ts';
import { paramCounts } from '../workload/params.ts';
import { formatSi } from '../util/units.ts';

export const CATEGORIES = ['archs', 'models', 'quant', 'sweeps', 'stacks', 'systems', 'hosts'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Where each category lives under the package root; `recursive` folders group by family. */
const FOLDERS: Record<Category, { dir: string; recursive: boolean; what: string }> = {
  archs: { dir: 'arch-configs', recursive: true, what: 'arch config' },
  models: { dir: 'workloads/models', recursive: false, what: 'model config' },
  quant: { dir: 'workloads/quant', recursive: false, what: 'quant scheme file' },
  sweeps: { dir: 'workloads/sweeps', recursive: false, what: 'sweep spec' },
  stacks: { dir: 'stacks', recursive: true, what: 'software stack' },
  systems: { dir: 'systems', recursive: false, what: 'multi-device system' },
  hosts: { dir: 'hosts', recursive: false, what: "host (a stack's launch costs on one CPU)" },
};

export interface ShippedFile {
  category: Category;
  name: string;
  /** Absolute path. */
  path: string;
  /** Path relative to the package root, '/'-separated. */
  file: string;
}

export interface ShippedItem extends ShippedFile {
  description: string;
  source: string;
}

export function categoryNoun(c: Category): string {
  return FOLDERS[c].what;
}

function jsonFiles(dir: string, recursive: boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return recursive ? jsonFiles(p, true) : [];
      return f.endsWith('.json') ? [p] : [];
    });
}

export function shippedFiles(category: Category): ShippedFile[] {
  const root = packageRoot();
  const { dir, recursive } = FOLDERS[category];
  let files = jsonFiles(join(root, dir), recursive);
  // Arch fragments (presets without a kind, meant for `extends`) are not designs of their own.
  if (category === 'archs')
    files = files.filter((f) => {
      const d = readJsonFile(f) as { kind?: unknown; extends?: unknown };
      return d.kind !== undefined || d.extends !== undefined;
    });
  return files.map((path) => ({ category, name: path.replace(/^.*[\\/]/, '').replace(/\.json$/, ''), path, file: relative(root, path).split('\\').join('/') }));
}

/** `| file.json | source |` rows of the folder's README.md: the provenance of files that carry none. */
function readmeSources(dir: string): Map<string, string> {
  const readme = join(dir, 'README.md');
  const out = new Map<string, string>();
  if (!existsSync(readme)) return out;
  for (const line of readFileSync(readme, 'utf8').split('\n')) {
    const m = /^\|\s*`?([\w.-]+\.json)`?\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

type Doc = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function describeArch(f: ShippedFile): { description: string; source: string } {
  const d = resolveArchDocument(f.path) as Doc;
  const sources = (d['sources'] ?? {}) as Record<string, string>;
  const keys = Object.keys(sources);
  const first = keys[0] === undefined ? undefined : `${keys[0]}: ${sources[keys[0]]}`;
  const calib = Object.keys(d['calibration'] ?? {}).length;
  return {
    description: `${String(d['kind'])}: ${str(d['name']) ?? f.name}${str(d['description']) ? ` — ${str(d['description'])}` : ''}`,
    source: `${keys.length} cited value${keys.length === 1 ? '' : 's'}${calib ? `, ${calib} calibration factor${calib === 1 ? '' : 's'}` : ''}${first ? `; ${first}` : ''}`,
  };
}

function describeModel(f: ShippedFile, readme: Map<string, string>): { description: string; source: string } {
  const s = loadModel(f.path);
  const moe = s.moe ? `, ${s.moe.experts} experts (top-${s.moe.topK})` : '';
  const params = formatSi(paramCounts(s).total).replace(/\s+$/, '');
  const raw = readJsonFile(f.path) as Doc;
  return {
    description: `${s.modelType}: ${s.layers} layers, hidden ${s.hidden}, ${s.heads} heads (${s.kvHeads} KV)${moe}, ${params} parameters`,
    source: readme.get(`${f.name}.json`) ?? str(raw['_name_or_path']) ?? 'Hugging Face config.json',
  };
}

/** A stack (src/stack/): its description after `extends`, and how many of its values cite a source. */
function describeStack(f: ShippedFile): { description: string; source: string } {
  const d = resolveArchDocument(f.path) as Doc;
  const sources = (d['sources'] ?? {}) as Record<string, string>;
  const calib = Object.keys(d['calibration'] ?? {}).length;
  const kinds = Array.isArray(d['kinds']) ? (d['kinds'] as string[]).join(', ') : '';
  return {
    description: `${kinds}: ${str(d['launch']) ?? ''}${str(d['description']) ? ` — ${str(d['description'])}` : ''}`,
    source: `${Object.keys(sources).length} cited value${Object.keys(sources).length === 1 ? '' : 's'}${calib ? `, ${calib} launch factor${calib === 1 ? '' : 's'}` : ''}`,
  };
}

function describeOther(f: ShippedFile, readme: Map<string, string>): { description: string; source: string } {
  const d = readJsonFile(f.path) as Doc;
  let description = str(d['description']) ?? str(d['name']) ?? f.name;
  if (f.category === 'quant') {
    const parts = ['weights', 'activations', 'kv', 'embeddings'].filter((k) => str(d[k])).map((k) => `${k} ${String(d[k])}`);
    if (parts.length) description = `${str(d['description']) ?? str(d['name']) ?? f.name}: ${parts.join(', ')}`;
  }
  return { description, source: str(d['source']) ?? readme.get(`${f.name}.json`) ?? `shipped ${categoryNoun(f.category)}` };
}

export function describeShipped(category: Category): ShippedItem[] {
  const readme = readmeSources(join(packageRoot(), FOLDERS[category].dir));
  return shippedFiles(category).map((f) => ({
    ...f,
    ...(category === 'archs'
      ? describeArch(f)
      : category === 'models'
        ? describeModel(f, readme)
        : category === 'stacks'
          ? describeStack(f)
          : describeOther(f, readme)),
  }));
}
