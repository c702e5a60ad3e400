import { describe, expect, it } from 'vitest';
import { cpuBandwidthBps, opsPerLookupInstruction, simulateCpu, threadsOf, type CpuArch } from '../../../src/hw/lut-tensor-core/cpu.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { AccelscopeError, InfeasibleError } from '../../../src/util/errors.ts';
import type { GemmOp } from '../../../src/workload/graph.ts';
import { makeArch } from '../../helpers.ts';

const m2 = makeArch<CpuArch>('lut/tmac-m2-ultra');
const pi5 = makeArch<CpuArch>('lut/tmac-raspberry-pi-5');

function gemm(m: number, n: number, k: number, extra: Partial<GemmOp> = {}): GemmOp {
  return { id: 'g', name: 'g', kind: 'gemm', cls: 'mlp', layer: 0, phase: 'decode', deps: [], m, n, k, batch: 1, weight: 'layer', bias: false, ...extra };
}

describe('threads', () => {
  it('default to all cores', () => {
    expect(threadsOf(m2)).toBe(16);
    expect(threadsOf(pi5)).toBe(4);
  });
  it('more threads than cores is a user error naming the core count', () => {
    expect(threadsOf(pi5, { threads: 4 })).toBe(4);
    expect(() => threadsOf(pi5, { threads: 5 })).toThrowError(/--threads 5 exceeds the 4 cores of Raspberry Pi 5/);
    try {
      threadsOf(pi5, { threads: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AccelscopeError);
      expect((e as AccelscopeError).code).toBe('bad-flag');
    }
  });
});

describe('bandwidth per core, per cluster and shared', () => {
  it('one thread gets one core\'s bandwidth', () => {
    expect(cpuBandwidthBps(m2, 1)).toBe(102e9);
    expect(cpuBandwidthBps(pi5, 1)).toBe(11.6e9);
  });
  it('a cluster port caps its cores; a fifth thread opens a second cluster', () => {
    expect(cpuBandwidthBps(m2, 2)).toBe(112e9);
    expect(cpuBandwidthBps(m2, 4)).toBe(112e9);
    expect(cpuBandwidthBps(m2, 5)).toBe(112e9 + 102e9);
    expect(cpuBandwidthBps(m2, 8)).toBe(224e9);
  });
  it('the shared limit caps everything', () => {
    expect(cpuBandwidthBps(m2, 16)).toBe(448e9);
    expect(cpuBandwidthBps(pi5, 2)).toBe(11.9e9);
  });
  it('is non-decreasing in threads', () => {
    for (const c of [m2, pi5]) {
      for (let t = 1; t < c.lut.cores; t++) expect(cpuBandwidthBps(c, t + 1)).toBeGreaterThanOrEqual(cpuBandwidthBps(c, t));
    }
  });
});

describe('SIMD work per lookup instruction', () => {
  it('TBL + one nibble unpack + two widening int8→int16 adds', () => {
    expect(opsPerLookupInstruction(m2.lut)).toEqual({ unpack: 1, sign: 0, accumulate: 2, total: 4 });
  });
  it('fast aggregation (int8 halving adds) takes one add per TBL, and cuts a lookup-bound GEMM by a quarter', () => {
    const fast = makeArch<CpuArch>('lut/tmac-m2-ultra', { lut: { table: { accumulatorBits: 8 } } });
    expect(opsPerLookupInstruction(fast.lut)).toEqual({ unpack: 1, sign: 0, accumulate: 1, total: 3 });
    const op = gemm(1, 4096, 4096);
    const q = parseQuantScheme('w4a16-g128');
    const slow = simulateCpu(op, m2, q, { threads: 1 }).breakdown!['lookupSeconds']!;
    const quick = simulateCpu(op, fast, q, { threads: 1 }).breakdown!['lookupSeconds']!;
    expect(quick / slow).toBeGreaterThan(0.74);
    expect(quick / slow).toBeLessThan(0.78);
  });
  it('a symmetrized (mirror-consolidated) table costs an XOR and a subtract for the sign', () => {
    const c = makeArch<CpuArch>('lut/tmac-m2-ultra', { lut: { table: { symmetrization: true } } });
    expect(opsPerLookupInstruction(c.lut)).toEqual({ unpack: 1, sign: 2, accumulate: 2, total: 6 });
  });
  it('int32 accumulators need four widening adds per TBL', () => {
    const c = makeArch<CpuArch>('lut/tmac-m2-ultra', { lut: { table: { accumulatorBits: 32 } } });
    expect(opsPerLookupInstruction(c.lut).accumulate).toBe(4);
  });
});

describe('LUT GEMM on the CPU', () => {
  const op = gemm(1, 4096, 4096);
  it('TBL instructions are exact: ⌈n/16⌉/threads blocks × ⌈k/4⌉ groups × b planes', () => {
    const r = simulateCpu(op, m2, parseQuantScheme('w2a16-g128'), { threads: 1 });
    expect(r.breakdown!['tblInstructionsPerThread']).toBe(256 * 1024 * 2);
    const r8 = simulateCpu(op, m2, parseQuantScheme('w2a16-g128'), { threads: 8 });
    expect(r8.breakdown!['tblInstructionsPerThread']).toBe(32 * 1024 * 2);
    // 257 blocks over 8 threads: the busiest thread takes 33.
    const r8b = simulateCpu(gemm(1, 4096 + 16, 4096), m2, parseQuantScheme('w2a16-g128'), { threads: 8 });
    expect(r8b.breakdown!['tblInstructionsPerThread']).toBe(33 * 1024 * 2);
  });
  it('lookup time is linear in weight bits (up to the per-output scale epilogue, < 3%)', () => {
    const t = (s: string) => simulateCpu(op, m2, parseQuantScheme(s), { threads: 1 }).breakdown!['lookupSeconds']!;
    const t1 = t('w1a16-g128');
    for (const [s, b] of [['w2a16-g128', 2], ['w3a16-g128', 3], ['w4a16-g128', 4]] as const) {
      expect(t(s) / t1).toBeLessThanOrEqual(b);
      expect(t(s) / t1).toBeGreaterThan(0.97 * b);
    }
  });
  it('one core of an M2 is lookup-bound, a Pi 5 core memory-bound (W4 GEMV)', () => {
    expect(simulateCpu(op, m2, parseQuantScheme('w4a16-g128'), { threads: 1 }).bound).toBe('compute');
    expect(simulateCpu(op, pi5, parseQuantScheme('w4a16-g128'), { threads: 2 }).bound).toBe('memory');
  });
  it('a 16-entry int8 table just fits one TBL register; g = 5 does not, unless symmetrized', () => {
    expect(() => simulateCpu(op, m2, parseQuantScheme('w2a16'), {})).not.toThrow();
    const g5 = makeArch<CpuArch>('lut/tmac-m2-ultra', { lut: { table: { groupSize: 5 } } });
    expect(() => simulateCpu(op, g5, parseQuantScheme('w2a16'), {})).toThrow(InfeasibleError);
    expect(() => simulateCpu(op, g5, parseQuantScheme('w2a16'), {})).toThrowError(/32 bytes; one lookup instruction of .* indexes 16/);
    const g5s = makeArch<CpuArch>('lut/tmac-m2-ultra', { lut: { table: { groupSize: 5, symmetrization: true } } });
    expect(() => simulateCpu(op, g5s, parseQuantScheme('w2a16'), {})).not.toThrow();
  });
  it('fp16 weights fall back to SIMD FMAs, with a note', () => {
    const r = simulateCpu(op, m2, parseQuantScheme('w16a16'), { threads: 1 });
    expect(r.dtype).toBe('fp16');
    expect(r.notes?.[0]).toMatch(/not a 1–4-bit integer format/);
  });
  it('more threads never slow a GEMM down', () => {
    let prev = Infinity;
    for (let t = 1; t <= 16; t++) {
      const s = simulateCpu(op, m2, parseQuantScheme('w2a16-g128'), { threads: t }).seconds;
      expect(s).toBeLessThanOrEqual(prev * (1 + 1e-12));
      prev = s;
    }
  });
});
