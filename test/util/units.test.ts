import { describe, expect, it } from 'vitest';
import { formatSeconds } from '../../src/util/units.ts';

describe('formatSeconds (util/units re-exports util/format)', () => {
  it('long durations are grouped whole seconds, not exponent notation or ks (was "1.38e+3 s")', () => {
    expect(formatSeconds(1380.4)).toBe('1,380 s');
    expect(formatSeconds(999.4)).toBe('999 s');
    expect(formatSeconds(1000)).toBe('1,000 s');
    expect(formatSeconds(999.7)).toBe('1,000 s');
    expect(formatSeconds(2.5e7)).toBe('25,000,000 s');
  });
  it('keeps three significant digits below 1000 s and its SI prefixes, trailing zeros dropped', () => {
    expect(formatSeconds(12.345)).toBe('12.3 s');
    expect(formatSeconds(0.0123)).toBe('12.3 ms');
    expect(formatSeconds(2e-9)).toBe('2 ns');
    expect(formatSeconds(0)).toBe('0 s');
  });
});
