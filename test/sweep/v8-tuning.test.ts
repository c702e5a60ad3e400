import { afterEach, describe, expect, it } from 'vitest';
import { SATURATED_V8_FLAGS, SWEEP_V8_FLAGS, tuneV8ForSweep } from '../../src/sweep/v8-tuning.ts';

describe('sweep V8 settings (sweep/v8-tuning.ts)', () => {
  const saved = process.env['ACCELSCOPE_SWEEP_V8_TUNING'];
  afterEach(() => {
    if (saved === undefined) delete process.env['ACCELSCOPE_SWEEP_V8_TUNING'];
    else process.env['ACCELSCOPE_SWEEP_V8_TUNING'] = saved;
  });
  it('background compiles stay on while a core is free, and go off when the workers take every core', () => {
    delete process.env['ACCELSCOPE_SWEEP_V8_TUNING'];
    expect(tuneV8ForSweep(1, 2)).toEqual(SWEEP_V8_FLAGS);
    expect(tuneV8ForSweep(2, 2)).toEqual([...SWEEP_V8_FLAGS, ...SATURATED_V8_FLAGS]);
    expect(tuneV8ForSweep(3, 2)).toContain('--no-concurrent-recompilation');
    expect(tuneV8ForSweep(3, 4)).not.toContain('--no-concurrent-recompilation');
  });
  it('ACCELSCOPE_SWEEP_V8_TUNING=0 sets nothing', () => {
    process.env['ACCELSCOPE_SWEEP_V8_TUNING'] = '0';
    expect(tuneV8ForSweep(2, 2)).toEqual([]);
  });
});
