/** Calibration factors: declared per kind, strict names and ranges, reported resolved with their origin. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArch } from '../../src/config/load.ts';
import { resolveCalibration } from '../../src/arch/calibration.ts';
import { closestName, editDistance } from '../../src/arch/closest-name.ts';
import { getModel } from '../../src/hw/registry.ts';
import { archPath, cli, modelPath, userError } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-calibration-'));
let n = 0;
function derived(base: string, overrides: unknown): string {
  const p = join(dir, `a${n++}.json`);
  writeFileSync(p, JSON.stringify({ extends: archPath(base), overrides }));
  return p;
}
const cal = (value: number) => ({ value, source: 'test' });

describe('unknown calibration names', () => {
  it('a misspelt factor is a one-line error at its pointer naming the closest valid name', () => {
    const f = derived('gpu/h100-sxm', { calibration: { tensorCoreEfficency: cal(0.5) } });
    const e = userError(() => loadArch(f));
    expect(e.pointer).toBe('/calibration/tensorCoreEfficency');
    expect(e.toLine()).toBe(
      `error: ${f}: /calibration/tensorCoreEfficency: unknown calibration factor 'tensorCoreEfficency' for gpu-tensor-core; did you mean 'tensorCoreEfficiency'?`,
    );
  });

  it('a name far from every valid one lists the valid names; a kind without factors says so', () => {
    expect(userError(() => loadArch(derived('gpu/h100-sxm', { calibration: { zzz: cal(1) } }))).message).toMatch(
      /known: dramBandwidthEfficiency, tensorCoreEfficiency, kernelLaunchSeconds, sustainedPowerFraction, powerLimitWindowSeconds$/,
    );
    expect(userError(() => loadArch(derived('pim/neupims', { calibration: { dramBandwidthEfficiency: cal(1) } }))).message).toMatch(
      /pim-dram has no calibration factors/,
    );
  });

  it('a factor of another kind is unknown here (LUT has no tensorCoreEfficiency)', () => {
    expect(userError(() => loadArch(derived('lut/lut-tensor-core-a100', { calibration: { tensorCoreEfficiency: cal(0.8) } }))).pointer).toBe(
      '/calibration/tensorCoreEfficiency',
    );
  });

  it('closestName: edit distance, and no suggestion when nothing is near', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestName('hbmEficiency', ['hbmEfficiency', 'ddrEfficiency'])).toBe('hbmEfficiency');
    expect(closestName('xyz', ['hbmEfficiency'])).toBeUndefined();
  });
});

describe('calibration ranges', () => {
  it('tensorCoreEfficiency -1e-300 (was a step of -1.4e296 s, exit 0) is rejected at its value', () => {
    const e = userError(() => loadArch(derived('gpu/h100-sxm', { calibration: { tensorCoreEfficiency: cal(-1e-300) } })));
    expect(e.pointer).toBe('/calibration/tensorCoreEfficiency/value');
    expect(e.message).toBe('must be > 0');
  });

  it('boundary: an efficiency of exactly 1 loads, one ulp above 1 does not; 0 is excluded', () => {
    expect(loadArch(derived('gpu/h100-sxm', { calibration: { tensorCoreEfficiency: cal(1) } })).calibration?.['tensorCoreEfficiency']?.value).toBe(1);
    expect(userError(() => loadArch(derived('gpu/h100-sxm', { calibration: { tensorCoreEfficiency: cal(1 + Number.EPSILON) } }))).message).toBe('must be <= 1');
    expect(userError(() => loadArch(derived('gpu/h100-sxm', { calibration: { dramBandwidthEfficiency: cal(0) } }))).message).toBe('must be > 0');
    expect(userError(() => loadArch(derived('gpu/h100-sxm', { calibration: { kernelLaunchSeconds: cal(-1e-9) } }))).message).toBe('must be >= 0');
  });

  it('a value without a source is rejected', () => {
    const doc = JSON.parse(readFileSync(archPath('gpu/h100-sxm'), 'utf8')) as { calibration: Record<string, unknown> };
    doc.calibration['tensorCoreEfficiency'] = { value: 0.8 };
    const f = join(dir, 'no-source.json');
    writeFileSync(f, JSON.stringify(doc));
    const e = userError(() => loadArch(f));
    expect([e.pointer, e.message]).toEqual(['/calibration/tensorCoreEfficiency', "must have required property 'source'"]);
  });
});

describe('resolved calibration', () => {
  it('every factor the GPU model uses, marked config or default', () => {
    const a = loadArch(archPath('gpu/h100-sxm'));
    const { calibration, ...rest } = a;
    const partial = { ...rest, calibration: { tensorCoreEfficiency: calibration!['tensorCoreEfficiency']! } };
    const r = resolveCalibration(partial, getModel('gpu-tensor-core').calibration);
    expect(r.map((c) => [c.name, c.value, c.origin])).toEqual([
      ['dramBandwidthEfficiency', 0.85, 'default'],
      ['tensorCoreEfficiency', 0.8, 'config'],
      ['kernelLaunchSeconds', 2e-6, 'default'],
      ['sustainedPowerFraction', 1, 'default'],
    ]);
    // the window is read only under a sustained limit (fraction < 1)
    const limited = resolveCalibration(a, getModel('gpu-tensor-core').calibration);
    expect(limited.map((c) => [c.name, c.origin])).toEqual([
      ['dramBandwidthEfficiency', 'config'],
      ['tensorCoreEfficiency', 'config'],
      ['kernelLaunchSeconds', 'config'],
      ['sustainedPowerFraction', 'config'],
      ['powerLimitWindowSeconds', 'config'],
    ]);
    expect(r[0]!.unit).toBe('fraction');
    expect(r[2]!.unit).toBe('s');
  });

  it('LUT factors apply to the tensor-core variant only (the CPU variant uses none)', () => {
    const lut = getModel('lut-tensor-core').calibration;
    expect(resolveCalibration(loadArch(archPath('lut/lut-tensor-core-a100')), lut).map((c) => c.name)).toEqual([
      'dramBandwidthEfficiency',
      'kernelLaunchSeconds',
    ]);
    expect(resolveCalibration(loadArch(archPath('lut/tmac-m2-ultra')), lut)).toEqual([]);
  });

  it('simulate --json and the text output list each factor with its origin', async () => {
    const doc = JSON.parse(readFileSync(archPath('gpu/h100-sxm'), 'utf8')) as { calibration: Record<string, unknown> };
    delete doc.calibration['kernelLaunchSeconds'];
    const f = join(dir, 'no-launch.json');
    writeFileSync(f, JSON.stringify(doc));
    const base = ['simulate', '--arch', f, '--model', modelPath('llama-2-7b'), '--context', '128'];
    const j = await cli(...base, '--json');
    expect(j.code, j.stderr).toBe(0);
    const rows = (JSON.parse(j.stdout) as { calibration: { name: string; value: number; origin: string }[] }).calibration;
    expect(rows.map((c) => `${c.name}=${c.value}:${c.origin}`)).toEqual([
      'dramBandwidthEfficiency=0.8917:config',
      'tensorCoreEfficiency=0.8:config',
      'kernelLaunchSeconds=0.000002:default',
      'sustainedPowerFraction=0.8:config',
      'powerLimitWindowSeconds=0.021:config',
    ]);
    const t = await cli(...base);
    expect(t.stdout).toMatch(/kernelLaunchSeconds = 0.000002 s \[default\]/);
    expect(t.stdout).toMatch(/tensorCoreEfficiency = 0.8 \[config\]/);
  });
});
