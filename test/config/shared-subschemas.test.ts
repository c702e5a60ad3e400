import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import standaloneCode from 'ajv/dist/standalone/index.js';
import type { ErrorObject } from 'ajv';
import { withSharedSubschemas } from '../../src/config/shared-subschemas.ts';
import { schemaCatalog } from '../../src/schema-catalog/schema-catalog.ts';
import { newAjv } from '../../src/config/ajv.ts';
import { resolveArchDocument } from '../../src/config/load.ts';
import { setPointer } from '../../src/config/merge.ts';
import { ROOT } from '../helpers.ts';

type Standalone = (ajv: unknown, refs?: unknown) => string;
const toCode = ((standaloneCode as unknown as { default?: Standalone }).default ?? standaloneCode) as Standalone;

const schemaOf = (name: string) => schemaCatalog().find((s) => s.name === name)!.schema;
const errorsOf = (v: { errors?: ErrorObject[] | null }) =>
  (v.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)} ${e.message}`).sort();

describe('shared sub-schemas (config/shared-subschemas.ts)', () => {
  it('the GPU arch schema: the energy-table entry is written once, and the validation code is under a third of the inlined one', () => {
    const s = schemaOf('arch:gpu-tensor-core');
    const shared = withSharedSubschemas(s) as { $defs?: Record<string, unknown> };
    expect(Object.keys(shared.$defs ?? {}).length).toBeGreaterThan(0);
    expect(JSON.stringify(shared).length).toBeLessThan(JSON.stringify(s).length / 2);
    const inline = newAjv({ code: { source: true }, inlineRefs: true });
    const sharedAjv = newAjv({ code: { source: true } });
    const before = toCode(inline, inline.compile(s)).length;
    const after = toCode(sharedAjv, sharedAjv.compile(shared)).length;
    expect(after).toBeLessThan(before / 3);
  });

  it('shares only schemas, never a properties map, and leaves small repeats in place', () => {
    const entry = { type: 'object', properties: { value: { type: 'number', description: 'x'.repeat(300) } } };
    const props = { a: { type: 'string' }, b: { type: 'number', description: 'y'.repeat(300) } };
    const s = {
      type: 'object',
      properties: {
        one: entry,
        two: entry,
        three: { type: 'object', properties: props },
        four: { type: 'object', properties: props },
        small: { type: 'string' },
        small2: { type: 'string' },
      },
    };
    const out = withSharedSubschemas(s) as {
      properties: Record<string, { $ref?: string; properties?: Record<string, unknown> }>;
      $defs: Record<string, unknown>;
    };
    expect(out.properties['one']).toEqual({ $ref: '#/$defs/shared0' });
    expect(out.properties['two']).toEqual({ $ref: '#/$defs/shared0' });
    // The two objects holding the same properties map are shared as schemas; the map itself never is.
    const three = out.properties['three']!.$ref!;
    expect(three).toMatch(/^#\/\$defs\/shared\d+$/);
    expect(three).not.toBe('#/$defs/shared0');
    expect(out.properties['four']).toEqual({ $ref: three });
    expect((out.$defs[three.slice('#/$defs/'.length)] as { properties: Record<string, unknown> }).properties['a']).toEqual({ type: 'string' });
    expect(out.properties['small']).toEqual({ type: 'string' });
    // The input is not modified.
    expect(s.properties.one).toBe(entry);
    expect(JSON.stringify(s)).not.toContain('$ref');
  });

  it('a schema with its own $defs is left as written', () => {
    const s = { $defs: { x: { type: 'string' } }, type: 'object' };
    expect(withSharedSubschemas(s)).toEqual(s);
  });

  // The same documents give the same verdict and the same errors (instance path, keyword, params,
  // message) under the shared and the inlined schema: shipped arch configs with random values set
  // at random pointers, including wrong types, unknown keys and out-of-range numbers.
  const archDir = join(ROOT, 'arch-configs');
  const archs = readdirSync(archDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => resolveArchDocument(join(archDir, f)) as Record<string, unknown>);
  const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
  const leafPointers = (doc: unknown, prefix = ''): string[] =>
    doc && typeof doc === 'object' ? Object.entries(doc).flatMap(([k, v]) => [`${prefix}/${esc(k)}`, ...leafPointers(v, `${prefix}/${esc(k)}`)]) : [];
  for (const kind of ['gpu-tensor-core', 'pim-dram', 'fpga-dsp-chain', 'lut-tensor-core']) {
    it(`${kind}: the shared schema accepts and rejects exactly what the inlined one does, with the same errors`, () => {
      const s = schemaOf(`arch:${kind}`);
      const inline = newAjv({ inlineRefs: true }).compile(s);
      const shared = newAjv().compile(withSharedSubschemas(s));
      const docs = archs.filter((d) => d['kind'] === kind);
      expect(docs.length).toBeGreaterThan(0);
      fc.assert(
        fc.property(
          fc.nat(docs.length - 1),
          fc.nat(),
          fc.oneof(fc.constant(-1), fc.constant('x'), fc.constant(null), fc.double({ noNaN: true }), fc.constant({ bogus: 1 }), fc.constant([])),
          (d, p, v) => {
            const doc = docs[d]!;
            const pointers = leafPointers(doc);
            const mutated = setPointer(doc, pointers[p % pointers.length]!, v);
            const a = inline(mutated);
            const b = shared(mutated);
            expect(b).toBe(a);
            expect(errorsOf(shared)).toEqual(errorsOf(inline));
          },
        ),
        { numRuns: 150, seed: 26 },
      );
    });
  }
});
