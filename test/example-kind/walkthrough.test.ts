/**
 * Keeps docs/adding-a-hardware-model.md true: its code blocks are verbatim excerpts of the example
 * kind's files, and the example kind, registered the documented way, works end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, cli, modelPath, userError } from '../helpers.ts';
import { registerHardwareModel, hardwareKinds } from '../../src/hw/registry.ts';
import { loadArch } from '../../src/config/load.ts';
import { evaluateOp } from '../../src/engine/evaluate.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { resolveArchWithSources } from '../../src/config/resolved-arch.ts';
import { systolicExampleModel } from './model.ts';
import type { GemmOp } from '../../src/workload/graph.ts';

const here = join(ROOT, 'test/example-kind');
const doc = readFileSync(join(ROOT, 'docs/adding-a-hardware-model.md'), 'utf8');
const config = join(here, 'systolic-example.json');
let unregister: () => void;
beforeAll(() => {
  unregister = registerHardwareModel(systolicExampleModel);
});
afterAll(() => unregister());

describe('docs/adding-a-hardware-model.md', () => {
  it('every ts code block is a verbatim excerpt of the example files (or the registration line)', () => {
    const sources = ['schema.ts', 'calibration.ts', 'model.ts', 'walkthrough.test.ts'].map((f) => readFileSync(join(here, f), 'utf8')).join('\n');
    const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.trimEnd());
    expect(blocks.length).toBe(4);
    for (const b of blocks) expect(sources.includes(b), b.slice(0, 80)).toBe(true);
  });
});

describe('the example kind, registered the same way as shipped kinds', () => {
  it('is a registered kind while registered; a second registration is an error', () => {
    expect(hardwareKinds()).toContain('systolic-example');
    expect(() => registerHardwareModel(systolicExampleModel)).toThrow(/already registered/);
  });

  it('its config validates through its declared schema; a range violation and a misspelt factor are one-line errors', () => {
    expect(loadArch(config).name).toBe('Example 128x128 systolic array');
    const bad = JSON.parse(readFileSync(config, 'utf8')) as Record<string, Record<string, unknown>>;
    const dir = mkdtempSync(join(tmpdir(), 'accelscope-example-kind-'));
    const write = (doc: unknown, name: string) => {
      const p = join(dir, name);
      writeFileSync(p, JSON.stringify(doc));
      return p;
    };
    const rows0 = write({ ...bad, systolic: { ...bad['systolic'], rows: 0 } }, 'example-rows0.json');
    expect(userError(() => loadArch(rows0)).toLine()).toBe(`error: ${rows0}: /systolic/rows: must be >= 1`);
    const typo = write({ ...bad, calibration: { dramBandwidthEficiency: { value: 0.5, source: 's' } } }, 'example-typo.json');
    expect(userError(() => loadArch(typo)).message).toMatch(/did you mean 'dramBandwidthEfficiency'\?$/);
  });

  it('the engine evaluates a GEMM: a tile that fits the array vs one row more (exact cycles), calibration resolved', () => {
    const arch = loadArch(config);
    const q = parseQuantScheme('w16a16');
    const gemm = (m: number): GemmOp => ({
      id: 'g',
      name: 'g',
      cls: 'other',
      layer: 0,
      phase: 'prefill',
      deps: [],
      kind: 'gemm',
      m,
      n: 128,
      k: 4096,
      batch: 1,
      weight: 'layer',
      bias: false,
    });
    const fits = evaluateOp(gemm(128), arch, q);
    const over = evaluateOp(gemm(129), arch, q);
    if (!fits.feasible || !over.feasible) throw new Error('infeasible');
    expect(fits.result.breakdown?.['tiles']).toBe(1);
    expect(over.result.breakdown?.['tiles']).toBe(2);
    expect(fits.result.breakdown?.['computeS']).toBeCloseTo((4096 + 32) / 1e9, 15); // fillCycles default 32
    expect(over.result.breakdown?.['computeS']).toBeCloseTo((2 * (4096 + 32)) / 1e9, 15);
    expect(fits.result.flops).toBe(2 * 128 * 128 * 4096);
    expect(fits.calibration).toEqual([
      {
        name: 'dramBandwidthEfficiency',
        value: 0.8,
        unit: 'fraction',
        origin: 'config',
        source: 'example',
        description: 'Fraction of the peak DRAM bandwidth the array sustains while streaming weights.',
      },
    ]);
  });

  it('accelscope config fills the declared default and names its origin', () => {
    const r = resolveArchWithSources(config);
    expect((r.config as unknown as { systolic: { fillCycles: number } }).systolic.fillCycles).toBe(32);
    expect(r.sources['/systolic/fillCycles']).toEqual({ origin: 'default', declared: 'schema of systolic-example' });
  });

  it('simulate runs a whole model on it through the CLI', async () => {
    const r = await cli('simulate', '--arch', config, '--model', modelPath('qwen2-0.5b'), '--context', '128', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { arch: { kind: string }; totals: { seconds: number }; calibration: { origin: string }[] };
    expect(j.arch.kind).toBe('systolic-example');
    expect(j.totals.seconds).toBeGreaterThan(0);
    expect(j.calibration.map((c) => c.origin)).toEqual(['config']);
  });
});
