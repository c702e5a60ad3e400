import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArch } from '../../src/config/load.ts';
import { archPath } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-overrides-'));
const arch = (name: string, overrides: unknown) => {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify({ extends: archPath('gpu/h100-sxm'), overrides }));
  return p;
};

describe('arch overrides: JSON-pointer keys (as sweep parameters use) beside deep-merge', () => {
  it('a pointer key sets exactly that value and leaves its siblings (was: "/: unknown property")', () => {
    const base = loadArch(archPath('gpu/h100-sxm'));
    const c = loadArch(arch('sms', { '/gpu/sms': 66, '/memory/bandwidthBps': 2e12 })) as typeof base & { gpu: { sms: number } };
    expect(c.gpu.sms).toBe(66);
    expect(c.memory.bandwidthBps).toBe(2e12);
    expect(c.memory.capacityBytes).toBe(base.memory.capacityBytes);
  });

  it('deep-merge keys and pointer keys combine; pointers apply last', () => {
    const c = loadArch(arch('both', { memory: { bandwidthBps: 1e12 }, '/memory/bandwidthBps': 3e12 }));
    expect(c.memory.bandwidthBps).toBe(3e12);
  });

  it('a bad pointer or value is reported at its own pointer', () => {
    expect(() => loadArch(arch('typo', { '/gpu/nope': 1 }))).toThrow(/unknown property 'nope'/);
    try {
      loadArch(arch('neg', { '/memory/bandwidthBps': -5 }));
      expect.unreachable();
    } catch (e) {
      expect((e as { pointer?: string }).pointer).toBe('/memory/bandwidthBps');
    }
  });
});
