/**
 * Each hardware kind's one declaration (src/hw/<kind>/schema.ts, TypeBox) agrees with itself:
 * the JSON Schema is strict, every `default` keyword is a valid value of its field and is stated
 * once (not restated in a description), and the defaults the schema declares are the values the
 * model uses when a field is absent — a shipped preset with every defaulted field removed
 * simulates exactly as the same preset with those fields filled from the schema. The kinds come
 * from the registry (src/hw/registry.ts); the types are Static<> of the same declarations
 * (checked by tsc below).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Static } from '@sinclair/typebox';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { HARDWARE_MODELS, hardwareKinds, getModel } from '../../src/hw/registry.ts';
import { newAjv } from '../../src/config/ajv.ts';
import { loadQuant, resolveArchDocument, validateArch } from '../../src/config/load.ts';
import { resolveArchWithSources, withSchemaDefaults } from '../../src/config/resolved-arch.ts';
import { evaluateGraph } from '../../src/engine/evaluate.ts';
import { readJsonFile } from '../../src/util/json-file.ts';
import type { ArchConfig } from '../../src/arch/base.ts';
import type { GpuSection } from '../../src/hw/gpu-tensor-core/config.ts';
import type { gpuSectionSchema } from '../../src/hw/gpu-tensor-core/schema.ts';
import type { FpgaSection } from '../../src/hw/fpga-dsp-chain/config.ts';
import type { fpgaSectionSchema } from '../../src/hw/fpga-dsp-chain/schema.ts';
import type { LutCpuSection, LutTensorCoreSection, lutCpuSchema, lutTensorCoreSchema } from '../../src/hw/lut-tensor-core/schema.ts';
import type { PimSection, pimSectionSchema } from '../../src/hw/pim-dram/schema.ts';
import { ROOT, archPath, buildFor } from '../helpers.ts';

interface Node {
  type?: string | string[];
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: boolean | Node;
  default?: unknown;
  description?: string;
  const?: unknown;
  allOf?: { if?: Node; then?: Node }[];
  [k: string]: unknown;
}

/** Every schema node below `n` with its path (properties, items, branches). */
function walk(n: Node, path: string, out: { node: Node; path: string }[] = []): { node: Node; path: string }[] {
  out.push({ node: n, path });
  for (const [k, v] of Object.entries(n)) {
    if (k === 'properties' && v && typeof v === 'object') for (const [p, sub] of Object.entries(v as Record<string, Node>)) walk(sub, `${path}/${p}`, out);
    else if ((k === 'items' || k === 'additionalProperties' || k === 'then') && v && typeof v === 'object') walk(v as Node, `${path}/${k}`, out);
    else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) (v as Node[]).forEach((b, i) => walk(b, `${path}/${k}${i}`, out));
  }
  return out;
}

/** Strips every field whose schema has a `default` keyword (recursing into objects and the matching variant). */
function stripDefaulted(schema: Node, doc: Record<string, unknown>): void {
  for (const [k, sub] of Object.entries(schema.properties ?? {})) {
    if (!(k in doc)) continue;
    if (sub.default !== undefined) delete doc[k];
    else if (doc[k] && typeof doc[k] === 'object' && !Array.isArray(doc[k])) stripDefaulted(sub, doc[k] as Record<string, unknown>);
  }
  for (const b of schema.allOf ?? []) {
    const matches = b.then && b.if?.properties && Object.entries(b.if.properties).every(([k, c]) => doc[k] === c.const);
    if (matches) stripDefaulted(b.then!, doc);
  }
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : f.endsWith('.json') ? [p] : [];
  });
}

const presets = jsonFiles(join(ROOT, 'arch-configs')).filter((f) => (readJsonFile(f) as { kind?: unknown }).kind !== undefined);

describe('one declaration per hardware kind (the registry lists them)', () => {
  it('the registry lists the shipped kinds', () => {
    expect(hardwareKinds()).toEqual(expect.arrayContaining(Object.keys(HARDWARE_MODELS)));
    expect(Object.keys(HARDWARE_MODELS).length).toBe(4);
  });

  for (const kind of hardwareKinds()) {
    const schema = getModel(kind).schema as Node;
    const nodes = walk(schema, '');

    it(`${kind}: the schema is strict (closed objects, required fields declared)`, () => {
      const open: string[] = [];
      const undeclared: string[] = [];
      for (const { node, path } of nodes) {
        if (!node.properties) continue;
        const closed = node.additionalProperties !== undefined && node.additionalProperties !== true;
        const closedByVariants = (node.allOf ?? []).length > 0 && node.allOf!.every((b) => b.then?.additionalProperties === false);
        if (!closed && !closedByVariants) open.push(path || '/');
        for (const r of node.required ?? []) if (!(r in node.properties)) undeclared.push(`${path}/${r}`);
      }
      expect(open).toEqual([]);
      expect(undeclared).toEqual([]);
    });

    it(`${kind}: every default is a valid value of its field and is stated once (not in the description)`, () => {
      const ajv = newAjv();
      const bad: string[] = [];
      const restated: string[] = [];
      for (const { node, path } of nodes) {
        if (node.default === undefined) continue;
        const { default: d, description, ...rest } = node;
        if (!ajv.compile(rest)(d)) bad.push(`${path}: ${JSON.stringify(d)}`);
        if (description && /\bdefault\b/i.test(description)) restated.push(path);
      }
      expect(bad).toEqual([]);
      expect(restated).toEqual([]);
    });

    const own = presets.filter((f) => (readJsonFile(f) as { kind: string }).kind === kind);
    for (const f of own) {
      it(`${kind}: ${relative(ROOT, f)} without its defaulted fields simulates exactly as with the schema's defaults filled in`, () => {
        const doc = structuredClone(resolveArchDocument(f)) as Record<string, unknown>;
        stripDefaulted(schema, doc);
        const bare = validateArch(doc, f);
        const { config: filledDoc, filled } = withSchemaDefaults(schema, doc);
        const full = validateArch(filledDoc, f);
        const m = getModel(kind);
        const s = m.presetScheme ?? 'w16a16';
        const q = loadQuant(s.endsWith('.json') ? join(ROOT, s) : s);
        for (const g of [
          buildFor('qwen2-0.5b', { phase: 'decode', batch: 2, context: 300 }),
          buildFor('qwen2-0.5b', { phase: 'prefill', batch: 1, seq: 100 }),
        ]) {
          const a = evaluateGraph(g, bare, q, { ignoreCapacity: true, totalsOnly: true });
          const b = evaluateGraph(g, full, q, { ignoreCapacity: true, totalsOnly: true });
          expect(b.feasible, filled.join(', ')).toBe(a.feasible);
          if (a.feasible && b.feasible) expect(b.run.totals, filled.join(', ')).toEqual(a.run.totals);
          else expect(b).toEqual(a);
        }
      });
    }
  }
});

describe('accelscope config fills the defaults of the variant a config selects', () => {
  it('lut tensor-core: /lut/table/storage and /lut/dramLatencySeconds from the schema; a cpu config gets neither', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accelscope-decl-'));
    const doc = structuredClone(resolveArchDocument(archPath('lut/lut-tensor-core-a100'))) as {
      lut: { table: Record<string, unknown>; dramLatencySeconds?: number };
    };
    delete doc.lut.table['storage'];
    delete doc.lut.dramLatencySeconds;
    const f = join(dir, 'lut-bare.json');
    writeFileSync(f, JSON.stringify(doc));
    const r = resolveArchWithSources(f);
    const lut = (r.config as unknown as { lut: { table: { storage: string }; dramLatencySeconds: number } }).lut;
    expect([lut.table.storage, lut.dramLatencySeconds]).toEqual(['register', 0]);
    expect(r.sources['/lut/table/storage']).toEqual({ origin: 'default', declared: 'schema of lut-tensor-core' });
    expect(r.sources['/lut/dramLatencySeconds']).toEqual({ origin: 'default', declared: 'schema of lut-tensor-core' });
    const cpu = resolveArchWithSources(archPath('lut/tmac-m2-ultra'));
    expect(Object.keys(cpu.sources).filter((p) => p.startsWith('/lut/') && cpu.sources[p]!.origin === 'default')).toEqual([]);
  });
});

describe("the kinds' types are the Static<> of their declarations (checked by tsc)", () => {
  it('section types', () => {
    expectTypeOf<GpuSection>().toEqualTypeOf<Static<typeof gpuSectionSchema>>();
    expectTypeOf<FpgaSection>().toEqualTypeOf<Static<typeof fpgaSectionSchema>>();
    expectTypeOf<LutTensorCoreSection>().toEqualTypeOf<Static<typeof lutTensorCoreSchema>>();
    expectTypeOf<LutCpuSection>().toEqualTypeOf<Static<typeof lutCpuSchema>>();
    expectTypeOf<PimSection>().toEqualTypeOf<Static<typeof pimSectionSchema>>();
    expectTypeOf<ArchConfig>().not.toBeAny();
  });
});
