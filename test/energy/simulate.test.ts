/** `simulate` reports energy per token, average power, the breakdown and every table entry's source. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archPath, cli, modelPath } from '../helpers.ts';
import { formatQuantity } from '../../src/util/format.ts';

const H100 = archPath('gpu/h100-sxm');
const ARGS = ['--model', modelPath('llama-2-7b'), '--phase', 'decode', '--batch', '8', '--context', '2048'];

function archFile(energy: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'accelscope-energy-'));
  const f = join(dir, 'arch.json');
  writeFileSync(f, JSON.stringify({ extends: H100, overrides: { energy } }));
  return f;
}

describe('simulate energy output', () => {
  it('prints energy per token, average power and the breakdown that sum to the JSON totals', async () => {
    const text = await cli('simulate', '--arch', H100, ...ARGS);
    const json = await cli('simulate', '--arch', H100, ...ARGS, '--json');
    expect(text.code).toBe(0);
    const r = JSON.parse(json.stdout);
    expect(text.stdout).toContain(`${formatQuantity(r.totals.energyPerTokenJ, 'J')} per token, ${formatQuantity(r.totals.averagePowerW, 'W')} average`);
    expect(r.totals.energyPerTokenJ).toBeCloseTo(r.totals.energyJ / 8, 12);
    const pj = r.totals.energyPj;
    expect((pj.compute + pj.onChip + pj.offChip + pj.static) * 1e-12).toBeCloseTo(r.totals.energyJ, 9);
    expect(text.stdout).toMatch(/breakdown +compute [\d.]+% · on-chip [\d.]+% · off-chip [\d.]+% · static [\d.]+%/);
    expect(text.stdout).toMatch(new RegExp(`sources +${r.energySources.length} table entries`));
  });

  it('--json carries the source of every table entry used', async () => {
    const r = JSON.parse((await cli('simulate', '--arch', H100, ...ARGS, '--json')).stdout);
    const keys = r.energySources.map((s: { key: string }) => s.key);
    expect(keys).toContain('memory:HBM3');
    expect(keys).toContain('mac:fp16');
    for (const s of r.energySources) {
      expect(s.source).toBeTruthy();
      expect(typeof s.verified).toBe('boolean');
      expect(s.overridden).toBe(false);
    }
  });

  it('an arch override of an entry shows in the text and the JSON', async () => {
    const f = archFile({ dram: { valuePjPerBit: 3.9, source: 'test measurement', nodeNm: 5 } });
    const text = await cli('simulate', '--arch', f, ...ARGS);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('overridden by the arch: memory:HBM3 = 31.2 pJ/byte');
    const r = JSON.parse((await cli('simulate', '--arch', f, ...ARGS, '--json')).stdout);
    const hbm = r.energySources.find((s: { key: string }) => s.key === 'memory:HBM3');
    expect(hbm).toMatchObject({ overridden: true, appliedPj: 31.2, source: 'arch override: test measurement' });
  });

  it('rejects an unknown energy key and an override without a source, with the JSON pointer', async () => {
    const bad = await cli('simulate', '--arch', archFile({ 'mac:fp3': { valuePj: 1, source: 's' } }), ...ARGS);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*arch\.json: \/energy: unknown property 'mac:fp3'\n$/);
    const noSource = await cli('simulate', '--arch', archFile({ dram: { valuePjPerBit: 3.9 } }), ...ARGS);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(/\/energy\/dram.*source/);
  });
});
