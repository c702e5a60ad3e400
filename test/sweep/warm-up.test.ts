import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archPath, modelPath } from '../helpers.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';
import { PointSpace } from '../../src/sweep/points.ts';
import { warmUpIndices } from '../../src/sweep/warm-up.ts';
import { SweepContext, evaluatePoint } from '../../src/sweep/evaluate.ts';
import { baseVerdicts } from '../../src/sweep/point-validator.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-warm-'));
const specFile = join(dir, 'spec.json');
writeFileSync(
  specFile,
  JSON.stringify({
    arch: archPath('gpu/h100-sxm'),
    parameters: [
      { pointer: '/memory/bandwidthBps', logRange: { start: 1e12, stop: 8e12, num: 20 } },
      { pointer: '/gpu/sms', values: [66, 132] },
    ],
    quant: ['w16a16', 'w8a8', 'w4a16-g128', 'fp8'],
    workloads: [{ model: modelPath('qwen2-0.5b'), phase: 'decode', batch: [1, 8], context: [128] }],
    strategy: { kind: 'grid' },
  }),
);

describe('sweep worker warm-up (sweep/warm-up.ts)', () => {
  const spec = loadSweepSpec(specFile);
  const space = new PointSpace(spec);
  it('probes every value of a few-valued dimension at both corners, and the ends and middle of a many-valued one', () => {
    const idx = warmUpIndices(space);
    expect(idx[0]).toBe(0);
    expect(new Set(idx).size).toBe(idx.length);
    const pts = idx.map((i) => space.point(i));
    const bwAll = space.dims[0]!.values as number[];
    const atFirst = (p: (typeof pts)[number]) => p.params['/memory/bandwidthBps'] === bwAll[0] && p.params['/gpu/sms'] === 66;
    const atLast = (p: (typeof pts)[number]) => p.params['/memory/bandwidthBps'] === bwAll[19] && p.params['/gpu/sms'] === 132;
    // Every scheme with every parameter at its first value, and at its last (where kernels are power-limited).
    for (const q of ['w16a16', 'w8a8', 'w4a16-g128', 'fp8']) {
      expect(pts.some((p) => p.quant === q && atFirst(p))).toBe(true);
      expect(pts.some((p) => p.quant === q && atLast(p))).toBe(true);
    }
    expect(idx).toContain(space.size - 1);
    expect(new Set(pts.map((p) => p.workload.batch))).toEqual(new Set([1, 8]));
    // The 20 bandwidths: first, middle and last only.
    expect(new Set(pts.map((p) => p.params['/memory/bandwidthBps']))).toEqual(new Set([bwAll[0], bwAll[9], bwAll[19]]));
    expect(idx.length).toBeLessThanOrEqual(48);
    expect(warmUpIndices(space, 5)).toEqual(idx.slice(0, 5));
  });
  it('a warmed-up context gives the same lines as a fresh one', () => {
    const warmed = new SweepContext(spec, baseVerdicts(spec));
    for (const i of warmUpIndices(space)) evaluatePoint(warmed, i);
    const fresh = new SweepContext(spec, baseVerdicts(spec));
    for (let i = 0; i < space.size; i += 7) expect(JSON.stringify(evaluatePoint(warmed, i))).toBe(JSON.stringify(evaluatePoint(fresh, i)));
  });
});
