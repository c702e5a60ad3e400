import { describe, expect, it } from 'vitest';
import { loadModel, loadQuant } from '../../src/config/load.ts';
import { concreteWorkloads } from '../../src/sweep/points.ts';
import { evaluateServePoint } from '../../src/sweep/serve-point.ts';
import { objectiveDef } from '../../src/sweep/objectives.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';
import { makeArch, modelPath, ROOT } from '../helpers.ts';

describe('serve as a sweep workload', () => {
  it('expands rate × scheduler knobs × max-running into points (no chunked static batching)', () => {
    const ws = concreteWorkloads([
      {
        model: 'm.json',
        phase: 'serve',
        batch: [8, 64],
        requests: 'poisson:rate=1,n=10,prompt=fixed(8),output=fixed(8)',
        rate: [1, 2, 4],
        scheduler: ['static', 'continuous'],
        chunkedPrefill: [false, true],
      },
    ]);
    expect(ws.length).toBe(2 * 3 * 3);
    expect(ws.every((w) => w.phase === 'serve' && w.model === 'm')).toBe(true);
    expect(ws.some((w) => w.scheduler === 'static' && w.chunkedPrefill)).toBe(false);
  });
  it('the example spec loads, and goodput is a maximized objective', () => {
    const spec = loadSweepSpec(`${ROOT}/workloads/sweeps/h100-serve.json`);
    expect(spec.workloads[0]!.phase).toBe('serve');
    expect(objectiveDef('goodput')).toEqual({ key: 'goodputRps', goal: 'max', unit: 'req/s' });
  });
  it('a point reports goodput under its SLO; past saturation goodput stops following the rate', () => {
    const spec = loadModel(modelPath('qwen2-0.5b'));
    const arch = makeArch('gpu/h100-sxm');
    const q = loadQuant('w16a16');
    const at = (rate: number) =>
      evaluateServePoint(spec, arch, q, {
        model: 'qwen2-0.5b',
        phase: 'serve',
        batch: 32,
        requests: 'poisson:rate=1,n=300,prompt=fixed(1024),output=fixed(64)',
        rate,
        slo: 'ttft=100ms,tpot=20ms',
      });
    const low = at(5);
    const high = at(2000);
    expect(low['sloAttainment']).toBe(1);
    expect(low['goodputRps']).toBeCloseTo(low['requestsPerSecond']!, 12);
    expect(high['sloAttainment']).toBeLessThan(1);
    expect(high['goodputRps']).toBeLessThan(high['requestsPerSecond']!);
  });
});
