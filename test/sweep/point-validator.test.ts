import { describe, expect, it } from 'vitest';
import { PointValidator, plainSubSchema } from '../../src/sweep/point-validator.ts';
import { resolveArchDocument, validateArch } from '../../src/config/load.ts';
import { setPointer } from '../../src/config/merge.ts';
import { getModel } from '../../src/hw/registry.ts';
import { archPath } from '../helpers.ts';

/** What the full check says of a document: 'ok' or its one-line error. */
function full(doc: unknown): string {
  try {
    validateArch(doc);
    return 'ok';
  } catch (e) {
    return `${(e as { pointer?: string }).pointer}: ${(e as Error).message}`;
  }
}
function fast(v: PointValidator, base: unknown, values: Record<string, unknown>): string {
  let doc = base;
  for (const [p, x] of Object.entries(values)) doc = setPointer(doc, p, x);
  try {
    v.validate(base, doc, values);
    return 'ok';
  } catch (e) {
    return `${(e as { pointer?: string }).pointer}: ${(e as Error).message}`;
  }
}

describe('sweep points: only the swept values are validated per point', () => {
  const gpu = resolveArchDocument(archPath('gpu/h100-sxm'));
  const schema = getModel('gpu-tensor-core').schema;

  it('finds the sub-schema under plain objects only', () => {
    expect(plainSubSchema(schema, gpu, '/gpu/sms')).toMatchObject({ type: 'integer', minimum: 1 });
    expect(plainSubSchema(schema, gpu, '/memory/bandwidthBps')).toMatchObject({ type: 'number', exclusiveMinimum: 0 });
    expect(plainSubSchema(schema, gpu, '/gpu/smz')).toBeUndefined(); // unknown key: the full check names it
    expect(plainSubSchema(schema, gpu, '/gpu/tiles/0/m')).toBeUndefined(); // through an array
    expect(plainSubSchema(schema, gpu, '')).toBeUndefined();
  });

  it("valid values pass without the full check; each rejected value gives exactly the full check's message", () => {
    const v = new PointValidator(['/gpu/sms', '/memory/bandwidthBps', '/gpu/clockHz']);
    const cases: Record<string, unknown>[] = [
      { '/gpu/sms': 66, '/memory/bandwidthBps': 2e12, '/gpu/clockHz': 1.5e9 },
      { '/gpu/sms': 132, '/memory/bandwidthBps': 8e12, '/gpu/clockHz': 1.98e9 },
    ];
    for (const c of cases) expect(fast(v, gpu, c)).toBe('ok');
    expect(v.fullChecks).toBe(0);
    const bad: Record<string, unknown>[] = [
      { '/gpu/sms': 0, '/memory/bandwidthBps': 2e12, '/gpu/clockHz': 1.5e9 },
      { '/gpu/sms': 66.5, '/memory/bandwidthBps': 2e12, '/gpu/clockHz': 1.5e9 },
      { '/gpu/sms': 66, '/memory/bandwidthBps': -1, '/gpu/clockHz': 'fast' },
      { '/gpu/sms': 66, '/memory/bandwidthBps': 1e30, '/gpu/clockHz': 1.5e9 }, // schema-valid, outside the magnitudes accepted
    ];
    for (const c of bad) {
      let doc: unknown = gpu;
      for (const [p, x] of Object.entries(c)) doc = setPointer(doc, p, x);
      const expected = full(doc);
      expect(expected).not.toBe('ok');
      expect(fast(v, gpu, c)).toBe(expected);
    }
    expect(v.fullChecks).toBe(bad.length);
  });

  it("the model's resource checks still run on every point (FPGA: more cores than SLRs)", () => {
    const fpga = resolveArchDocument(archPath('fpga/u280-flightllm'));
    const v = new PointValidator(['/fpga/accelerator/cores']);
    expect(fast(v, fpga, { '/fpga/accelerator/cores': 3 })).toBe('ok');
    const r = fast(v, fpga, { '/fpga/accelerator/cores': 4 });
    expect(r).toMatch(/^\/fpga\/accelerator\/cores: 4 cores need 4 SLRs but XCU280 has 3/);
    expect(r).toBe(full(setPointer(fpga, '/fpga/accelerator/cores', 4)));
  });

  it('a pointer without a plain sub-schema, or a base that fails alone, always takes the full check', () => {
    const v = new PointValidator(['/gpu/tiles/0/stages']);
    expect(fast(v, gpu, { '/gpu/tiles/0/stages': 4 })).toBe(full(setPointer(gpu, '/gpu/tiles/0/stages', 4)));
    expect(v.fullChecks).toBe(1);
    const broken = setPointer(gpu, '/gpu/sms', -5);
    const w = new PointValidator(['/memory/bandwidthBps']);
    expect(fast(w, broken, { '/memory/bandwidthBps': 2e12 })).toBe(full(setPointer(broken, '/memory/bandwidthBps', 2e12)));
    expect(w.fullChecks).toBe(1);
  });
});
