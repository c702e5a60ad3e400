import { describe, expect, it } from 'vitest';
import { run } from '../../src/engine/run.ts';
import { HARDWARE_MODELS } from '../../src/hw/registry.ts';
import type { HardwareModel } from '../../src/hw/model.ts';
import { gpuTensorCoreModel } from '../../src/hw/gpu-tensor-core/model.ts';
import { buildFor, makeArch } from '../helpers.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { rooflinePoint } from '../../src/hw/roofline/roofline.ts';
import { opFlops, opShapeKey } from '../../src/workload/ops.ts';

describe('engine.run', () => {
  it('evaluates identical ops once (memoized by shape)', () => {
    let calls = 0;
    const spy: HardwareModel = {
      ...gpuTensorCoreModel,
      kind: 'spy-gpu',
      simulate: (op, c, q, o) => {
        calls++;
        return gpuTensorCoreModel.simulate(op, c as never, q, o);
      },
    };
    (HARDWARE_MODELS as Record<string, HardwareModel>)['spy-gpu'] = spy;
    try {
      const arch = { ...makeArch('gpu/h100-sxm'), kind: 'spy-gpu' };
      const g = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 100 });
      const r = run(g, arch, parseQuantScheme('w16a16'));
      expect(r.ops).toHaveLength(g.ops.length);
      // 32 identical layers: only the distinct (shape, model memo key) pairs are simulated
      const distinct = new Set(g.ops.map((o) => opShapeKey(o) + (spy.memoKey?.(o, arch) ?? ''))).size;
      expect(calls).toBe(distinct);
      expect(calls).toBeGreaterThan(5);
      expect(calls).toBeLessThan(25);
    } finally {
      delete (HARDWARE_MODELS as Record<string, HardwareModel>)['spy-gpu'];
    }
  });

  it('roofline: a decode GEMV is memory-bound at HBM bandwidth, a big prefill GEMM compute-bound at peak', () => {
    const arch = makeArch('gpu/h100-sxm');
    const ceil = HARDWARE_MODELS['gpu-tensor-core'].ceilings(arch);
    const q = parseQuantScheme('w16a16');
    const dec = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 10 }).ops.find((o) => o.id === 'L0.gate_proj')!;
    const p = rooflinePoint(dec, ceil, q);
    expect(p.bound).toBe('memory');
    expect(p.seconds).toBeCloseTo(p.bytes / 3.35e12, 15);
    const pre = buildFor('llama-2-7b', { phase: 'prefill', batch: 4, seq: 2048 }).ops.find((o) => o.id === 'L0.gate_proj')!;
    const pp = rooflinePoint(pre, ceil, q);
    expect(pp.bound).toBe('compute');
    expect(pp.seconds).toBeCloseTo(opFlops(pre) / 989.4e12, 15);
  });

  it('a dtype the device lacks runs at the next wider one it has (fp4 on H100 → fp8)', () => {
    const arch = makeArch('gpu/h100-sxm');
    const ceil = HARDWARE_MODELS['gpu-tensor-core'].ceilings(arch);
    const pre = buildFor('llama-2-7b', { phase: 'prefill', batch: 4, seq: 2048 }).ops.find((o) => o.id === 'L0.gate_proj')!;
    expect(rooflinePoint(pre, ceil, parseQuantScheme('mxfp4')).dtype).toBe('fp8');
  });

  it('totals are sums over ops; tokens/s = tokens / seconds', () => {
    const r = run(buildFor('llama-2-7b', { phase: 'prefill', batch: 2, seq: 128 }), makeArch('gpu/h100-sxm'), parseQuantScheme('w16a16'));
    expect(r.totals.flops).toBe(r.ops.reduce((s, o) => s + o.flops, 0));
    expect(r.totals.tokensPerSecond).toBeCloseTo(256 / r.totals.seconds, 6);
    const cls = r.classes.reduce((s, c) => s + c.seconds, 0);
    expect(cls).toBeCloseTo(r.totals.seconds, 12);
  });

  it('class utilization is the time-weighted mean of its ops', () => {
    const r = run(buildFor('llama-2-7b', { phase: 'decode', batch: 4, context: 512 }), makeArch('gpu/h100-sxm'), parseQuantScheme('w16a16'));
    for (const c of r.classes) {
      const ops = r.ops.filter((o) => o.cls === c.cls);
      const t = ops.reduce((s, o) => s + o.seconds, 0);
      expect(c.utilization).toBeCloseTo(ops.reduce((s, o) => s + o.utilization * o.seconds, 0) / t, 12);
      expect(c.utilization).toBeGreaterThanOrEqual(0);
      expect(c.utilization).toBeLessThanOrEqual(1);
    }
  });
});

describe('roofline fallback', () => {
  it('a matmul with no matrix unit at its width or wider takes the fastest matrix unit, never the vector peak', () => {
    const ceil = { matrix: { int8: 1e15, int4: 2e15 }, vector: 1e12, memory: [{ level: 'dram', bandwidthBps: 1e12 }] };
    const op = buildFor('llama-2-7b', { phase: 'prefill', batch: 1, seq: 512 }).ops.find((o) => o.kind === 'attention')!;
    const p = rooflinePoint(op, ceil, parseQuantScheme('w16a16'));
    expect(p.dtype).toBe('int4');
    expect(p.peakOpsPerSecond).toBe(2e15);
  });
});
