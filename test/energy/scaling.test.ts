import { describe, expect, it } from 'vitest';
import { nodeEnergyScale, relativeNodeEnergy } from '../../src/energy/scaling.ts';

describe('Stillmaker & Baas node scaling', () => {
  it('nodeScalingIsMonotonic: a smaller node never costs more energy, and strictly less from 130 nm to 1 nm', () => {
    const nodes: number[] = [];
    for (let n = 200; n >= 0.5; n *= 0.97) nodes.push(n);
    for (let i = 1; i < nodes.length; i++) {
      const bigger = nodes[i - 1]!;
      const smaller = nodes[i]!;
      const r = nodeEnergyScale(bigger, smaller);
      expect(r, `${bigger} → ${smaller}`).toBeLessThanOrEqual(1);
      if (bigger <= 130 && smaller >= 1) expect(r, `${bigger} → ${smaller}`).toBeLessThan(1);
    }
  });

  it('reproduces the plug-in polynomial at the tabulated nodes (45 → 7 nm ≈ 0.094 at 0.8 V)', () => {
    const f45 = 1.103 * 0.64 - 0.362 * 0.8 + 0.2767;
    const f7 = 0.1776 * 0.64 - 0.09097 * 0.8 + 0.02447;
    expect(nodeEnergyScale(45, 7)).toBeCloseTo(f7 / f45, 12);
    expect(nodeEnergyScale(45, 7)).toBeCloseTo(0.094, 3);
  });

  it('applies the sqrt rule below 7 nm and stops at 1 nm', () => {
    expect(nodeEnergyScale(7, 5)).toBeCloseTo(Math.sqrt(5 / 7), 12);
    expect(nodeEnergyScale(7, 1)).toBeCloseTo(Math.sqrt(1 / 7), 12);
    expect(nodeEnergyScale(1, 0.5)).toBe(1);
  });

  it('is an identity at equal nodes and inverts exactly', () => {
    for (const [a, b] of [
      [45, 7],
      [16, 5],
      [28, 12],
      [130, 3],
    ] as const) {
      expect(nodeEnergyScale(a, a)).toBe(1);
      expect(nodeEnergyScale(a, b) * nodeEnergyScale(b, a)).toBeCloseTo(1, 12);
    }
  });

  it('interpolates between tabulated nodes (28 nm lies between 32 and 20 nm)', () => {
    const r28 = relativeNodeEnergy(28);
    expect(r28).toBeLessThan(relativeNodeEnergy(32));
    expect(r28).toBeGreaterThan(relativeNodeEnergy(20));
  });

  it('rejects a non-positive node', () => {
    expect(() => nodeEnergyScale(45, 0)).toThrow(/positive number of nm \(got 0\)/);
    expect(() => nodeEnergyScale(Number.NaN, 7)).toThrow(/positive/);
  });
});
