import { describe, expect, it } from 'vitest';
import {
  barrierSeconds,
  cpuBandwidthBps,
  littlesLawBandwidthBps,
  opsPerLookupInstruction,
  perCoreBandwidthBps,
  simulateCpu,
  threadsOf,
  type CpuArch,
} from '../../../src/hw/lut-tensor-core/cpu.ts';
import { energyOf } from '../../../src/energy/account.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { AccelscopeError, InfeasibleError } from '../../../src/util/errors.ts';
import type { GemmOp, Op } from '../../../src/workload/graph.ts';
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
    expect(() => threadsOf(pi5, { threads: 5 })).toThrowError(/^threads 5 exceeds the 4 cores of Raspberry Pi 5/);
    try {
      threadsOf(pi5, { threads: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AccelscopeError);
      expect((e as AccelscopeError).code).toBe('bad-flag');
    }
  });
});

/** Little's law figure of the Pi 5 preset: 20 lines × 64 B in flight for 110 ns. */
const PI5_CORE_BPS = (20 * 64) / 110e-9;

describe("per-core bandwidth from memory-level parallelism (Little's law)", () => {
  it('lines in flight × line bytes / loaded latency, exactly', () => {
    expect(littlesLawBandwidthBps(20, 64, 110e-9)).toBe(PI5_CORE_BPS);
    expect(perCoreBandwidthBps(pi5)).toBe(PI5_CORE_BPS);
  });
  it('doubling the lines in flight doubles it; doubling the latency halves it', () => {
    const base = perCoreBandwidthBps(pi5);
    expect(perCoreBandwidthBps(makeArch<CpuArch>('lut/tmac-raspberry-pi-5', { lut: { memory: { outstandingLinesPerCore: 40 } } }))).toBeCloseTo(2 * base, 0);
    expect(perCoreBandwidthBps(makeArch<CpuArch>('lut/tmac-raspberry-pi-5', { lut: { memory: { loadedLatencySeconds: 220e-9 } } }))).toBeCloseTo(base / 2, 0);
  });
  it("a measured per-core figure caps Little's law, and Little's law caps a measurement", () => {
    // M2 preset: measured 102 GB/s only. Adding 28 lines × 128 B / 110 ns (31.7 GB/s) lowers it.
    expect(perCoreBandwidthBps(m2)).toBe(102e9);
    const mlp = makeArch<CpuArch>('lut/tmac-m2-ultra', { lut: { memory: { outstandingLinesPerCore: 28, lineBytes: 128, loadedLatencySeconds: 110e-9 } } });
    expect(perCoreBandwidthBps(mlp)).toBe((28 * 128) / 110e-9);
    const wide = makeArch<CpuArch>('lut/tmac-m2-ultra', { lut: { memory: { outstandingLinesPerCore: 1000, lineBytes: 128, loadedLatencySeconds: 110e-9 } } });
    expect(perCoreBandwidthBps(wide)).toBe(102e9);
  });
  it('a memory section with neither is a schema error naming /lut/memory', () => {
    const bare = { ...pi5, lut: { ...pi5.lut, memory: { sharedBandwidthBps: 1e9 } } } as CpuArch;
    try {
      perCoreBandwidthBps(bare);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AccelscopeError);
      expect((e as AccelscopeError).code).toBe('schema');
      expect((e as AccelscopeError).pointer).toBe('/lut/memory');
    }
  });
});

describe('bandwidth per core, per cluster and shared', () => {
  it("one thread gets one core's bandwidth", () => {
    expect(cpuBandwidthBps(m2, 1)).toBe(102e9);
    expect(cpuBandwidthBps(pi5, 1)).toBe(PI5_CORE_BPS);
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
    for (const [s, b] of [
      ['w2a16-g128', 2],
      ['w3a16-g128', 3],
      ['w4a16-g128', 4],
    ] as const) {
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
  it('without synchronization cost, more threads never slow a GEMM down', () => {
    const free = makeArch<CpuArch>('lut/tmac-m2-ultra', { lut: { sync: { coreToCoreLatencySeconds: 0, crossClusterLatencySeconds: 0 } } });
    let prev = Infinity;
    for (let t = 1; t <= 16; t++) {
      const s = simulateCpu(op, free, parseQuantScheme('w2a16-g128'), { threads: t }).seconds;
      expect(s).toBeLessThanOrEqual(prev * (1 + 1e-12));
      prev = s;
    }
  });
  it('past the shared bandwidth cap, a fourth Pi 5 thread only adds barrier time', () => {
    const q = parseQuantScheme('w4a16-g128');
    const r3 = simulateCpu(op, pi5, q, { threads: 3 });
    const r4 = simulateCpu(op, pi5, q, { threads: 4 });
    expect(r3.bound).toBe('memory');
    expect(r3.breakdown!['bandwidthBps']).toBe(11.9e9);
    expect(r4.breakdown!['bandwidthBps']).toBe(11.9e9);
    expect(r4.seconds - r3.seconds).toBeCloseTo(2 * (barrierSeconds(pi5, 4) - barrierSeconds(pi5, 3)), 15);
    expect(r4.seconds).toBeGreaterThan(r3.seconds);
  });
});

describe('thread synchronization (a barrier per graph node)', () => {
  it('one thread, or a config without sync, pays nothing', () => {
    expect(barrierSeconds(m2, 1)).toBe(0);
    const { sync: _s, ...lut } = m2.lut;
    expect(barrierSeconds({ ...m2, lut }, 8)).toBe(0);
  });
  it('t arrivals and one release inside a cluster: (t + 1) × core-to-core latency', () => {
    expect(barrierSeconds(m2, 2)).toBeCloseTo(3 * 45e-9, 18);
    expect(barrierSeconds(m2, 4)).toBeCloseTo(5 * 45e-9, 18);
  });
  it('a fifth thread opens a second cluster: its arrival and the release cross clusters', () => {
    expect(barrierSeconds(m2, 5)).toBeCloseTo(4 * 45e-9 + 150e-9 + 150e-9, 18);
    expect(barrierSeconds(m2, 8)).toBeCloseTo(4 * 45e-9 + 4 * 150e-9 + 150e-9, 18);
  });
  it('without clusters every thread is near (Pi 5: one cluster of 4)', () => {
    expect(barrierSeconds(pi5, 4)).toBeCloseTo(5 * 90e-9, 18);
  });
  it('grows with threads', () => {
    for (let t = 2; t < 16; t++) expect(barrierSeconds(m2, t + 1)).toBeGreaterThan(barrierSeconds(m2, t));
  });
  it('a LUT GEMM pays two barriers per instance (table build, node end); other ops one', () => {
    const q = parseQuantScheme('w2a16-g128');
    const r = simulateCpu(gemm(1, 4096, 4096, { count: 3 }), m2, q, { threads: 8 });
    expect(r.breakdown!['syncSeconds']).toBeCloseTo(3 * 2 * barrierSeconds(m2, 8), 18);
    const norm: Op = { id: 'n', name: 'n', kind: 'norm', cls: 'norm', layer: 0, phase: 'decode', deps: [], norm: 'rms', rows: 1, dim: 4096, count: 3 };
    const rn = simulateCpu(norm, m2, q, { threads: 8 });
    expect(rn.breakdown!['syncSeconds']).toBeCloseTo(3 * barrierSeconds(m2, 8), 18);
    expect(rn.seconds).toBeCloseTo(Math.max(rn.breakdown!['computeSeconds']!, rn.breakdown!['memorySeconds']!) + rn.breakdown!['syncSeconds']!, 18);
  });
});

describe('table precompute follows activation rows', () => {
  const q = parseQuantScheme('w2a16-g128');
  it('decode (m = 1): one thread builds the tables, whatever the thread count', () => {
    const r1 = simulateCpu(gemm(1, 4096, 4096), m2, q, { threads: 1 });
    const r8 = simulateCpu(gemm(1, 4096, 4096), m2, q, { threads: 8 });
    expect(r8.breakdown!['precomputeThreads']).toBe(1);
    expect(r8.breakdown!['precomputeSeconds']).toBe(r1.breakdown!['precomputeSeconds']);
  });
  it('prefill (m ≥ threads): the build splits evenly; m = threads − 1 leaves one thread idle', () => {
    const p1 = simulateCpu(gemm(256, 4096, 4096), m2, q, { threads: 1 }).breakdown!['precomputeSeconds']!;
    const p8 = simulateCpu(gemm(256, 4096, 4096), m2, q, { threads: 8 });
    expect(p8.breakdown!['precomputeThreads']).toBe(8);
    expect(p8.breakdown!['precomputeSeconds']).toBeCloseTo(p1 / 8, 15);
    expect(simulateCpu(gemm(7, 4096, 4096), m2, q, { threads: 8 }).breakdown!['precomputeThreads']).toBe(7);
  });
});

describe('instruction energy (instruction:cpu)', () => {
  const q = parseQuantScheme('w2a16-g128');
  const zero = { lut: {}, energy: { 'instruction:cpu': { valuePj: 0, source: 'test: instruction overhead off' } } };
  it('a LUT GEMM is charged its instructions: TBL work on every thread, 16-byte loads and the table build', () => {
    const op = gemm(1, 4096, 4096);
    const r = simulateCpu(op, m2, q, { threads: 4 });
    const b = r.breakdown!;
    const tblTotal = 4 * b['tblInstructionsPerThread']!;
    expect(b['instructions']).toBeGreaterThan(tblTotal * opsPerLookupInstruction(m2.lut).total);
    const off = simulateCpu(op, makeArch<CpuArch>('lut/tmac-m2-ultra', zero), q, { threads: 4 });
    const perInstruction = energyOf({ compute: [{ key: 'instruction:cpu', count: 1 }], traffic: [], seconds: 0 }, m2).compute;
    expect(perInstruction).toBeGreaterThan(0);
    expect(r.energyPj.compute - off.energyPj.compute).toBeCloseTo(b['instructions']! * perInstruction, 0);
  });
  it('the instruction count does not depend on threads, even for an uneven split (257 blocks over 8)', () => {
    const op = gemm(1, 4096 + 16, 4096);
    const i1 = simulateCpu(op, m2, q, { threads: 1 }).breakdown!['instructions']!;
    const i8 = simulateCpu(op, m2, q, { threads: 8 }).breakdown!['instructions']!;
    expect(i8).toBeCloseTo(i1, 3);
  });
  it('instruction energy dominates the ALU work of a CPU GEMV (the reason a LUT unit in hardware saves energy)', () => {
    const op = gemm(1, 4096, 4096);
    const r = simulateCpu(op, m2, q, { threads: 1 });
    const off = simulateCpu(op, makeArch<CpuArch>('lut/tmac-m2-ultra', zero), q, { threads: 1 });
    expect(r.energyPj.compute - off.energyPj.compute).toBeGreaterThan(off.energyPj.compute);
  });
  it('SIMD ops are charged one instruction per vector of flops and per 16 bytes loaded', () => {
    const add: Op = { id: 'a', name: 'a', kind: 'elementwise', cls: 'residual', layer: 0, phase: 'decode', deps: [], fn: 'add', elements: 4096, inputs: 2 };
    const r = simulateCpu(add, m2, q, { threads: 1 });
    // 4096 fp32 adds = 1024 vector instructions; 3 × 4096 × 2 bytes moved (fp16 activations) = 1536 loads/stores.
    const bytes = r.bytes['dram']!;
    expect(r.breakdown!['instructions']).toBeCloseTo(4096 / 4 + bytes / 16, 9);
  });
});
