/**
 * Validation envelopes (src/arch/validation.ts): every shipped arch config and stack carries one;
 * a run inside gets no warning, a run one step outside a dimension gets exactly one line naming
 * that dimension; a covering known gap gives its measured error; a config checked on nothing warns
 * on every run; the section is schema-checked (strict).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, archPath, cli, makeArch, userError } from '../helpers.ts';
import { loadArch, validateArch } from '../../src/config/load.ts';
import { loadStack } from '../../src/config/load-stack.ts';
import { envelopeWarning, envelopeWarnings, outsideDimensions, type RunPoint, type Validation } from '../../src/arch/validation.ts';

const files = (dir: string) =>
  readdirSync(resolve(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f));

describe('every shipped arch config and stack carries a validation envelope', () => {
  for (const f of files('arch-configs')) {
    it(f, () => {
      const v = loadArch(resolve(ROOT, f)).validation as Validation;
      expect(v).toBeDefined();
      expect(v.checks.length > 0 || (v.note ?? '').length > 0).toBe(true);
      for (const c of v.checks) expect(c.source).toMatch(/data\/|microsoft\/T-MAC|FlightLLM/);
    });
  }
  for (const f of files('stacks')) {
    it(f, () => {
      const v = loadStack(resolve(ROOT, f)).validation as Validation;
      expect(v).toBeDefined();
      expect(v.checks.length > 0 || (v.note ?? '').length > 0).toBe(true);
    });
  }
});

describe('inside and outside the H100 envelope (batch 1–8, context 512, seq 512, llama, w16a16)', () => {
  const h100 = loadArch(archPath('gpu/h100-sxm'));
  const inside: RunPoint = { modelType: 'llama', phase: 'decode', batch: 8, context: 512, quant: 'w16a16', stack: 'none' };
  it('at the boundary: no warning', () => {
    expect(envelopeWarning(h100, inside)).toBeNull();
    expect(envelopeWarning(h100, { ...inside, batch: 1 })).toBeNull();
    expect(envelopeWarning(h100, { modelType: 'llama', phase: 'prefill', batch: 1, seq: 512, quant: 'w16a16' })).toBeNull();
  });
  it('one step outside each dimension: one line naming it', () => {
    const cases: [Partial<RunPoint>, RegExp][] = [
      [{ batch: 9 }, /^batch 9 is outside the validated envelope of NVIDIA H100 SXM5 80GB \(batch 1–8\); checked on: /],
      [{ context: 513 }, /^context 513 is outside .*\(context = 512\)/],
      [{ context: 511 }, /^context 511 is outside/],
      [{ modelType: 'mistral' }, /^model type mistral is outside .*\(model type llama\)/],
      [{ quant: 'w4a16-g128' }, /^quant w4a16-g128 is outside .*\(quant w16a16\)/],
    ];
    for (const [change, re] of cases) {
      const w = envelopeWarnings(h100, { ...inside, ...change });
      expect(w).toHaveLength(1);
      expect(w[0]).toMatch(re);
      expect(w[0]).not.toMatch(/\n/);
    }
  });
  it('two dimensions outside: both named in the one line', () => {
    expect(envelopeWarning(h100, { ...inside, batch: 64, context: 8192 })).toMatch(/^batch 64, context 8192 are outside .*\(batch 1–8, context = 512\)/);
  });
  it('a known gap covering the run gives its measured error and source (INT8 GEMMs)', () => {
    expect(envelopeWarning(h100, { ...inside, quant: 'w8a8' })).toMatch(
      /^quant w8a8 is outside .*: there the model's INT8 GEMM kernel time \(torch\._int_mm.*\) was off by −55\.7% to \+18% \(median \|error\| 22\.8%, p90 53\.6%\) against measurements \(32 measured shapes/,
    );
  });
  it('outsideDimensions ignores dimensions the run does not have (a prefill has no context)', () => {
    expect(outsideDimensions(h100.validation!.envelope, { phase: 'prefill', seq: 512 })).toEqual([]);
  });
});

describe('configs checked on nothing, stacks, the schema', () => {
  it('a device with no measurement warns on every run, with its note', () => {
    const w = envelopeWarning(loadArch(archPath('gpu/a100-sxm-80gb')), { modelType: 'llama', phase: 'decode', batch: 1, context: 512, quant: 'w16a16' });
    expect(w).toMatch(
      /^NVIDIA A100.* was not checked against measurements of this device \(the GPU tensor-core model's mechanisms were checked on an H100 SXM only/,
    );
  });
  it("the H200 (extends the H100) does not inherit the H100's checks or gaps", () => {
    const v = loadArch(archPath('gpu/h200')).validation!;
    expect(v.checks).toEqual([]);
    expect(v.gaps).toEqual([]);
  });
  it('arch and stack both outside: still one line', () => {
    const h100 = loadArch(archPath('gpu/h100-sxm'));
    const vllm = loadStack(resolve(ROOT, 'stacks/gpu/vllm.json'));
    const w = envelopeWarnings(h100, { modelType: 'llama', phase: 'decode', batch: 64, context: 512, quant: 'w16a16', stack: 'vllm' }, vllm);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^batch 64 is outside .* — and vllm was not checked against measurements of this stack/);
  });
  it('strict schema: an unknown dimension or a check without source is an error at its pointer', () => {
    const a = userError(() => validateArch(makeArch('gpu/h100-sxm', { validation: { envelope: { tokens: { max: 1 } } } }), 'h.json'));
    expect([a.file, a.pointer]).toEqual(['h.json', '/validation/envelope']);
    expect(a.message).toMatch(/unknown property 'tokens'/);
    const b = userError(() =>
      validateArch(makeArch('gpu/h100-sxm', { validation: { checks: [{ workload: 'w', metric: 'm', points: 1, errorPct: { min: 0, max: 1 } }] } }), 'h.json'),
    );
    expect(b.pointer).toBe('/validation/checks/0');
    expect(b.message).toMatch(/required property 'source'/);
  });
});

describe('simulate: one warning line on stderr and in --json warnings', () => {
  const base = ['simulate', '--arch', 'h100', '--model', 'llama-2-7b', '--phase', 'decode'];
  it('outside (batch 16): exactly one envelope line, also in --json warnings', async () => {
    const r = await cli(...base, '--batch', '16', '--context', '512');
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => /validated envelope/.test(l))).toHaveLength(1);
    expect(r.stderr).toMatch(/^warning: batch 16 is outside the validated envelope of NVIDIA H100 SXM5 80GB \(batch 1–8\)/m);
    const j = await cli(...base, '--batch', '16', '--context', '512', '--json');
    expect((JSON.parse(j.stdout) as { warnings: string[] }).warnings.filter((w) => /validated envelope/.test(w))).toHaveLength(1);
  });
  it('inside (batch 8): none', async () => {
    const r = await cli(...base, '--batch', '8', '--context', '512');
    expect(r.stderr).not.toMatch(/envelope|not checked/);
  });
  it('generate: the prefill and the last decode context are both checked, one line', async () => {
    const r = await cli('simulate', '--arch', 'h100', '--model', 'llama-2-7b', '--phase', 'generate', '--prompt', '512', '--output', '1');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/envelope/);
    const out = await cli('simulate', '--arch', 'h100', '--model', 'llama-2-7b', '--phase', 'generate', '--prompt', '512', '--output', '8');
    expect(out.stderr.split('\n').filter((l) => /validated envelope/.test(l))).toEqual([expect.stringMatching(/context 519 is outside/)]);
  });
});
