/**
 * Software stacks on multi-device systems (`simulate --system S --stack T`, `serve --system S
 * --stack T`, sweep specs with `system` + `stack`): every device of the system runs the stack's
 * kernel graph, kernel families and launch terms; the collectives keep the collective model's costs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadQuant } from '../../src/config/load.ts';
import { loadStack } from '../../src/config/load-stack.ts';
import { shippedFiles } from '../../src/catalog/shipped.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { simulateSystemGenerate } from '../../src/parallel/generate-system.ts';
import { SINGLE_DEVICE_PLAN, type ParallelPlan } from '../../src/parallel/plan.ts';
import { evaluateGraph, orThrow } from '../../src/engine/evaluate.ts';
import { SystemStepCost } from '../../src/serve/system-step-cost.ts';
import { simulateServing } from '../../src/serve/simulate.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';
import { SweepContext, evaluatePoint } from '../../src/sweep/evaluate.ts';
import type { Stack } from '../../src/stack/schema.ts';
import { ROOT, cli, modelPath } from '../helpers.ts';
import { dgx, qwen, serveOptions, systemStep } from '../serve/setup.ts';

const stackFile = (name: string) => shippedFiles('stacks').find((f) => f.name === name)!.path;
const stack = (name: string) => loadStack(stackFile(name));
const quant = loadQuant('w16a16');
const plan = (o: Partial<ParallelPlan> = {}): ParallelPlan => ({ ...SINGLE_DEVICE_PLAN, ...o });
const step = (p: ParallelPlan, phase: 'prefill' | 'decode', batch: number, x: number, st?: Stack) => systemStep(p, phase, batch, x, st ? { stack: st } : {});

describe('simulate --system with --stack', () => {
  const args = ['--model', 'llama-2-7b', '--phase', 'decode', '--batch', '8', '--context', '1024', '--json'];
  it('one device of a system under a stack is simulate --arch <that device> --stack: the same numbers', async () => {
    for (const st of ['pytorch-cudagraph', 'pytorch']) {
      const one = await cli('simulate', '--arch', 'h100-sxm', '--stack', st, ...args);
      const sys = await cli('simulate', '--system', 'dgx-h100', '--stack', st, ...args);
      expect([one.code, sys.code]).toEqual([0, 0]);
      const a = JSON.parse(one.stdout);
      const s = JSON.parse(sys.stdout);
      expect(s.system.devicesUsed).toBe(1);
      expect(s.totals).toEqual(a.totals);
      expect(s.stack).toEqual(a.stack);
      expect(s.ops.map((o: { id: string }) => o.id)).toEqual(a.ops.map((o: { id: string }) => o.id));
      // The stack's kernel graph: fused q/k/v and its KV-cache copy kernels, not the model's ops.
      expect(s.ops.some((o: { name: string }) => o.name === 'qkv_proj')).toBe(true);
      expect(s.ops.filter((o: { name: string }) => o.name === 'kv_cache_write')).toHaveLength(64);
    }
  });
  it('TP 2 under an eager stack (a host launch per kernel) is slower than without; the collectives are unchanged', () => {
    const eager = stack('pytorch');
    const tp2 = plan({ tp: 2 });
    const bare = step(tp2, 'decode', 1, 512);
    const under = step(tp2, 'decode', 1, 512, eager);
    expect(under.totals.seconds).toBeGreaterThan(bare.totals.seconds);
    expect(under.system.communicationSeconds).toBe(bare.system.communicationSeconds);
    expect(under.system.collectives.map((c) => c.seconds)).toEqual(bare.system.collectives.map((c) => c.seconds));
    // Each device's compute is its stage graph run through the engine under the stack.
    const st = under.system.stages[0]!;
    expect(under.stack!.name).toBe('pytorch');
    expect(under.stack!.step.kernels).toBeGreaterThan(0);
    expect(st.computeSeconds).toBe(under.stack!.step.deviceSeconds + under.stack!.step.hostWaitSeconds);
    // The collectives sit in the op list after the kernels they follow, fused ones included.
    expect(under.ops.filter((o) => o.cls === 'communication')).toHaveLength(bare.ops.filter((o) => o.cls === 'communication').length);
  });
  it('a CUDA-graph stack adds its per-kernel gap on every device: TP 2 step = bare TP 2 step + gaps + host step (same kernels)', () => {
    const g = stack('pytorch-cudagraph');
    const tp2 = plan({ tp: 2 });
    const under = step(tp2, 'decode', 4, 256, g);
    const s = under.stack!.step;
    expect(s.gapSeconds).toBeCloseTo(s.kernels * g.calibration!['graphKernelGapSeconds']!.value, 15);
    expect(under.totals.seconds).toBeCloseTo(s.deviceSeconds + s.gapSeconds + s.hostSeconds + under.system.communicationSeconds, 15);
  });
  it('pipeline stages each run under the stack: the stack block sums the stages', () => {
    const g = stack('pytorch-cudagraph');
    const pp2 = step(plan({ pp: 2 }), 'decode', 2, 128, g);
    const sums = pp2.system.stages.reduce((a, x) => a + x.computeSeconds, 0);
    const s = pp2.stack!.step;
    expect(s.deviceSeconds + s.gapSeconds + s.hostSeconds).toBeCloseTo(sums, 15);
    expect(s.hostSeconds).toBeCloseTo(2 * g.calibration!['hostStepSeconds']!.value, 15);
  });
  it('generate on a system under a stack: TTFT is the prefill step under the stack', () => {
    const g = stack('vllm');
    const r = simulateSystemGenerate(qwen, dgx, quant, plan({ tp: 2 }), { batch: 2, prompt: 128, output: 4 }, false, { stack: g });
    expect(r.generate.ttftSeconds).toBe(step(plan({ tp: 2 }), 'prefill', 2, 128, g).totals.seconds);
    expect(r.generate.tpotSeconds.first).toBe(step(plan({ tp: 2 }), 'decode', 2, 128, g).totals.seconds);
    expect(r.stack!.name).toBe('vllm');
  });
  it('repeated --stack with --system compares: one column per stack, each the single run', async () => {
    const base = ['--system', 'dgx-h100', '--tp', '2', '--model', 'qwen2-0.5b', '--phase', 'decode', '--batch', '4', '--context', '256', '--json'];
    const cmp = await cli('simulate', ...base, '--stack', 'pytorch', '--stack', 'vllm');
    expect(cmp.code).toBe(0);
    const doc = JSON.parse(cmp.stdout);
    expect(doc.kind).toBe('design-comparison');
    expect(doc.differs).toEqual(['stack']);
    expect(doc.labels).toEqual(['pytorch', 'vllm']);
    const one = JSON.parse((await cli('simulate', ...base, '--stack', 'vllm')).stdout);
    expect(doc.runs[1].totals).toEqual(one.totals);
    expect(doc.runs[1].system.plan.description).toBe('TP 2');
    const text = await cli('simulate', ...base.slice(0, -1), '--stack', 'pytorch', '--stack', 'vllm');
    expect(text.stdout).toMatch(/columns headed by stack/);
  });
  it('the text output and the HTML report show the stack of a system run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sys-stack-'));
    const html = join(dir, 'r.html');
    const tp2 = ['simulate', '--system', 'dgx-h100', '--tp', '2', '--model', 'qwen2-0.5b', '--stack', 'vllm'];
    const r = await cli(...tp2, '--phase', 'decode', '--context', '64', '--html', html);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^stack {13}vllm \(.*vllm\.json\): cuda-graph, \d+ kernels/m);
    expect(r.stdout).toMatch(/^system {12}NVIDIA DGX H100: 2 of 8/m);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(html, 'utf8')).toMatch(/software stack.*vllm \(cuda-graph\)/);
    const gen = await cli(...tp2, '--phase', 'generate', '--prompt', '64', '--output', '4');
    expect(gen.code).toBe(0);
    expect(gen.stdout.split('\n')[1]).toMatch(/^on NVIDIA DGX H100: 2× .* · stack vllm \(cuda-graph\)$/);
    expect(gen.stdout).toMatch(/\nfirst decode step under the stack:\nstack {13}vllm .*: cuda-graph, \d+ kernels/);
  });
  it("a stack that does not run on the system's device kind is a one-line error naming the stack file", async () => {
    const r = await cli('simulate', '--system', 'u280-4x-qsfp-ring', '--model', 'qwen2-0.5b', '--phase', 'decode', '--context', '64', '--stack', 'pytorch');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*pytorch\.json: \/kinds: software stack 'pytorch' runs on gpu-tensor-core, not on fpga-dsp-chain\n$/);
  });
});

describe('op and quant on a system with --stack', () => {
  it("op gemm --system --tp 2 --stack: one device's share runs the stack's kernel family, as op --arch <device> --stack on the split shape", async () => {
    const g = ['--dtype', 'int8', '--stack', 'pytorch', '--json'];
    const sys = await cli('op', 'gemm', '--system', 'dgx-h100', '--tp', '2', '--m', '512', '--n', '4096', '--k', '4096', ...g);
    const one = await cli('op', 'gemm', '--arch', 'h100-sxm', '--m', '512', '--n', '2048', '--k', '4096', ...g);
    const bare = await cli('op', 'gemm', '--system', 'dgx-h100', '--tp', '2', '--m', '512', '--n', '4096', '--k', '4096', '--dtype', 'int8', '--json');
    expect([sys.code, one.code, bare.code]).toEqual([0, 0, 0]);
    const [r] = JSON.parse(sys.stdout);
    const [o] = JSON.parse(one.stdout);
    const [b] = JSON.parse(bare.stdout);
    expect(r.stack).toBe('pytorch');
    expect(r.seconds).toBe(o.seconds);
    // torch._int_mm's cuBLASLt IMMA kernels (mma.sync tiles, int32 out) are not the arch's own kernels.
    expect(r.seconds).not.toBe(b.seconds);
  });
  it('quant --system --stack: each format is the system step under the stack; the comparison names the stack', async () => {
    const r = await cli(
      'quant',
      '--system',
      'dgx-h100',
      '--tp',
      '2',
      '--model',
      'qwen2-0.5b',
      '--formats',
      'w16a16',
      '--phase',
      'decode',
      '--context',
      '256',
      '--stack',
      'vllm',
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.stack).toBe('vllm');
    expect(doc.rows[0].latencySeconds).toBe(step(plan({ tp: 2 }), 'decode', 1, 256, stack('vllm')).totals.seconds);
    const bad = await cli(
      'quant',
      '--system',
      'u280-4x-qsfp-ring',
      '--model',
      'qwen2-0.5b',
      '--formats',
      'w16a16',
      '--phase',
      'decode',
      '--context',
      '64',
      '--stack',
      'vllm',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*vllm\.json: \/kinds: software stack 'vllm' runs on gpu-tensor-core, not on fpga-dsp-chain\n$/);
  });
});

describe('serve --system with --stack', () => {
  for (const p of [plan({ tp: 2 }), plan({ tp: 2, pp: 2 })]) {
    it(`at vanishing load TTFT / TPOT are the system's prefill / decode steps under the stack (${p.tp}×${p.pp})`, () => {
      const g = stack('vllm');
      const cost = new SystemStepCost(qwen, dgx, quant, p, { knotsPerOctave: 0, stack: g });
      const bare = new SystemStepCost(qwen, dgx, quant, p, { knotsPerOctave: 0 });
      const P = 300;
      const req = [{ id: 0, arrivalS: 1, promptTokens: P, outputTokens: 2 }];
      const rec = simulateServing(req, cost, serveOptions()).records[0]!;
      expect(rec.queueS).toBe(0);
      expect(rec.ttftS / step(p, 'prefill', 1, P, g).totals.seconds).toBeCloseTo(1, 12);
      expect(rec.tpotS / step(p, 'decode', 1, P, g).totals.seconds).toBeCloseTo(1, 12);
      // The stack's graph gaps make every step slower than the bare system's.
      expect(rec.tpotS).toBeGreaterThan(simulateServing(req, bare, serveOptions()).records[0]!.tpotS);
    });
  }
  it('the CLI: --json names the stack and lists its factors; the text says it', async () => {
    const req = ['--system', 'dgx-h100', '--tp', '2', '--model', 'qwen2-0.5b', '--requests', 'poisson:rate=1,n=4,prompt=fixed(128),output=fixed(8)'];
    const r = await cli('serve', ...req, '--stack', 'pytorch-cudagraph', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.stack).toMatchObject({ name: 'pytorch-cudagraph', launch: 'cuda-graph' });
    expect(doc.calibration.map((c: { name: string }) => c.name)).toContain('pytorch-cudagraph.graphKernelGapSeconds');
    const bare = JSON.parse((await cli('serve', ...req, '--json')).stdout);
    expect(bare).not.toHaveProperty('stack');
    expect(doc.summary.tpotS.mean).toBeGreaterThan(bare.summary.tpotS.mean);
    const text = await cli('serve', ...req, '--stack', 'pytorch-cudagraph');
    expect(text.stdout.split('\n')[0]).toMatch(/ · stack pytorch-cudagraph \(cuda-graph\) · serving on /);
  });
});

describe('sweep specs with a system and a stack', () => {
  const spec = (extra: Record<string, unknown>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-sys-stack-'));
    const f = join(dir, 'spec.json');
    writeFileSync(
      f,
      JSON.stringify({
        system: join(ROOT, 'systems/dgx-h100.json'),
        quant: ['w16a16'],
        parameters: [{ pointer: '/plan/tp', values: [2] }],
        workloads: [{ model: modelPath('qwen2-0.5b'), phase: 'decode', batch: [4], context: [256] }],
        ...extra,
      }),
    );
    return f;
  };
  it('each point runs every device under its stack: the objectives are the system step under the stack', () => {
    const s = loadSweepSpec(spec({ stack: ['pytorch', 'vllm'] }));
    const ctx = new SweepContext(s);
    const [a, b] = [evaluatePoint(ctx, 0), evaluatePoint(ctx, 1)];
    expect([a.point.stack, b.point.stack]).toEqual(['pytorch', 'vllm']);
    expect(a.objectives!['latencySeconds']).toBe(step(plan({ tp: 2 }), 'decode', 4, 256, stack('pytorch')).totals.seconds);
    expect(b.objectives!['latencySeconds']).toBe(step(plan({ tp: 2 }), 'decode', 4, 256, stack('vllm')).totals.seconds);
    const bare = evaluatePoint(new SweepContext(loadSweepSpec(spec({}))), 0);
    expect(bare.objectives!['latencySeconds']).toBe(step(plan({ tp: 2 }), 'decode', 4, 256).totals.seconds);
  });
});

describe('the single-device engine path is what a system stage runs', () => {
  it('a TP 1 system step under a stack equals evaluateGraph on the device under the stack (exact)', () => {
    const g = stack('tensorrt-llm');
    const graph = buildGraph(qwen, { phase: 'prefill', batch: 2, seq: 200 });
    const one = orThrow(evaluateGraph(graph, dgx.arch, quant, { stack: g })).run;
    const sys = step(plan(), 'prefill', 2, 200, g);
    expect(sys.totals.seconds).toBe(one.totals.seconds);
    expect(sys.totals.energyJ).toBe(one.totals.energyJ);
    expect(sys.stack!.step).toEqual(one.stack!.step);
  });
});
