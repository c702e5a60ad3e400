/**
 * Elementwise kernels on strided views (issue 19, eager prefill): the fusion pass marks the
 * activation kernels that read the chunk halves of a fused gate/up GEMM's output, and under a
 * stack that describes its strided loop (pytorch: launch_legacy_kernel, one element's loads in
 * flight per thread) their loads are a chain of DRAM latencies bounded by the resident threads
 * (src/hw/gpu-tensor-core/strided-loop.ts, docs/models/software-stacks.md).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedFiles } from '../../src/catalog/shipped.ts';
import { loadStack } from '../../src/config/load-stack.ts';
import { kernelGraph } from '../../src/stack/kernel-graph.ts';
import { stridedLoopTiming } from '../../src/hw/gpu-tensor-core/strided-loop.ts';
import { gpuTensorCoreModel, type GpuArchConfig } from '../../src/hw/gpu-tensor-core/model.ts';
import { run } from '../../src/engine/run.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { renderStackUse } from '../../src/cli/stack-line.ts';
import { runSummaryHtml } from '../../src/report/summary.ts';
import { buildFor, makeArch } from '../helpers.ts';
import type { ElementwiseOp, Op } from '../../src/workload/graph.ts';
import type { Stack, StridedLoop } from '../../src/stack/schema.ts';

const stack = (name: string) => loadStack(shippedFiles('stacks').find((f) => f.name === name)!.path);
const h100 = (o: object = {}) => makeArch<GpuArchConfig>('gpu/h100-sxm', o);
const bf16 = parseQuantScheme('bf16');
const LOOP: StridedLoop = { kernel: 'legacy', elementsPerThread: 4, elementsPerThreadWide: 2, elementsInFlightPerThread: 1 };
const act = (elements: number, o: Partial<ElementwiseOp> = {}): ElementwiseOp => ({
  id: 'a',
  name: 'act_fn',
  cls: 'activation',
  layer: 0,
  phase: 'prefill',
  deps: [],
  kind: 'elementwise',
  fn: 'silu',
  elements,
  inputs: 1,
  stridedInputs: true,
  ...o,
});
const strided = (ops: Op[]) => ops.filter((o) => o.kind === 'elementwise' && o.stridedInputs).map((o) => o.name);
const stridedActs = (ops: Op[]) => strided(ops.filter((o) => o.cls === 'activation' && o.name !== 'kv_cache_write'));

describe('fusion pass: which kernels read strided views', () => {
  const g = buildFor('llama-2-7b', { phase: 'prefill', batch: 1, seq: 512 });
  it('pytorch (fused gate_up, chunk, silu and mul apart; K and V slice assignments): the two copies, act_fn and act_mul of every layer, nothing else', () => {
    const kg = kernelGraph(g, stack('pytorch'));
    expect(strided(kg.graph.ops.filter((o) => o.layer === 0))).toEqual(['kv_cache_write', 'kv_cache_write', 'act_fn', 'act_mul']);
    expect(strided(kg.graph.ops)).toHaveLength(4 * 32);
  });
  it('separate gate and up GEMMs (llama.cpp) or a one-kernel silu_and_mul (vllm): no activation kernel; their KV copies still copy views', () => {
    expect(stridedActs(kernelGraph(g, stack('llama.cpp')).graph.ops)).toEqual([]);
    expect(stridedActs(kernelGraph(g, stack('vllm')).graph.ops)).toEqual([]);
    expect(strided(kernelGraph(g, stack('vllm')).graph.ops.filter((o) => o.layer === 0))).toEqual(['kv_cache_write']);
    // a stack whose attention kernel writes the cache has no copy kernel to mark
    expect(strided(kernelGraph(g, stack('tensorrt-llm')).graph.ops)).toEqual([]);
  });
  it('a model whose own checkpoint fuses gate_up (Phi-3) reads views even when the stack fuses nothing', () => {
    const phi = buildFor('phi-3-mini-4k-instruct', { phase: 'prefill', batch: 1, seq: 64 });
    expect(stridedActs(kernelGraph(phi, stack('llama.cpp')).graph.ops.filter((o) => o.layer === 0))).toEqual(['act_fn', 'act_mul']);
  });
});

describe('strided loop timing (Little’s law on the resident threads)', () => {
  const c = h100();
  const resident = 132 * 2048;
  it('counts threads, waves and rounds exactly: the Llama-2-7B B8 activation (4096 × 11008 bf16)', () => {
    const t = stridedLoopTiming(act(4096 * 11008), c, LOOP, 2);
    expect([t.threads, t.residentThreads]).toEqual([11272192, resident]);
    expect(t.rounds).toBe(42 * 4); // ⌈11272192 / 270336⌉ = 42 waves of 4 dependent loads
    expect(t.seconds).toBeCloseTo(167 * 600e-9, 15);
  });
  it('one more element than the resident threads hold takes a second wave', () => {
    const full = 4 * resident;
    expect(stridedLoopTiming(act(full), c, LOOP, 2).rounds).toBe(4);
    expect(stridedLoopTiming(act(full + 1), c, LOOP, 2).rounds).toBe(8);
  });
  it('wide outputs take 2 elements per thread; all elements in flight is one round (no chain)', () => {
    expect(stridedLoopTiming(act(1000), c, LOOP, 4).rounds).toBe(2);
    const t = stridedLoopTiming(act(1000), c, { ...LOOP, elementsInFlightPerThread: 4 }, 2);
    expect([t.rounds, t.seconds]).toEqual([1, 0]);
  });
  it('fewer resident threads (1536 per SM) or a longer latency never run faster', () => {
    const e = 4096 * 11008;
    const base = stridedLoopTiming(act(e), c, LOOP, 2).seconds;
    expect(stridedLoopTiming(act(e), h100({ gpu: { maxThreadsPerSm: 1536 } }), LOOP, 2).seconds).toBeGreaterThan(base);
    expect(stridedLoopTiming(act(e), h100({ gpu: { dramLatencySeconds: 800e-9 } }), LOOP, 2).seconds).toBeGreaterThan(base);
  });
});

describe('the GPU model under a stack with a strided loop', () => {
  const c = h100();
  const pytorch = stack('pytorch');
  const sim = (op: ElementwiseOp, s?: Stack) => gpuTensorCoreModel.simulate(op, c, bf16, s ? { stack: s } : undefined);
  it('B8 activation: latency-bound at rounds · latency, above its bandwidth time; the contiguous op keeps the bandwidth time', () => {
    const op = act(4096 * 11008);
    const r = sim(op, pytorch);
    const b = r.breakdown!;
    expect(r.bound).toBe('latency');
    expect(b['stridedLoopS']).toBeCloseTo(167 * 600e-9, 15);
    expect(b['stridedLoopS']).toBeGreaterThan(b['dramS']!);
    expect(r.seconds).toBeCloseTo(b['launchS']! + b['fillS']! + b['stridedLoopS']!, 15);
    const contiguous = sim({ ...op, stridedInputs: false }, pytorch);
    expect(contiguous.bound).toBe('memory');
    expect(contiguous.seconds).toBeLessThan(r.seconds);
    // a stack without a strided loop (or no stack): the bandwidth time
    expect(sim(op).seconds).toBe(contiguous.seconds);
    expect(sim(op, { ...pytorch, elementwise: undefined }).seconds).toBe(contiguous.seconds);
  });
  it('a small op whose bandwidth term outlasts its chain stays memory-bound: the loop is a floor, not a factor', () => {
    // 4 rounds (3 latencies beyond the fill, 1.8 µs) against a bandwidth time above that
    const op = act(resident4(), { inputs: 2, name: 'act_mul', fn: 'mul' });
    const r = sim(op, pytorch);
    expect(r.breakdown!['stridedLoopS']).toBeCloseTo(3 * 600e-9, 15);
    expect(r.breakdown!['dramS']).toBeGreaterThan(r.breakdown!['stridedLoopS']!);
    expect(r.bound).toBe('memory');
  });
  it('whole eager prefill (Llama-2-7B B8 seq 512, pytorch): device time grows by exactly the 64 activation and 64 copy kernels’ chains beyond bandwidth', () => {
    const g = buildFor('llama-2-7b', { phase: 'prefill', batch: 8, seq: 512 });
    // one history for both: a settled bench history would differ with the step time, and with it the GEMMs' clock
    const withLoop = run(g, c, bf16, { ignoreCapacity: true, stack: pytorch, powerHistory: 'sustained' });
    const without = run(g, c, bf16, { ignoreCapacity: true, stack: { ...pytorch, elementwise: undefined }, powerHistory: 'sustained' });
    const acts = withLoop.ops.filter((o) => o.name === 'act_fn' || o.name === 'act_mul' || o.name === 'kv_cache_write');
    expect(acts).toHaveLength(128);
    const extra = acts.reduce((s, o) => s + o.breakdown!['stridedLoopS']! - Math.max(o.breakdown!['dramS']!, o.breakdown!['computeS']!), 0);
    expect(extra).toBeGreaterThan(1e-3);
    expect(withLoop.stack!.step.deviceSeconds - without.stack!.step.deviceSeconds).toBeCloseTo(extra, 9);
  });
  it('the run names the loop (--json stack.stridedLoop, a text line); a stack without one does not', () => {
    const g = buildFor('llama-2-7b', { phase: 'prefill', batch: 1, seq: 64 });
    const r = run(g, c, bf16, { ignoreCapacity: true, stack: pytorch });
    expect(r.stack!.stridedLoop).toEqual({ kernel: pytorch.elementwise!.strided.kernel, elementsInFlightPerThread: 1 });
    expect(renderStackUse(r.stack!)).toMatch(
      /strided views {3}at::native::elementwise_kernel<128, 4> \(launch_legacy_kernel\): 1 element's loads in flight per thread/,
    );
    expect(run(g, c, bf16, { ignoreCapacity: true, stack: stack('vllm') }).stack!.stridedLoop).toBeUndefined();
    expect(runSummaryHtml([r])).toContain('strided views at::native::elementwise_kernel&lt;128, 4&gt;');
  });
});

describe('bad strided-loop descriptions', () => {
  const base = JSON.parse(JSON.stringify(stack('pytorch'))) as Record<string, unknown>;
  const write = (doc: unknown) => {
    const f = join(mkdtempSync(join(tmpdir(), 'stack-')), 'bad.json');
    writeFileSync(f, JSON.stringify(doc));
    return f;
  };
  const errOf = (f: () => unknown): { message: string; pointer?: string } => {
    try {
      f();
    } catch (e) {
      return e as { message: string; pointer?: string };
    }
    throw new Error('did not throw');
  };
  it('zero elements in flight and a missing field are schema errors at their pointers', () => {
    const zero = errOf(() => loadStack(write({ ...base, elementwise: { strided: { ...LOOP, elementsInFlightPerThread: 0 } } })));
    expect(zero.pointer).toBe('/elementwise/strided/elementsInFlightPerThread');
    const { elementsPerThreadWide: _w, ...missing } = LOOP;
    expect(errOf(() => loadStack(write({ ...base, elementwise: { strided: missing } }))).message).toMatch(/elementsPerThreadWide/);
  });
});

/** Elements that fill the H100's resident threads once at 4 per thread, with two bf16 inputs. */
function resident4(): number {
  return 4 * 132 * 2048;
}
