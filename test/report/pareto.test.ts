/** The 2-D Pareto front at its boundaries: ties, duplicates, directions, non-finite values. */
import { describe, expect, it } from 'vitest';
import { paretoFront2d } from '../../src/report/pareto.ts';
import { objectiveInfo } from '../../src/report/objectives.ts';

const P = (...xy: [number, number][]) => xy.map(([x, y]) => ({ x, y }));

describe('paretoFront2d', () => {
  it('minMin: keeps the staircase, drops dominated points', () => {
    expect(paretoFront2d(P([1, 5], [2, 3], [3, 4], [4, 1], [5, 1]), 'min', 'min')).toEqual([0, 1, 3]);
  });

  it('equalInOneStrictlyWorseInOtherIsDominated', () => {
    // (2,3) vs (2,4): same x, worse y → dominated; (3,3) vs (2,3): same y, worse x → dominated
    expect(paretoFront2d(P([2, 3], [2, 4], [3, 3]), 'min', 'min')).toEqual([0]);
  });

  it('exactDuplicatesOfAFrontPointAreAllOnTheFront', () => {
    expect(paretoFront2d(P([1, 2], [1, 2], [0.5, 3]), 'min', 'min')).toEqual([2, 0, 1]);
  });

  it('maxDirectionFlipsTheComparison', () => {
    // minimize latency (x), maximize throughput (y)
    expect(paretoFront2d(P([1, 10], [2, 30], [3, 20], [4, 40]), 'min', 'max')).toEqual([0, 1, 3]);
    expect(paretoFront2d(P([1, 10], [2, 30], [3, 20], [4, 40]), 'max', 'max')).toEqual([3]);
  });

  it('nonFinitePointsAreNeverOnTheFront', () => {
    expect(paretoFront2d(P([NaN, 0], [1, Infinity], [2, 2]), 'min', 'min')).toEqual([2]);
    expect(paretoFront2d([], 'min', 'min')).toEqual([]);
  });

  it('scalesToTenThousandPoints', () => {
    const pts = Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: 10_000 - i }));
    expect(paretoFront2d(pts, 'min', 'min')).toHaveLength(10_000);
    expect(paretoFront2d(pts, 'min', 'max')).toEqual([0]);
  });
});

describe('objectiveInfo', () => {
  it('paramTitlesCarryTheUnitTheirNameStates', async () => {
    const { paramTitle } = await import('../../src/report/objectives.ts');
    expect(paramTitle('/memory/bandwidthBps')).toBe('/memory/bandwidthBps (B/s)');
    expect(paramTitle('/memory/capacityBytes')).toBe('/memory/capacityBytes (bytes)');
    expect(paramTitle('/gpu/clockHz')).toBe('/gpu/clockHz (Hz)');
    expect(paramTitle('/gpu/sms')).toBe('/gpu/sms');
  });

  it('knownObjectivesHaveDirectionAndUnit', () => {
    expect(objectiveInfo('latencySeconds')).toMatchObject({ direction: 'min', unit: 's', title: 'latency per step (s)' });
    expect(objectiveInfo('tokensPerSecond')).toMatchObject({ direction: 'max', unit: 'tokens/s' });
    expect(objectiveInfo('energyPerTokenJ')).toMatchObject({ direction: 'min', unit: 'J/token' });
  });

  it('unitsReadFromSuffixes', () => {
    expect(objectiveInfo('ttftSeconds')).toMatchObject({ direction: 'min', unit: 's', title: 'ttft seconds (s)' });
    expect(objectiveInfo('averagePowerW')).toMatchObject({ direction: 'min', unit: 'W' });
    expect(objectiveInfo('outputTokensPerSecond')).toMatchObject({ direction: 'max', unit: '/s' });
    expect(objectiveInfo('areaMm2')).toMatchObject({ unit: 'mm²' });
    expect(objectiveInfo('peakMemoryBytes')).toMatchObject({ unit: 'bytes' });
  });

  it('unknownNamesAreMinimizedWithoutUnitAndMaximizeOverrides', () => {
    expect(objectiveInfo('score')).toEqual({ name: 'score', direction: 'min', unit: '', title: 'score' });
    expect(objectiveInfo('score', ['score']).direction).toBe('max');
  });
});
