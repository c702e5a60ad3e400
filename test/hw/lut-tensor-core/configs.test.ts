import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadArch, validateArch } from '../../../src/config/load.ts';
import { getModel } from '../../../src/hw/registry.ts';
import { AccelscopeError } from '../../../src/util/errors.ts';
import { ROOT } from '../../helpers.ts';

const DIR = resolve(ROOT, 'arch-configs/lut');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const raw = (f: string) => JSON.parse(readFileSync(resolve(DIR, f), 'utf8')) as Record<string, unknown>;

function schemaError(doc: unknown): AccelscopeError {
  try {
    validateArch(doc, 'x.json');
  } catch (e) {
    return e as AccelscopeError;
  }
  throw new Error('expected a schema error');
}

describe('arch-configs/lut', () => {
  it('holds the LUT Tensor Core design and the four T-MAC CPUs', () => {
    expect(files.sort()).toEqual([
      'lut-tensor-core-a100.json',
      'tmac-jetson-agx-orin-cpu.json',
      'tmac-m2-ultra.json',
      'tmac-raspberry-pi-5.json',
      'tmac-surface-laptop-7.json',
    ]);
  });
  for (const f of files) {
    it(`${f} validates and cites a source for every lut field`, () => {
      const c = loadArch(resolve(DIR, f));
      expect(c.kind).toBe('lut-tensor-core');
      const sources = Object.keys(c.sources ?? {});
      for (const key of Object.keys(c['lut'] as object)) {
        if (key === 'variant') continue;
        expect(
          sources.some((p) => p === `/lut/${key}` || p.startsWith(`/lut/${key}/`)),
          `${f}: /lut/${key} has no source`,
        ).toBe(true);
      }
      expect(sources.some((p) => p.startsWith('/memory'))).toBe(true);
      // Unverified values say so.
      expect(Object.values(c.sources ?? {}).some((s) => /unverified|placeholder/.test(s))).toBe(true);
    });
  }
  it('the model reports its clock and ceilings for every config', () => {
    const m = getModel('lut-tensor-core');
    for (const f of files) {
      const c = loadArch(resolve(DIR, f));
      expect(m.clockHz(c)).toBeGreaterThan(1e9);
      const ceil = m.ceilings(c);
      expect(ceil.matrix.int1).toBeGreaterThan(ceil.matrix.int2!);
      expect(ceil.memory[0]!.level).toBe('dram');
    }
  });
});

describe('lut section schema', () => {
  const cpu = raw('tmac-raspberry-pi-5.json');
  const lut = cpu['lut'] as Record<string, unknown>;
  it('names a missing field of the cpu variant at its pointer', () => {
    const { clockHz: _c, ...rest } = lut;
    const e = schemaError({ ...cpu, lut: rest });
    expect(e.pointer).toBe('/lut');
    expect(e.message).toMatch(/clockHz/);
  });
  it('rejects an unknown variant', () => {
    const e = schemaError({ ...cpu, lut: { ...lut, variant: 'fpga' } });
    expect(e.pointer).toBe('/lut/variant');
  });
  it('rejects a field of the other variant', () => {
    const e = schemaError({ ...cpu, lut: { ...lut, units: 4 } });
    expect(e.message).toMatch(/unknown property 'units'/);
  });
  it('rejects a table group larger than 8 activations', () => {
    const e = schemaError({ ...cpu, lut: { ...lut, table: { ...(lut['table'] as object), groupSize: 9 } } });
    expect(e.pointer).toBe('/lut/table/groupSize');
  });
  it("a per-core bandwidth needs a measurement or all three Little's-law fields", () => {
    const mem = lut['memory'] as Record<string, unknown>;
    const { outstandingLinesPerCore: _o, ...partial } = mem;
    const e = schemaError({ ...cpu, lut: { ...lut, memory: partial } });
    expect(e.pointer).toBe('/lut/memory');
    // The same memory section with a measured per-core figure instead validates.
    expect(() => validateArch({ ...cpu, lut: { ...lut, memory: { ...partial, perCoreBandwidthBps: 10e9 } } }, 'x.json')).not.toThrow();
  });
  it('rejects an unknown sync field and a negative latency', () => {
    expect(schemaError({ ...cpu, lut: { ...lut, sync: { coreToCoreLatencySeconds: 1e-7, barrierSeconds: 1 } } }).message).toMatch(
      /unknown property 'barrierSeconds'/,
    );
    expect(schemaError({ ...cpu, lut: { ...lut, sync: { coreToCoreLatencySeconds: -1 } } }).pointer).toBe('/lut/sync/coreToCoreLatencySeconds');
  });
  it('the tensor-core variant needs the tile shape', () => {
    const tc = raw('lut-tensor-core-a100.json');
    const { tile: _t, ...rest } = tc['lut'] as Record<string, unknown>;
    expect(schemaError({ ...tc, lut: rest }).message).toMatch(/tile/);
  });
});
