import { describe, expect, it } from 'vitest';
import { addOp, addWork, emptySums, energyJOf, stepTotals } from '../../src/engine/totals.ts';
import type { OpResult } from '../../src/hw/model.ts';
import type { RooflinePoint } from '../../src/hw/roofline/roofline.ts';

const op = (seconds: number, dram?: number): OpResult => ({
  cycles: 1,
  seconds,
  flops: 1000,
  bytes: dram === undefined ? { l2: 5 } : { dram, l2: 5 },
  energyPj: { compute: 1e6, onChip: 2e6, offChip: 3e6, static: 4e6 },
  bound: 'compute',
  utilization: 0.5,
});
const point = { seconds: 0.25 } as RooflinePoint;

describe('step totals', () => {
  it('energyJOf sums the four components in joules', () => {
    expect(energyJOf({ compute: 1e12, onChip: 2e12, offChip: 3e12, static: 4e12 })).toBe(10);
  });

  it('addOp adds times × the op (main memory only; a result without dram adds no bytes)', () => {
    const s = emptySums();
    addOp(s, op(0.5, 100), point);
    addOp(s, op(0.5), point, 3);
    expect(s).toEqual({ seconds: 2, rooflineSeconds: 1, flops: 4000, bytes: 100, energyPj: { compute: 4e6, onChip: 8e6, offChip: 12e6, static: 16e6 } });
  });

  it('addWork leaves time alone', () => {
    const s = emptySums();
    addWork(s, 10, 20, { compute: 1, onChip: 1, offChip: 1, static: 1 }, 2);
    expect([s.seconds, s.flops, s.bytes, s.energyPj.static]).toEqual([0, 20, 40, 2]);
  });

  it('stepTotals derives energy, energy per token, power and throughput', () => {
    const t = stepTotals(
      { seconds: 2, rooflineSeconds: 1, flops: 8, bytes: 4, energyPj: { compute: 1e12, onChip: 1e12, offChip: 1e12, static: 1e12 } },
      8,
      123,
    );
    expect(t).toEqual({
      seconds: 2,
      rooflineSeconds: 1,
      flops: 8,
      bytes: 4,
      energyJ: 4,
      energyPj: { compute: 1e12, onChip: 1e12, offChip: 1e12, static: 1e12 },
      energyPerTokenJ: 0.5,
      averagePowerW: 2,
      tokensPerSecond: 4,
      memoryBytes: 123,
    });
    expect(stepTotals(emptySums(), 1, 0).averagePowerW).toBe(0);
  });
});
