/**
 * The per-point shortcuts of a sweep (#25) give exactly what the general code gives: the leaf
 * check of a swept value (vs ajv), the point id's canonical text (vs canonicalJson), energy entries
 * shared between arch objects that agree on what an entry depends on, and the op-result check's
 * messages.
 */
import { describe, expect, it } from 'vitest';
import { leafCheck } from '../../src/sweep/leaf-check.ts';
import { newAjv } from '../../src/config/ajv.ts';
import { canonicalPointJson, pointId, type Point } from '../../src/sweep/points.ts';
import { canonicalJson } from '../../src/sweep/spec.ts';
import { createHash } from 'node:crypto';
import { computeEnergy, energyOf, traceEnergySources } from '../../src/energy/account.ts';
import { assertOpResult, ImplausibleResultError } from '../../src/engine/sanity.ts';
import type { Op } from '../../src/workload/graph.ts';
import type { OpResult } from '../../src/hw/model.ts';

describe('leaf check of a swept value', () => {
  const ajv = newAjv();
  const values: unknown[] = [0, -0, 1, -1, 0.5, 1e-300, 2, 3, 66, 132, 133, 1e12, Number.MAX_VALUE, 'HBM3', 'x', true, false, null, [], {}, '1'];
  const schemas: object[] = [
    { type: 'number', exclusiveMinimum: 0, description: 'd' },
    { type: 'integer', minimum: 1 },
    { type: 'integer', minimum: 1, maximum: 132 },
    { type: 'number', exclusiveMaximum: 2, minimum: -1 },
    { enum: ['HBM2', 'HBM3', 1, true, null] },
    { type: 'string' },
    { type: 'boolean', default: false },
    { const: 66 },
  ];
  it('agrees with ajv on every value, boundaries included', () => {
    for (const s of schemas) {
      const check = leafCheck(s);
      expect(check, JSON.stringify(s)).toBeDefined();
      const v = ajv.compile(s);
      for (const x of values) expect(check!(x), `${JSON.stringify(s)} on ${JSON.stringify(x)}`).toBe(v(x));
    }
  });
  it('a tile that fits vs one more: the bound is exact', () => {
    const c = leafCheck({ type: 'integer', minimum: 1, maximum: 132 })!;
    expect([c(132), c(133), c(1), c(0)]).toEqual([true, false, true, false]);
  });
  it('declines every schema with more than a leaf (ajv decides those)', () => {
    for (const s of [
      { type: 'object' },
      { type: ['number', 'string'] },
      { type: 'number', multipleOf: 2 },
      { oneOf: [{ type: 'number' }] },
      { enum: [{ a: 1 }] },
      { const: [1] },
      { type: 'string', pattern: '^a' },
      { minimum: '1' },
    ])
      expect(leafCheck(s), JSON.stringify(s)).toBeUndefined();
  });
});

describe('point ids', () => {
  const w = { model: 'llama-2-7b', phase: 'decode' as const, batch: 8, context: 2048 };
  const points: Point[] = [
    { params: { '/memory/bandwidthBps': 1e12, '/gpu/sms': 66 }, quant: 'w16a16', workload: w },
    { params: { '/z': 'a', '/a': true }, quant: 'fp8', workload: w },
    { arch: 'h100-sxm', stack: 'vllm', params: {}, quant: 'w4a16-g128', workload: { model: 'm', phase: 'prefill', batch: 1, seq: 128 } },
    { arch: 'a"b', params: { '/gpu/clockHz': 1.98e9 }, quant: 'q', workload: w },
  ];
  it('a point with a field the shortcut does not know takes the general path', () => {
    const p = { ...points[0]!, system: 'dgx', aaa: 1 } as unknown as Point;
    expect(canonicalPointJson(p)).toBe(canonicalJson(p));
  });
  it('canonical text of a point is canonicalJson of it (and the id its sha-256)', () => {
    for (const p of points) {
      expect(canonicalPointJson(p)).toBe(canonicalJson(p));
      expect(pointId(p)).toBe(createHash('sha256').update(canonicalJson(p)).digest('hex').slice(0, 16));
    }
  });
});

describe('energy entries shared between arch objects', () => {
  const base = { name: 'a', memory: { type: 'HBM3' }, process: { nodeNm: 4 }, energy: { 'mac:fp16': { valuePj: 0.5, source: 's', nodeNm: 7 } } };
  const work = { compute: [{ key: 'mac:fp16', count: 1e6 }], traffic: [{ level: 'dram', bytes: 1e6 }], seconds: 1e-3 };
  it('two points that differ only in a swept field give the same energies as each on its own', () => {
    const p1 = { ...base, memory: { ...base.memory } };
    const p2 = { ...base, memory: { ...base.memory }, name: 'b' };
    expect(energyOf(work, p2)).toEqual(energyOf(work, p1));
    expect(energyOf(work, p1).compute).toBe(1e6 * computeEnergy('mac:fp16', p1).appliedPj);
  });
  it('a different node, memory type or override set resolves its own entries', () => {
    const e4 = energyOf(work, base);
    const e7 = energyOf(work, { ...base, process: { nodeNm: 7 } });
    expect(e7.compute).toBeCloseTo(0.5e6, 6); // measured at 7 nm, applied at 7 nm
    expect(e4.compute).toBeLessThan(e7.compute); // scaled down to 4 nm
    expect(energyOf(work, { ...base, memory: { type: 'GDDR6' } }).offChip).not.toBe(e4.offChip);
    expect(energyOf(work, { ...base, energy: { 'mac:fp16': { valuePj: 1, source: 's', nodeNm: 7 } } }).compute).toBeCloseTo(
      2 * e7.compute * (e4.compute / e7.compute),
      3,
    );
    // the trace still names each entry used
    expect(traceEnergySources(() => energyOf(work, { ...base })).sources.map((s) => s.key)).toEqual(['mac:fp16', 'memory:HBM3']);
  });
});

describe('op-result check', () => {
  const op = { id: 'L0.q_proj', kind: 'gemm' } as unknown as Op;
  const ok: OpResult = {
    cycles: 10,
    seconds: 1e-6,
    flops: 100,
    bytes: { dram: 10 },
    energyPj: { compute: 1, onChip: 0, offChip: 0, static: 0 },
    bound: 'memory',
    utilization: 1,
    breakdown: { a: 1 },
  };
  it('passes a good result and names the first bad field of a bad one', () => {
    expect(() => assertOpResult(op, 'gpu', ok)).not.toThrow();
    const bad = (r: Partial<OpResult>) => () => assertOpResult(op, 'gpu', { ...ok, ...r });
    expect(bad({ bytes: { dram: 10, l2: -1 } })).toThrow("op 'L0.q_proj' (gemm) on gpu: bytes.l2 = -1, must be finite and ≥ 0");
    expect(bad({ breakdown: { a: 1, b: NaN } })).toThrow('breakdown.b = NaN, must be finite');
    expect(bad({ energyPj: { compute: 0, onChip: 0, offChip: 0, static: 0 } })).toThrow('energyPj (total) = 0');
    expect(bad({ utilization: 1.01 })).toThrow(ImplausibleResultError);
  });
});

describe('base verdicts handed to the workers', () => {
  it('a known verdict is used as it is (no full check of the base); an unknown base is checked', async () => {
    const { PointValidator, checkBase, baseVerdicts } = await import('../../src/sweep/point-validator.ts');
    const { resolveArchDocument } = await import('../../src/config/load.ts');
    const { archPath } = await import('../helpers.ts');
    const gpu = resolveArchDocument(archPath('gpu/h100-sxm'));
    expect(checkBase(gpu)).toEqual({ valid: true, kind: 'gpu-tensor-core' });
    expect(checkBase({ ...(gpu as object), name: 3 })).toEqual({ valid: false });
    expect(baseVerdicts({ archDocument: gpu })).toEqual({ single: { valid: true, kind: 'gpu-tensor-core' } });
    expect(baseVerdicts({ archDocument: undefined, archDocuments: { a: gpu } })).toEqual({ byArch: { a: { valid: true, kind: 'gpu-tensor-core' } } });
    // A verdict 'invalid' given for a valid base: every point takes the full check (counted).
    const v = new PointValidator(['/gpu/sms'], new Map([[gpu, { valid: false }]]));
    const { setPointer } = await import('../../src/config/merge.ts');
    v.validate(gpu, setPointer(gpu, '/gpu/sms', 66), { '/gpu/sms': 66 });
    expect(v.fullChecks).toBe(1);
    const w = new PointValidator(['/gpu/sms']);
    w.validate(gpu, setPointer(gpu, '/gpu/sms', 66), { '/gpu/sms': 66 });
    expect(w.fullChecks).toBe(0);
  });
});
