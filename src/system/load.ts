/**
 * System loader: a preset name (`dgx-h100` → systems/dgx-h100.json) or a path → a validated
 * SystemConfig with its device's arch config loaded (path relative to the system file).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../catalog/package-root.ts';
import { readJsonFile } from '../util/json-file.ts';
import { validateOrThrow } from '../config/ajv.ts';
import { loadArch } from '../config/load.ts';
import { AccelscopeError, inArchFile } from '../util/errors.ts';
import { systemSchema } from './schema.ts';
import type { System, SystemConfig } from './types.ts';

/** The shipped presets (systems/ at the package root). */
export const SYSTEMS_DIR = join(packageRoot(), 'systems');

export function systemPresets(): string[] {
  if (!existsSync(SYSTEMS_DIR)) return [];
  return readdirSync(SYSTEMS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

/** A preset name or a file path → the file to read. */
export function resolveSystemFile(nameOrPath: string): string {
  if (nameOrPath.endsWith('.json') || nameOrPath.includes('/')) return nameOrPath;
  const preset = resolve(SYSTEMS_DIR, `${nameOrPath}.json`);
  if (existsSync(preset)) return preset;
  throw new AccelscopeError(
    'bad-flag',
    `--system: unknown system '${nameOrPath}' (presets: ${systemPresets().join(', ')}; or give a path to a system JSON file)`,
  );
}

/** Validates a system document (schema, then the levels its device counts need). */
export function validateSystem(doc: unknown, file?: string): SystemConfig {
  validateOrThrow(systemSchema, doc, file);
  const c = doc as SystemConfig;
  if (c.devicesPerNode > 1 && !c.intraNode)
    throw new AccelscopeError('schema', `${c.devicesPerNode} devices per node need an 'intraNode' interconnect`, { file, pointer: '/intraNode' });
  if (c.nodes > 1 && !c.interNode) throw new AccelscopeError('schema', `${c.nodes} nodes need an 'interNode' interconnect`, { file, pointer: '/interNode' });
  if (c.intraNode?.inSwitchReduction && c.intraNode.inSwitchReductionLatencyS === undefined)
    throw new AccelscopeError('schema', "inSwitchReduction needs 'inSwitchReductionLatencyS'", { file, pointer: '/intraNode' });
  return c;
}

export function loadSystem(nameOrPath: string): System {
  const file = resolveSystemFile(nameOrPath);
  const config = validateSystem(readJsonFile(file), file);
  const archFile = resolve(dirname(resolve(file)), config.device);
  if (!existsSync(archFile))
    throw new AccelscopeError('file-not-found', `device arch config '${config.device}' not found (${archFile})`, { file, pointer: '/device' });
  const arch = inArchFile(archFile, () => loadArch(archFile));
  return { config, file, arch, archFile };
}
