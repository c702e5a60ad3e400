/**
 * The new keys and values of a step are written once: by the attention kernel when the stack has
 * no KV-cache copy kernels, by the stack's copy kernels (src/stack/kernel-graph.ts kvWrites)
 * otherwise — never by both (issue 19: the attention op no longer double counts the append).
 */
import { describe, expect, it } from 'vitest';
import { shippedFiles } from '../../src/catalog/shipped.ts';
import { loadStack } from '../../src/config/load-stack.ts';
import { loadArch } from '../../src/config/load.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { gpuTensorCoreModel, type GpuArchConfig } from '../../src/hw/gpu-tensor-core/model.ts';
import { kvAppendBytes } from '../../src/hw/gpu-tensor-core/attention.ts';
import { opTraffic } from '../../src/workload/ops.ts';
import { kernelGraph } from '../../src/stack/kernel-graph.ts';
import { archPath, buildFor } from '../helpers.ts';
import type { AttentionOp } from '../../src/workload/graph.ts';

const stack = (name: string) => loadStack(shippedFiles('stacks').find((f) => f.name === name)!.path);
const h100 = () => loadArch(archPath('gpu/h100-sxm.json')) as GpuArchConfig;
const bf16 = parseQuantScheme('bf16');

describe('KV-cache append: one writer', () => {
  const g = buildFor('llama-2-7b', { phase: 'prefill', batch: 8, seq: 512 });
  const att = g.ops.find((o): o is AttentionOp => o.kind === 'attention')!;
  it('append bytes: batch · kvHeads · new tokens · (d_k + d_v) · KV bytes, exactly', () => {
    expect(kvAppendBytes(att, bf16)).toBe(8 * 32 * 512 * 256 * 2);
  });
  it('under pytorch (two copy kernels) the attention kernel moves the compulsory bytes less the append; the copies carry it', () => {
    const arch = h100();
    const st = stack('pytorch');
    const bare = gpuTensorCoreModel.simulate(att, arch, bf16, {});
    const under = gpuTensorCoreModel.simulate(att, arch, bf16, { stack: st });
    const compulsory = opTraffic({ ...att, count: 1 }, bf16).total;
    expect(bare.bytes['dram']).toBe(compulsory);
    expect(under.bytes['dram']).toBe(compulsory - kvAppendBytes(att, bf16));
    // The copy kernels the fusion pass adds read and write exactly the appended bytes.
    const copies = kernelGraph({ meta: g.meta, ops: [att] }, st).graph.ops.filter((o) => o.name === 'kv_cache_write');
    expect(copies).toHaveLength(2);
    const copied = copies.reduce((s, o) => s + (o.kind === 'elementwise' ? o.elements : 0), 0) * 2;
    expect(copied).toBe(kvAppendBytes(att, bf16));
  });
  it('a stack whose attention kernel writes the cache itself (tensorrt-llm: 0 copy kernels) keeps the append in the attention op', () => {
    const arch = h100();
    const st = stack('tensorrt-llm');
    expect(st.kvCacheWrite.kernels).toBe(0);
    expect(gpuTensorCoreModel.simulate(att, arch, bf16, { stack: st }).bytes['dram']).toBe(opTraffic({ ...att, count: 1 }, bf16).total);
  });
});
