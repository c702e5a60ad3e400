import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSystem, systemPresets, SYSTEMS_DIR } from '../../src/system/load.ts';
import { groupLinks } from '../../src/system/topology.ts';
import { userError } from '../helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'accelscope-system-'));
function variant(name: string, edit: (d: Record<string, unknown>) => void): string {
  const d = JSON.parse(readFileSync(resolve(SYSTEMS_DIR, 'dgx-h100.json'), 'utf8')) as Record<string, unknown>;
  d['device'] = resolve(SYSTEMS_DIR, d['device'] as string);
  edit(d);
  const p = join(tmp, `${name}.json`);
  writeFileSync(p, JSON.stringify(d));
  return p;
}

describe('system presets', () => {
  it('ship the presets the issue asks for, and every one loads with its device', () => {
    const names = systemPresets();
    for (const n of ['dgx-h100', 'dgx-a100', 'hgx-h200', 'l40s-8x-pcie', 'rtx-4090-2x-pcie', 'dgx-h100-2node-ib', 'u280-4x-qsfp-ring', 'neupims-tp8-pp4'])
      expect(names).toContain(n);
    for (const n of names) {
      const s = loadSystem(n);
      expect(['gpu-tensor-core', 'fpga-dsp-chain', 'pim-dram']).toContain(s.arch.kind);
      expect(s.config.devicesPerNode * s.config.nodes).toBeGreaterThan(1);
      // Every figure carries a source.
      expect(Object.keys(s.config.sources ?? {}).length).toBeGreaterThan(0);
      for (const lvl of [s.config.intraNode, s.config.interNode]) if (lvl) expect(lvl.efficiency.source.length).toBeGreaterThan(10);
    }
  });

  it('per-device NVLink rates: H100 18 × 25 GB/s, A100 12 × 25 GB/s, times the efficiency', () => {
    expect(groupLinks(loadSystem('dgx-h100').config, [0, 1]).intra!.bytesPerSecond).toBeCloseTo(450e9 * 0.8, 0);
    expect(groupLinks(loadSystem('dgx-a100').config, [0, 1]).intra!.bytesPerSecond).toBeCloseTo(300e9 * 0.8, 0);
  });

  it("a group inside one node uses no NIC; one across nodes shares its node's NICs", () => {
    const s = loadSystem('dgx-h100-2node-ib').config;
    const inNode = groupLinks(s, [0, 1, 2, 3, 4, 5, 6, 7]);
    expect(inNode.nodes).toBe(1);
    expect(inNode.inter).toBeUndefined();
    const across = groupLinks(
      s,
      Array.from({ length: 16 }, (_, i) => i),
    );
    expect(across).toMatchObject({ nodes: 2, perNode: 8 });
    expect(across.inter!.bytesPerSecond).toBeCloseTo((8 * 50e9 * 0.86) / 8, 0);
  });
});

describe('system file errors', () => {
  it('an unknown preset lists the presets', () => {
    const e = userError(() => loadSystem('dgx-z900'));
    expect(e.message).toMatch(/unknown system 'dgx-z900' \(presets: .*dgx-h100/);
  });
  it('a schema violation names the file and JSON pointer', () => {
    const f = variant('bad-links', (d) => ((d['intraNode'] as { links: { count: number } }).links.count = 0));
    const e = userError(() => loadSystem(f));
    expect(e.toLine()).toContain(`${f}: /intraNode/links/count:`);
  });
  it('an unknown property is refused (strict schema)', () => {
    const f = variant('extra', (d) => (d['gpus'] = 8));
    expect(userError(() => loadSystem(f)).toLine()).toMatch(/unknown property 'gpus'/);
  });
  it('two nodes without an inter-node level is an error at /interNode', () => {
    const f = variant('no-net', (d) => (d['nodes'] = 2));
    const e = userError(() => loadSystem(f));
    expect(e.pointer).toBe('/interNode');
  });
  it('a missing device file is named', () => {
    const f = variant('no-device', (d) => (d['device'] = './nope.json'));
    const e = userError(() => loadSystem(f));
    expect(e.pointer).toBe('/device');
    expect(e.message).toContain('nope.json');
  });
});
