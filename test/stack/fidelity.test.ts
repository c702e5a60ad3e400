/**
 * The stack side of issue 19's fidelity targets on the shipped measured H100 data: whole
 * Llama-2-7B decode steps under pytorch-cudagraph, INT8 torch._int_mm GEMMs under pytorch. Bounds
 * are what the mechanisms reach today (bench/gpu-stacks.bench.ts prints the tables); each test
 * also checks the stack moves the model toward the measurement.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, archPath, modelPath } from '../helpers.ts';
import { loadArch, loadModel } from '../../src/config/load.ts';
import { loadStack } from '../../src/config/load-stack.ts';
import { shippedFiles } from '../../src/catalog/shipped.ts';
import { run } from '../../src/engine/run.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { errorStats, gemmRows, stepRows, type GemmPoint, type StepPoint } from '../../src/compare/stack-fidelity.ts';
import type { Stack } from '../../src/stack/schema.ts';
import { opQuantScheme } from '../../src/cli/commands/op.ts';

const tf32Scheme = () => opQuantScheme('tf32');

const stack = (name: string) => loadStack(shippedFiles('stacks').find((f) => f.name === name)!.path);
const h100 = loadArch(archPath('gpu/h100-sxm.json'));

describe('whole Llama-2-7B steps on H100 (data/measured/h100-llama2-7b-whole-steps.json)', () => {
  const steps = (JSON.parse(readFileSync(resolve(DATA, 'measured/h100-llama2-7b-whole-steps.json'), 'utf8')) as { results: StepPoint[] }).results;
  const spec = loadModel(modelPath('llama-2-7b'));
  const bf16 = parseQuantScheme('bf16');
  const runStep = (g: Parameters<Parameters<typeof stepRows>[2]>[0], st?: Stack) => run(g, h100, bf16, { ignoreCapacity: true, ...(st ? { stack: st } : {}) });
  const withStack = stepRows(steps, spec, runStep, stack('pytorch-cudagraph'), stack('pytorch'));
  const bare = stepRows(steps, spec, runStep);
  it('decode steps under pytorch-cudagraph: B1 (the point graphKernelGapSeconds is calibrated on) within 1%, B8 held out within 8% (no stack: ~20% fast)', () => {
    const decode = withStack.filter((r) => r.label.includes('decode'));
    expect(decode).toHaveLength(2);
    expect(Math.abs(decode[0]!.error), decode[0]!.label).toBeLessThanOrEqual(0.01);
    expect(Math.abs(decode[1]!.error), decode[1]!.label).toBeLessThanOrEqual(0.08);
    bare.filter((r) => r.label.includes('decode')).forEach((b, i) => expect(Math.abs(decode[i]!.error)).toBeLessThan(Math.abs(b.error)));
  });
  it('prefill under pytorch within 15% (the rest is the power-limited clock, not the stack)', () => {
    for (const r of withStack.filter((x) => x.label.includes('prefill'))) expect(Math.abs(r.error), r.label).toBeLessThanOrEqual(0.15);
  });
});

describe('INT8 torch._int_mm GEMMs on H100 (data/measured/h100-gemm-llama2-7b-int8-tf32.json)', () => {
  const pts = (JSON.parse(readFileSync(resolve(DATA, 'measured/h100-gemm-llama2-7b-int8-tf32.json'), 'utf8')) as { results: GemmPoint[] }).results.filter(
    (p) => p.dtype === 'int8',
  );
  it('under --stack pytorch: median |error| ≤ 13%, p90 ≤ 21% (no stack: median 23%, p90 51%)', () => {
    const s = errorStats(gemmRows(pts, h100, () => parseQuantScheme('w8a8'), stack('pytorch')));
    const b = errorStats(gemmRows(pts, h100, () => parseQuantScheme('w8a8')));
    expect(s.n).toBe(32);
    expect(s.median).toBeLessThanOrEqual(0.13);
    expect(s.p90).toBeLessThanOrEqual(0.21);
    expect(b.median).toBeGreaterThan(0.2);
  });
});

describe('every measured H100 GEMM dtype under --stack pytorch (fp16, bf16, int8 via _int_mm, tf32 via cuBLAS sm90 tf32 tiles)', () => {
  const all = ['h100-gemm-llama2-7b-fp16-bf16.json', 'h100-gemm-llama2-7b-int8-tf32.json'].flatMap(
    (f) => (JSON.parse(readFileSync(resolve(DATA, 'measured', f), 'utf8')) as { results: GemmPoint[] }).results,
  );
  // Both operands in the measured dtype, as `accelscope op gemm --dtype D` builds them.
  const scheme = (d: string) => (d === 'int8' ? parseQuantScheme('w8a8') : d === 'tf32' ? tf32Scheme() : parseQuantScheme(d));
  it('TF32 simulates under the stack (its own tiles for 4-byte operands) with median |error| ≤ 6%', () => {
    const rows = gemmRows(
      all.filter((p) => p.dtype === 'tf32'),
      h100,
      scheme,
      stack('pytorch'),
    );
    const s = errorStats(rows);
    expect(s.failed).toBe(0);
    expect(s.n).toBe(32);
    expect(s.median).toBeLessThanOrEqual(0.06);
    expect(rows[0]!.note).toMatch(/cublas tf32/);
  });
  it('all 128 points: median |error| ≤ 6%, p90 ≤ 20% (the issue-19 GEMM target, on the shipped data)', () => {
    const s = errorStats(gemmRows(all, h100, scheme, stack('pytorch')));
    expect(s.n).toBe(128);
    expect(s.median).toBeLessThanOrEqual(0.06);
    expect(s.p90).toBeLessThanOrEqual(0.2);
  });
});
