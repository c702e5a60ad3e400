/** Meta-tests that walk the registry and the shipped data: nothing is left unregistered or invalid. */
import { describe, expect, it } from 'vitest';
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HARDWARE_MODELS, hardwareKinds } from '../../src/hw/registry.ts';
import { loadArch, loadModel } from '../../src/config/load.ts';
import { readJsonFile } from '../../src/util/json-file.ts';
import { ROOT } from '../helpers.ts';

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return jsonFiles(p);
    return f.endsWith('.json') ? [p] : [];
  });
}

describe('every hardware kind', () => {
  for (const kind of hardwareKinds()) {
    it(`${kind}: has a schema, docs/models/${kind}.md and at least one shipped config that validates`, () => {
      const m = HARDWARE_MODELS[kind as keyof typeof HARDWARE_MODELS];
      expect(m.kind).toBe(kind);
      expect(typeof m.schema).toBe('object');
      expect(existsSync(join(ROOT, 'docs/models', `${kind}.md`)), `docs/models/${kind}.md`).toBe(true);
      const configs = jsonFiles(join(ROOT, 'arch-configs')).filter((f) => {
        const d = readJsonFile(f) as { kind?: string };
        return d.kind === kind;
      });
      expect(configs.length).toBeGreaterThan(0);
    });
  }
});

describe('shipped data validates', () => {
  const archs = jsonFiles(join(ROOT, 'arch-configs')).filter((f) => {
    const d = readJsonFile(f) as { kind?: string; extends?: string };
    return d.kind !== undefined || d.extends !== undefined; // presets without a kind are fragments
  });
  it('there are arch configs', () => expect(archs.length).toBeGreaterThan(5));
  for (const f of archs) {
    it(`${relative(ROOT, f)} loads and validates, and every value has a source`, () => {
      const a = loadArch(f);
      expect(a.name.length).toBeGreaterThan(0);
      const raw = readJsonFile(f) as { sources?: Record<string, string>; extends?: string };
      if (!raw.extends) expect(Object.keys(raw.sources ?? {}).length, 'sources').toBeGreaterThan(0);
    });
  }
  for (const f of jsonFiles(join(ROOT, 'workloads/models'))) {
    it(`${relative(ROOT, f)} is a model config accelscope reads`, () => {
      expect(loadModel(f).layers).toBeGreaterThan(0);
    });
  }
});
