import { describe, expect, it } from 'vitest';
import { gpuTensorCoreModel } from '../../../src/hw/gpu-tensor-core/model.ts';
import { opTraffic } from '../../../src/workload/ops.ts';
import { add, bf16, h100, norm } from './fixtures.ts';

const sim = gpuTensorCoreModel.simulate.bind(gpuTensorCoreModel);

describe('bandwidth-bound kernels', () => {
  it('a decode-size norm is launch/latency bound; a prefill-size norm is memory bound at its compulsory bytes', () => {
    const small = sim(norm(1, 4096), h100(), bf16);
    expect(small.bound).toBe('latency');
    expect(small.seconds).toBeGreaterThanOrEqual(1e-6 + 6e-7);
    const big = sim(norm(16384, 8192), h100(), bf16);
    expect(big.bound).toBe('memory');
    expect(big.bytes['dram']).toBe(opTraffic(norm(16384, 8192), bf16).total);
    const expected = 1e-6 + 6e-7 + big.bytes['dram']! / (3.35e12 * 0.8917);
    expect(big.seconds).toBeCloseTo(expected, 12);
  });

  it('more bandwidth never slows a memory-bound op', () => {
    let prev = Infinity;
    for (const bw of [0.2e12, 1e12, 3.35e12, 10e12]) {
      const t = sim(norm(8192, 8192), h100({ memory: { bandwidthBps: bw } }), bf16).seconds;
      expect(t).toBeLessThan(prev);
      prev = t;
    }
  });

  it('fusedResidualNorm: the residual add has no launch and moves one tensor less; off, it is a kernel of its own', () => {
    const n = 4096 * 4096;
    const fused = sim(add(n), h100(), bf16);
    const unfused = sim(add(n), h100({ gpu: { fusion: { fusedResidualNorm: false } } }), bf16);
    expect(fused.breakdown!['launchS']).toBe(0);
    expect(unfused.breakdown!['launchS']).toBe(1e-6);
    expect(unfused.bytes['dram']! - fused.bytes['dram']!).toBe(n * 2);
    expect(fused.notes?.[0]).toMatch(/fusedResidualNorm/);
  });

  it('a flushed L2 adds the write-back of the lines the kernel evicts, at most the L2 size', () => {
    const cold = sim(norm(16384, 8192), h100(), bf16, { l2State: 'cold' });
    const flushed = sim(norm(16384, 8192), h100(), bf16, { l2State: 'flushed' });
    expect(flushed.bytes['dram']! - cold.bytes['dram']!).toBe(52428800);
  });
});
