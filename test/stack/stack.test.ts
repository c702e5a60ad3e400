/**
 * Software stacks (src/stack/, docs/models/software-stacks.md): the shipped presets load, bad
 * stacks fail with file + pointer, the fusion pass produces the exact kernel list, the launch
 * modes compose step time as documented, and the GPU model reads the stack's kernel families and
 * attention backends.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedFiles } from '../../src/catalog/shipped.ts';
import { assertStackRunsOn, loadStack } from '../../src/config/load-stack.ts';
import { kernelGraph } from '../../src/stack/kernel-graph.ts';
import { stackStepTime } from '../../src/stack/step-time.ts';
import { STACK_FACTORS } from '../../src/stack/factors.ts';
import { loadArch } from '../../src/config/load.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { gpuTensorCoreModel, type GpuArchConfig } from '../../src/hw/gpu-tensor-core/model.ts';
import { run } from '../../src/engine/run.ts';
import { gemmOp } from '../../src/compare/stack-fidelity.ts';
import { archPath, buildFor } from '../helpers.ts';
import type { AttentionOp, ElementwiseOp, GemmOp } from '../../src/workload/graph.ts';
import type { Stack } from '../../src/stack/schema.ts';

const stackFile = (name: string) => shippedFiles('stacks').find((f) => f.name === name)!.path;
const stack = (name: string) => loadStack(stackFile(name));
const h100 = () => loadArch(archPath('gpu/h100-sxm.json')) as GpuArchConfig;

function writeStack(doc: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'stack-'));
  const f = join(dir, 'bad.json');
  writeFileSync(f, JSON.stringify(doc));
  return f;
}

describe('shipped stacks', () => {
  it('every preset the issue names ships, validates, and sources its fusions', () => {
    const names = shippedFiles('stacks').map((f) => f.name);
    for (const n of ['pytorch', 'pytorch-cudagraph', 'vllm', 'tensorrt-llm', 'tinychat', 'llama.cpp']) expect(names).toContain(n);
    expect(names.length).toBeGreaterThanOrEqual(9); // + FPGA, PIM and LUT runtimes
    for (const f of shippedFiles('stacks')) {
      const s = loadStack(f.path);
      expect(s.name, f.path).toBe(f.name);
      expect(Object.keys(s.sources).length, f.path).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(s.calibration ?? {})) expect(v.source.length, `${f.name} ${k}`).toBeGreaterThan(10);
    }
  });
  it('pytorch-cudagraph extends pytorch: same kernels, graph launch, no host launches', () => {
    const a = stack('pytorch');
    const b = stack('pytorch-cudagraph');
    expect(b.fusions).toEqual(a.fusions);
    expect(b.gemm).toEqual(a.gemm);
    expect([a.launch, b.launch]).toEqual(['eager', 'cuda-graph']);
    expect(b.calibration?.['hostLaunchSeconds']?.value).toBe(0);
  });
});

/** The AccelscopeError a call throws: message, file and JSON pointer. */
function errOf(f: () => unknown): { message: string; file?: string; pointer?: string } {
  try {
    f();
  } catch (e) {
    return e as { message: string; file?: string; pointer?: string };
  }
  throw new Error('did not throw');
}

describe('bad stacks', () => {
  const base = JSON.parse(JSON.stringify(stack('pytorch'))) as Record<string, unknown>;
  it('an unknown calibration factor names the closest one, at its pointer', () => {
    const f = writeStack({ ...base, calibration: { hostLaunchSecond: { value: 1e-6, source: 'x' } } });
    const e = errOf(() => loadStack(f));
    expect(e.message).toMatch(/did you mean 'hostLaunchSeconds'/);
    expect([e.file, e.pointer]).toEqual([f, '/calibration/hostLaunchSecond']);
  });
  it('a factor out of its declared range is a schema error', () => {
    const f = writeStack({ ...base, calibration: { hostLaunchSeconds: { value: 1, source: 'x' } } });
    const e = errOf(() => loadStack(f));
    expect([e.message, e.pointer]).toEqual(['must be <= 0.001', '/calibration/hostLaunchSeconds/value']);
  });
  it('an unknown field, a bad launch mode and a bad fusion are rejected at their pointers', () => {
    expect(errOf(() => loadStack(writeStack({ ...base, launcher: 'eager' }))).message).toMatch(/unknown property 'launcher'/);
    expect(errOf(() => loadStack(writeStack({ ...base, launch: 'graph' }))).pointer).toBe('/launch');
    expect(errOf(() => loadStack(writeStack({ ...base, fusions: { ...(base['fusions'] as object), activation: 'fused' } }))).pointer).toBe(
      '/fusions/activation',
    );
  });
  it('a stack on a kind it does not run on is a one-line error naming both', () => {
    expect(() => assertStackRunsOn(stack('pytorch'), 'pim-dram', 'x.json')).toThrow(/pytorch' runs on gpu-tensor-core, not on pim-dram/);
  });
  it('declares every factor with a range that contains its default', () => {
    for (const f of STACK_FACTORS) {
      expect(f.default).toBeGreaterThanOrEqual(f.min);
      expect(f.default).toBeLessThanOrEqual(f.max);
    }
  });
});

describe('kernel graph (fusion pass)', () => {
  const g = buildFor('llama-2-7b', { phase: 'decode', batch: 8, context: 512 });
  it('pytorch: one QKV GEMM (N = 3·4096), one gate+up GEMM (N = 2·11008), silu and mul apart, K and V copies', () => {
    const kg = kernelGraph(g, stack('pytorch'));
    const l0 = kg.graph.ops.filter((o) => o.layer === 0);
    expect(l0.map((o) => o.name)).toEqual([
      'input_layernorm',
      'qkv_proj',
      'rotary_emb',
      'kv_cache_write',
      'kv_cache_write',
      'self_attn',
      'o_proj',
      'attn_residual',
      'post_attention_layernorm',
      'gate_up_proj',
      'act_fn',
      'act_mul',
      'down_proj',
      'mlp_residual',
    ]);
    const qkv = l0.find((o) => o.name === 'qkv_proj') as GemmOp;
    expect([qkv.m, qkv.n, qkv.k]).toEqual([8, 12288, 4096]);
    expect((l0.find((o) => o.name === 'gate_up_proj') as GemmOp).n).toBe(22016);
    const kv = l0.filter((o) => o.name === 'kv_cache_write') as ElementwiseOp[];
    expect(kv.map((o) => o.elements)).toEqual([8 * 32 * 128, 8 * 32 * 128]);
    // deps follow the fused ids: the attention reads the merged projection
    const att = l0.find((o) => o.kind === 'attention') as AttentionOp;
    expect(att.deps.some((d) => d === qkv.id || d.startsWith('L0.rotary'))).toBe(true);
    expect(kg.graph.ops.length).toBe(g.ops.length - 32 * 3 + 32 * 3);
    // FLOPs are conserved by the merges
    const flops = (ops: typeof g.ops) => ops.filter((o): o is GemmOp => o.kind === 'gemm').reduce((s, o) => s + 2 * o.m * o.n * o.k, 0);
    expect(flops(kg.graph.ops)).toBe(flops(g.ops));
  });
  it('vllm: residual adds inside the norm and one KV write count no launch of their own', () => {
    const kg = kernelGraph(g, stack('vllm'));
    const residual = kg.graph.ops.find((o) => o.name === 'attn_residual')!;
    expect(kg.kernels.get(residual.id)).toBe(0);
    expect(kg.graph.ops.filter((o) => o.layer === 0 && o.name === 'kv_cache_write')).toHaveLength(1);
    expect(kg.graph.ops.filter((o) => o.layer === 0 && o.cls === 'activation')).toHaveLength(1);
  });
  it('llama.cpp keeps q/k/v and gate/up apart', () => {
    const kg = kernelGraph(g, stack('llama.cpp'));
    expect(kg.graph.ops.filter((o) => o.layer === 0 && o.kind === 'gemm').map((o) => o.name)).toEqual([
      'q_proj',
      'k_proj',
      'v_proj',
      'o_proj',
      'gate_proj',
      'up_proj',
      'down_proj',
    ]);
  });
});

describe('step time by launch mode', () => {
  const s = (over: Partial<Stack>, cal: Record<string, number>): Stack => ({
    ...stack('pytorch'),
    ...over,
    calibration: Object.fromEntries(Object.entries(cal).map(([k, v]) => [k, { value: v, source: 't' }])),
  });
  it('cuda-graph: hostStep + Σ device + kernels · gap, exactly', () => {
    const st = stackStepTime(
      [
        { seconds: 10e-6, kernels: 1 },
        { seconds: 20e-6, kernels: 2 },
        { seconds: 5e-6, kernels: 0 },
      ],
      s({ launch: 'cuda-graph' }, { graphKernelGapSeconds: 2e-6, hostStepSeconds: 7e-6 }),
    );
    expect(st.seconds).toBeCloseTo(7e-6 + 35e-6 + 3 * 2e-6, 15);
    expect(st.breakdown.kernels).toBe(3);
  });
  it('eager: host-bound when kernels are shorter than a launch, device-bound when longer', () => {
    const eager = s({ launch: 'eager' }, { hostLaunchSeconds: 10e-6 });
    const small = stackStepTime(
      Array.from({ length: 100 }, () => ({ seconds: 2e-6, kernels: 1 })),
      eager,
    );
    expect(small.seconds).toBeCloseTo(100 * 10e-6 + 2e-6, 12);
    const large = stackStepTime(
      Array.from({ length: 100 }, () => ({ seconds: 50e-6, kernels: 1 })),
      eager,
    );
    expect(large.seconds).toBeCloseTo(10e-6 + 100 * 50e-6, 12);
    // one more microsecond of host time per launch moves a host-bound step, not a device-bound one
    const eager2 = s({ launch: 'eager' }, { hostLaunchSeconds: 11e-6 });
    expect(
      stackStepTime(
        Array.from({ length: 100 }, () => ({ seconds: 2e-6, kernels: 1 })),
        eager2,
      ).seconds,
    ).toBeGreaterThan(small.seconds + 99e-6);
    expect(
      stackStepTime(
        Array.from({ length: 100 }, () => ({ seconds: 50e-6, kernels: 1 })),
        eager2,
      ).seconds,
    ).toBeCloseTo(large.seconds + 1e-6, 12);
  });
});

describe('GPU model under a stack', () => {
  const arch = h100();
  const w8a8 = parseQuantScheme('w8a8');
  it("torch._int_mm: cuBLASLt IMMA on mma.sync at the H100's mmaSyncRateScale, int32 output, M padded to 32", () => {
    const st = stack('pytorch');
    const big = gemmOp(4096, 4096, 4096);
    const plain = gpuTensorCoreModel.simulate(big, arch, w8a8, { l2State: 'flushed' });
    const imma = gpuTensorCoreModel.simulate(big, arch, w8a8, { l2State: 'flushed', stack: st });
    expect(imma.breakdown!['tileRateScale']).toBe(0.5);
    expect(imma.seconds / plain.seconds).toBeGreaterThan(1.5);
    expect(imma.notes![0]).toMatch(/cublaslt-imma.*mma\.sync/);
    const m1 = gpuTensorCoreModel.simulate(gemmOp(1, 4096, 4096), arch, w8a8, { l2State: 'cold', stack: st });
    expect(m1.notes![0]).toMatch(/M padded to 32/);
    expect(m1.flops).toBe(2 * 4096 * 4096);
    // bf16 falls through to the cuBLAS family: the arch's own tiles, unchanged
    const bf16 = parseQuantScheme('bf16');
    expect(gpuTensorCoreModel.simulate(big, arch, bf16, { stack: st }).seconds).toBe(gpuTensorCoreModel.simulate(big, arch, bf16).seconds);
  });
  it('FlashAttention-2 (tinychat) prefill is slower than FlashAttention-3 (vllm) on H100; cuDNN (pytorch) in between', () => {
    const g = buildFor('llama-2-7b', { phase: 'prefill', batch: 1, seq: 4096 });
    const att = g.ops.find((o) => o.kind === 'attention')!;
    const bf16 = parseQuantScheme('bf16');
    const fa2 = gpuTensorCoreModel.simulate(att, arch, bf16, { stack: stack('tinychat') }).seconds;
    const cudnn = gpuTensorCoreModel.simulate(att, arch, bf16, { stack: stack('pytorch') }).seconds;
    const fa3 = gpuTensorCoreModel.simulate(att, arch, bf16, { stack: stack('vllm') }).seconds;
    expect(fa2 / fa3).toBeGreaterThan(1.5);
    expect(cudnn).toBeGreaterThan(fa3);
    expect(cudnn).toBeLessThan(fa2);
  });
  it('a decode backend without KV split runs one CTA per (sequence, KV head)', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 4096 });
    const att = g.ops.find((o) => o.kind === 'attention')!;
    const bf16 = parseQuantScheme('bf16');
    expect(gpuTensorCoreModel.simulate(att, arch, bf16, { stack: stack('tinychat') }).breakdown!['kvSplits']).toBe(1);
    expect(gpuTensorCoreModel.simulate(att, arch, bf16, { stack: stack('pytorch') }).breakdown!['kvSplits']).toBe(1);
    expect(gpuTensorCoreModel.simulate(att, arch, bf16, { stack: stack('vllm') }).breakdown!['kvSplits']).toBeGreaterThan(1);
  });
  it('TinyChat W4A16 GEMV dequantizes on the CUDA cores: ALU-bound where instructions outrun bandwidth', () => {
    const w4 = parseQuantScheme('w4a16-g128');
    const st = stack('tinychat');
    const r = gpuTensorCoreModel.simulate(gemmOp(1, 11008, 4096), arch, w4, { stack: st });
    expect(r.notes![0]).toMatch(/CUDA-core GEMV, 2.28125 instructions per weight to dequantize \(once for all rows\) \+ 1.0625 per weight per row/);
    const aluS = r.breakdown!['aluS']!;
    // At the clock the board power allows (a GEMV is far below the H100's 700 W: boost clock).
    const clockHz = r.breakdown!['clockHz']!;
    expect(clockHz).toBe(1.98e9);
    expect(aluS).toBeCloseTo((11008 * 4096 * (2.28125 + 1.0625)) / ((256 / 2) * 132 * clockHz), 12);
    // M = 8 is past the GEMV family's maxM 7 (TinyChat's WQLinear: GEMV while M < 8): the tensor-core AWQ GEMM takes it
    expect(gpuTensorCoreModel.simulate(gemmOp(7, 11008, 4096), arch, w4, { stack: st }).notes![0]).toMatch(/awq-gemv/);
    expect(gpuTensorCoreModel.simulate(gemmOp(8, 11008, 4096), arch, w4, { stack: st }).notes![0]).toMatch(/awq-gemm/);
  });
  it('no stack: run() results are those of the arch alone; with a stack the result names it', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 512 });
    const q = parseQuantScheme('bf16');
    const bare = run(g, arch, q);
    expect(bare.stack).toBeUndefined();
    const r = run(g, arch, q, { stack: stack('pytorch-cudagraph') });
    expect(r.stack!.name).toBe('pytorch-cudagraph');
    expect(r.stack!.calibration.map((c) => c.name)).toEqual(STACK_FACTORS.map((f) => f.name));
    expect(r.totals.seconds).toBeCloseTo(r.stack!.step.deviceSeconds + r.stack!.step.gapSeconds + r.stack!.step.hostWaitSeconds, 12);
    expect(r.totals.seconds).toBeGreaterThan(bare.totals.seconds);
  });
});

describe('CLI --stack', async () => {
  const { cli } = await import('../helpers.ts');
  const WL = ['--arch', 'h100', '--model', 'llama-2-7b', '--phase', 'decode', '--batch', '1', '--context', '512'];
  it('simulate --stack NAME resolves the shipped stack, prints its lines and puts it in --json', async () => {
    const r = await cli('simulate', ...WL, '--stack', 'pytorch-cudagraph');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/stack pytorch-cudagraph \(cuda-graph\)/);
    expect(r.stdout).toMatch(/graphKernelGapSeconds = .* \[config\]/);
    const j = JSON.parse((await cli('simulate', ...WL, '--stack', 'pytorch', '--json')).stdout) as {
      stack: { name: string; launch: string; step: { kernels: number } };
    };
    expect([j.stack.name, j.stack.launch]).toEqual(['pytorch', 'eager']);
    expect(j.stack.step.kernels).toBeGreaterThan(400);
  });
  it('an unknown stack name is a one-line error with close matches; a GPU stack on PIM names both', async () => {
    const r = await cli('simulate', ...WL, '--stack', 'pytorh');
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--stack 'pytorh'.*did you mean pytorch/);
    const p = await cli('simulate', '--arch', 'neupims', '--model', 'llama-2-7b', '--phase', 'decode', '--context', '512', '--stack', 'vllm');
    expect(p.code).not.toBe(0);
    expect(p.stderr).toMatch(/vllm' runs on gpu-tensor-core, not on pim-dram/);
  });
  it("simulate --phase generate --stack: every decode step pays the stack's launch terms; --json names the stack", async () => {
    const ga = ['simulate', '--arch', 'h100', '--model', 'llama-2-7b', '--phase', 'generate', '--prompt', '128', '--output', '16', '--json'];
    const [g0, g1] = await Promise.all([cli(...ga), cli(...ga, '--stack', 'pytorch-cudagraph')]);
    const r0 = JSON.parse(g0.stdout) as { generate: { tpotSeconds: { mean: number } } };
    const r1 = JSON.parse(g1.stdout) as { generate: { tpotSeconds: { mean: number } }; stack: { name: string; step: { gapSeconds: number } } };
    expect(r1.stack.name).toBe('pytorch-cudagraph');
    expect(r1.generate.tpotSeconds.mean - r0.generate.tpotSeconds.mean).toBeGreaterThan(r1.stack.step.gapSeconds * 0.9);
  });
  it('repeated --stack prints one comparison table headed by the stack', async () => {
    const r = await cli('simulate', ...WL, '--stack', 'pytorch', '--stack', 'vllm');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^2 designs; columns headed by stack/);
    expect(r.stdout).toMatch(/pytorch\s+vllm/);
  });
  it('op, quant and serve take --stack: the _int_mm family runs op gemm int8; quant and serve steps slow down by the launch terms', async () => {
    const op = JSON.parse(
      (await cli('op', 'gemm', '--arch', 'h100', '--m', '1024', '--n', '4096', '--k', '4096', '--dtype', 'int8', '--stack', 'pytorch', '--json')).stdout,
    ) as { stack: string; notes: string[]; breakdown: Record<string, number> }[];
    expect(op[0]!.stack).toBe('pytorch');
    expect(op[0]!.breakdown['tileRateScale']).toBe(0.5);
    const qa = ['quant', '--model', 'llama-2-7b', '--arch', 'h100', '--context', '512', '--formats', 'w16a16', '--json'];
    const [q0, q1] = await Promise.all([cli(...qa), cli(...qa, '--stack', 'pytorch-cudagraph')]);
    const lat = (o: string) => (JSON.parse(o) as { rows: { latencySeconds: number }[] }).rows[0]!.latencySeconds;
    expect(lat(q1.stdout)).toBeGreaterThan(lat(q0.stdout));
    expect((JSON.parse(q1.stdout) as { stack: string }).stack).toBe('pytorch-cudagraph');
    const sa = ['serve', '--arch', 'h100', '--model', 'llama-2-7b', '--requests', 'poisson:rate=4,n=20,prompt=fixed(128),output=fixed(16),seed=1', '--json'];
    const [s0, s1] = await Promise.all([cli(...sa), cli(...sa, '--stack', 'vllm')]);
    const tpot = (o: string) => (JSON.parse(o) as { summary: { tpotS: { mean: number } } }).summary.tpotS.mean;
    expect(s1.code).toBe(0);
    expect(tpot(s1.stdout)).toBeGreaterThan(tpot(s0.stdout));
  }, 60_000);
});

describe('run report', async () => {
  const { renderRunReport } = await import('../../src/report/run-report.ts');
  it('shows the software stack row and the stack factors with the arch calibration', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 512 });
    const r = run(g, h100(), parseQuantScheme('bf16'), { stack: stack('vllm') });
    const html = renderRunReport(r);
    expect(html).toMatch(/software stack<\/b><\/td><td>vllm \(cuda-graph\): \d+ kernels/);
    expect(html).toContain('vllm.graphKernelGapSeconds');
    expect(renderRunReport(run(g, h100(), parseQuantScheme('bf16')))).not.toContain('software stack');
  });
});

describe('device runtimes (FPGA, PIM, LUT) in the same form', () => {
  it('each runs on its kind; with no launch costs and no extra kernels a PIM step keeps its time', () => {
    for (const [name, arch] of [
      ['pim-runtime', 'pim/neupims.json'],
      ['flightllm-runtime', 'fpga/u280-flightllm.json'],
      ['tmac-runtime', 'lut/tmac-m2-ultra.json'],
    ] as const) {
      const a = loadArch(archPath(arch));
      expect(() => assertStackRunsOn(stack(name), a.kind)).not.toThrow();
    }
    const pim = loadArch(archPath('pim/neupims.json'));
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 512 });
    const q = parseQuantScheme('w16a16');
    const bare = run(g, pim, q, { ignoreCapacity: true });
    const r = run(g, pim, q, { ignoreCapacity: true, stack: stack('pim-runtime') });
    expect(r.totals.seconds).toBeCloseTo(bare.totals.seconds, 12);
    expect(r.stack!.launch).toBe('runtime');
  });
});
