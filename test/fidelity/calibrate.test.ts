/**
 * calibrate: a synthetic trace whose kernel times the model itself produced with known factor
 * values is fitted back to those values; a trace that cannot constrain a factor is refused; fitted
 * values stay inside their declared ranges; the written config extends the original and loads.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { archPath, cli, makeArch, userError, ROOT } from '../helpers.ts';
import { resolve } from 'node:path';
import { loadStack } from '../../src/config/load-stack.ts';
import { chromeTrace, decoderPassOps, type DecoderShape, type SynthPass } from './synthetic-trace.ts';
import { parseTrace } from '../../src/workload/import/trace-read.ts';
import { measuredPassesOf, type MeasuredPass } from '../../src/fidelity/measured-ops.ts';
import { simulatePass } from '../../src/fidelity/simulate-pass.ts';
import { calibrate, MIN_SENSITIVITY, orthogonalNorm } from '../../src/fidelity/calibrate.ts';
import { withArchFactors, fittableFactors, toUnit, fromUnit } from '../../src/fidelity/fit-factors.ts';
import { coordinateSearch } from '../../src/fidelity/fit-search.ts';
import { loadArch, loadQuant } from '../../src/config/load.ts';
import type { ArchConfig } from '../../src/arch/base.ts';

interface ConfigDoc {
  extends: string;
  calibration: Record<string, { value: number; source: string }>;
  sources: Record<string, string>;
}
interface RunDoc {
  calibration: { name: string; value: number; origin: string }[];
  warnings: string[];
}

const H100 = loadArch(archPath('gpu/h100-sxm'));
const W16 = loadQuant('w16a16');
const BASE: DecoderShape = { batch: 4, qLen: 512, kvLen: 512, hidden: 2048, heads: 16, kvHeads: 4, headDim: 128, inter: 5632, vocab: 32000, layers: 1 };
const PRE = decoderPassOps(BASE);
const DEC = decoderPassOps({ ...BASE, qLen: 1, kvLen: 513 });
const passes = (doc: object): MeasuredPass[] => measuredPassesOf(parseTrace(doc), 'synthetic.json');

/** A trace of a prefill and a decode step whose kernel times are the model's on `truth`; `keep` picks the ops that get kernels. */
function traceFrom(truth: ArchConfig, keep: (phase: string, bound: string) => boolean = () => true): { traceEvents: object[] } {
  const dummy = passes(
    chromeTrace([
      { ops: PRE, kernelsUs: PRE.map(() => [1]) },
      { ops: DEC, kernelsUs: DEC.map(() => [1]) },
    ]),
  );
  const spec: SynthPass[] = dummy.map((p, i) => ({
    ops: i === 0 ? PRE : DEC,
    kernelsUs: simulatePass(p, truth, W16).run.ops.map((o) => (keep(p.graph.meta.phase, o.bound) ? [o.seconds * 1e6] : [])),
  }));
  return chromeTrace(spec);
}

describe('coordinateSearch', () => {
  it('finds the minimum inside the box and stops at the bound when the minimum lies outside', () => {
    const r = coordinateSearch((u) => (u[0]! - 0.3) ** 2 + (u[1]! - 1.2) ** 2, [0.9, 0.1]);
    expect(r.u[0]).toBeCloseTo(0.3, 5);
    expect(r.u[1]).toBe(1);
  });
  it('is deterministic', () => {
    const f = (u: number[]) => Math.abs(u[0]! - 0.41) + (u[1]! - 0.7) ** 2;
    expect(coordinateSearch(f, [0.5, 0.5])).toEqual(coordinateSearch(f, [0.5, 0.5]));
  });
});

describe('fittableFactors', () => {
  it('the GPU factors with their declared ranges; fractions linear over [0.01, 1], times logarithmic over 4 decades', () => {
    const f = fittableFactors(H100);
    expect(f.map((x) => x.name)).toEqual(['dramBandwidthEfficiency', 'tensorCoreEfficiency', 'kernelLaunchSeconds']);
    // the power-limiter factors (fitByDefault: false) only when named
    expect(fittableFactors(H100, ['sustainedPowerFraction', 'tensorCoreEfficiency']).map((x) => x.name)).toEqual([
      'tensorCoreEfficiency',
      'sustainedPowerFraction',
    ]);
    expect(f[0]).toMatchObject({ lo: 0.01, hi: 1, scale: 'linear', start: 0.8917 });
    expect(f[2]).toMatchObject({ hi: 1e-3, scale: 'log' });
    expect(f[2]!.lo / 1e-7).toBeCloseTo(1, 12);
    expect(fromUnit(f[2]!, toUnit(f[2]!, 3.5e-6))).toBeCloseTo(3.5e-6, 18);
    expect(userError(() => fittableFactors(H100, ['tensorCoreEfficency'])).message).toMatch(
      /'tensorCoreEfficency' is not a calibration factor of .* \(it has dramBandwidthEfficiency, tensorCoreEfficiency, kernelLaunchSeconds, sustainedPowerFraction, powerLimitWindowSeconds\)/,
    );
  });
});

describe('calibrate recovers the factors the trace was generated with', () => {
  const truth = withArchFactors(H100, { dramBandwidthEfficiency: 0.72, tensorCoreEfficiency: 0.66, kernelLaunchSeconds: 3.5e-6 }, 'truth');
  const all = passes(traceFrom(truth));
  it('all three within 1% from the shipped values; the fit error falls to ~0', () => {
    const r = calibrate(all, [], H100, W16);
    const v = Object.fromEntries(r.factors.map((f) => [f.name, f.value]));
    expect(v['dramBandwidthEfficiency']! / 0.72 - 1).toBeCloseTo(0, 2);
    expect(v['tensorCoreEfficiency']! / 0.66 - 1).toBeCloseTo(0, 2);
    expect(v['kernelLaunchSeconds']! / 3.5e-6 - 1).toBeCloseTo(0, 2);
    expect(r.fit.before.rmsLogError).toBeGreaterThan(0.1);
    expect(r.fit.after.rmsLogError).toBeLessThan(0.005);
    expect(r.factors.every((f) => f.sensitivity >= MIN_SENSITIVITY)).toBe(true);
    expect(r.arch.calibration!['tensorCoreEfficiency']!.value).toBe(v['tensorCoreEfficiency']);
  });
  it('fit on the prefill, held out the decode: both errors reported, the held-out one small too', () => {
    const r = calibrate(
      all.filter((p) => p.graph.meta.phase === 'prefill'),
      all.filter((p) => p.graph.meta.phase === 'decode'),
      H100,
      W16,
    );
    expect(r.heldOut).toBeDefined();
    expect(r.heldOut!.after.ops).toBe(17);
    expect(r.heldOut!.after.errors.medianAbs).toBeLessThan(0.02);
    expect(r.heldOut!.before.errors.medianAbs).toBeGreaterThan(0.05);
  });
});

describe('calibrate refuses what the trace cannot constrain, and stays in range', () => {
  it('kernels only under compute-bound GEMMs: dramBandwidthEfficiency is refused, naming the factors it can fit', () => {
    const doc = traceFrom(H100, (phase, bound) => phase === 'prefill' && bound === 'compute');
    const e = userError(() => calibrate(passes(doc), [], H100, W16, { file: 'synthetic.json' }));
    expect(e.file).toBe('synthetic.json');
    expect(e.message).toMatch(
      /^the traces cannot constrain dramBandwidthEfficiency(, kernelLaunchSeconds)?: moving dramBandwidthEfficiency by a tenth of its range changes the fit's log errors by 0\.00\d\d RMS beyond what the other factors absorb \(needs ≥ 0\.005\)/,
    );
    expect(e.message).toMatch(/fit the others alone with --factors .*tensorCoreEfficiency/);
    const ok = calibrate(passes(doc), [], H100, W16, { factors: ['tensorCoreEfficiency'] });
    expect(ok.factors.map((f) => f.name)).toEqual(['tensorCoreEfficiency']);
  });
  it('a device faster than any efficiency ≤ 1 allows: the fit stops at the upper end, never beyond', () => {
    const fast = makeArch('gpu/h100-sxm', {
      memory: { bandwidthBps: 1.4 * H100.memory.bandwidthBps },
      calibration: { dramBandwidthEfficiency: { value: 1, source: 't' } },
    });
    const r = calibrate(passes(traceFrom(fast)), [], H100, W16);
    const d = r.factors.find((f) => f.name === 'dramBandwidthEfficiency')!;
    expect(d.value).toBe(1);
    expect(d.atBound).toBe('max');
    for (const f of r.factors) {
      expect(f.value).toBeGreaterThanOrEqual(f.min);
      expect(f.value).toBeLessThanOrEqual(f.max);
    }
  });
});

describe('accelscope calibrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'calibrate-'));
  const truth = withArchFactors(H100, { dramBandwidthEfficiency: 0.72, tensorCoreEfficiency: 0.66, kernelLaunchSeconds: 3.5e-6 }, 'truth');
  const trace = join(dir, 'trace.json');
  writeFileSync(trace, JSON.stringify(traceFrom(truth)));
  it('writes a config that extends the original with the fitted values and their provenance; simulate loads it', async () => {
    const out = join(dir, 'mine.json');
    const r = await cli('calibrate', trace, '--arch', 'h100', '-o', out, '--fit-phase', 'prefill');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/held out\s+after\s+17/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as ConfigDoc;
    expect(doc.extends).toMatch(/arch-configs\/gpu\/h100-sxm\.json$/);
    expect(doc.calibration['tensorCoreEfficiency']!.value).toBeCloseTo(0.66, 2);
    expect(doc.calibration['tensorCoreEfficiency']!.source).toMatch(
      /^fitted by accelscope calibrate on \d{4}-\d\d-\d\d to .*trace\.json \(prefill passes\): median \|error\| [\d.]+%.*held out/,
    );
    expect(doc.sources['/calibration/kernelLaunchSeconds/value']).toMatch(/accelscope calibrate/);
    const sim = await cli('simulate', '--arch', out, '--model', 'llama-2-7b', '--context', '512', '--json');
    expect(sim.code).toBe(0);
    const cal = (JSON.parse(sim.stdout) as RunDoc).calibration.find((c) => c.name === 'tensorCoreEfficiency');
    expect(cal).toMatchObject({ origin: 'config', value: doc.calibration['tensorCoreEfficiency']!.value });
  });
  it('--json prints the fit; errors: -o onto the arch or a trace, no -o, no --arch, an unconstraining trace (nothing written)', async () => {
    const j = await cli('calibrate', trace, '--arch', 'h100', '-o', join(dir, 'j.json'), '--json', '--factors', 'tensorCoreEfficiency');
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ kind: 'calibration', factors: [{ name: 'tensorCoreEfficiency' }] });
    const arch = join(dir, 'arch.json');
    writeFileSync(arch, JSON.stringify(H100));
    expect((await cli('calibrate', trace, '--arch', arch, '-o', arch)).stderr).toMatch(/^error: .*-o/);
    expect((await cli('calibrate', trace, '--arch', 'h100', '-o', trace)).code).toBe(2);
    expect((await cli('calibrate', trace, '--arch', 'h100')).stderr).toMatch(/^error: calibrate needs -o/);
    expect((await cli('calibrate', trace, '-o', join(dir, 'x.json'))).stderr).toMatch(/^error: calibrate needs --arch/);
    const bare = join(dir, 'gemm-only.json');
    writeFileSync(bare, JSON.stringify(traceFrom(H100, (phase, bound) => phase === 'prefill' && bound === 'compute')));
    const refused = await cli('calibrate', bare, '--arch', 'h100', '-o', join(dir, 'no.json'));
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/gemm-only\.json: the traces cannot constrain dramBandwidthEfficiency/);
    expect(existsSync(join(dir, 'no.json'))).toBe(false);
  });
});

describe("calibrate under a software stack: its launch factors are fitted from the passes' GPU wall time", () => {
  const stack = loadStack(resolve(ROOT, 'stacks/gpu/pytorch-cudagraph.json'));
  const truthStack = { ...stack, calibration: { ...stack.calibration, graphKernelGapSeconds: { value: 2.5e-6, source: 'truth' } } };
  /** Kernel times of each op group on its first traced op; kernels spaced so the pass's wall time is the simulated step. */
  function stackTrace(): { traceEvents: object[] } {
    const dummy = passes(
      chromeTrace([
        { ops: PRE, kernelsUs: PRE.map(() => [1]) },
        { ops: DEC, kernelsUs: DEC.map(() => [1]) },
      ]),
    );
    return chromeTrace(
      dummy.map((p, i) => {
        const { run, groups } = simulatePass(p, H100, W16, { stack: truthStack });
        const ops = i === 0 ? PRE : DEC;
        const kernelsUs: number[][] = ops.map(() => []);
        for (const g of groups) if (g.traced.length) kernelsUs[g.traced[0]!]!.push(g.simulatedSeconds * 1e6);
        const n = kernelsUs.filter((k) => k.length).length;
        const busy = kernelsUs.flat().reduce((a, b) => a + b, 0);
        return { ops, kernelsUs, gapUs: (run.totals.seconds * 1e6 - busy) / (n - 1) };
      }),
    );
  }
  const ps = passes(stackTrace());
  it('the measured wall time of each pass is the step the truth simulates', () => {
    for (const p of ps) expect(p.wallSeconds! / simulatePass(p, H100, W16, { stack: truthStack }).run.totals.seconds).toBeCloseTo(1, 9);
  });
  it('graphKernelGapSeconds alone is recovered (arch factors fixed)', () => {
    const r = calibrate(ps, [], H100, W16, { stack, factors: ['graphKernelGapSeconds'] });
    expect(r.factors[0]).toMatchObject({ name: 'graphKernelGapSeconds', owner: 'stack', before: stack.calibration!['graphKernelGapSeconds']!.value });
    expect(r.factors[0]!.value / 2.5e-6).toBeCloseTo(1, 2);
    expect(r.stack!.calibration!['graphKernelGapSeconds']!.value).toBe(r.factors[0]!.value);
    expect(r.fit.after.steps!.every((s) => Math.abs(s.error!) < 0.01)).toBe(true);
  });
  it('hostStepSeconds with graphKernelGapSeconds on two steps of nearly one kernel count: one absorbs the other, refused', () => {
    const e = userError(() => calibrate(ps, [], H100, W16, { stack, factors: ['graphKernelGapSeconds', 'hostStepSeconds'] }));
    expect(e.message).toMatch(/^the traces cannot constrain (graphKernelGapSeconds|hostStepSeconds)/);
  });
  it('CLI: the stack factor goes to <out>.stack.json, which extends the stack and loads with simulate --stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calibrate-stack-'));
    const trace = join(dir, 'steps.json');
    writeFileSync(trace, JSON.stringify(stackTrace()));
    const out = join(dir, 'mine.json');
    const r = await cli('calibrate', trace, '--arch', 'h100', '--stack', 'pytorch-cudagraph', '--factors', 'graphKernelGapSeconds', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/steps \(GPU wall time, fit\): /);
    expect(existsSync(out)).toBe(false); // no arch factor fitted: no arch file
    const doc = JSON.parse(readFileSync(join(dir, 'mine.stack.json'), 'utf8')) as ConfigDoc;
    expect(doc.extends).toMatch(/stacks\/gpu\/pytorch-cudagraph\.json$/);
    expect(doc.calibration['graphKernelGapSeconds']!.value / 2.5e-6).toBeCloseTo(1, 2);
    const sim = await cli('simulate', '--arch', 'h100', '--stack', join(dir, 'mine.stack.json'), '--model', 'llama-2-7b', '--context', '512');
    expect(sim.code).toBe(0);
  });
  it('orthogonalNorm: a column parallel to another has none left; an orthogonal one keeps its length', () => {
    expect(
      orthogonalNorm(
        [
          [1, 2, 0],
          [2, 4, 0],
        ],
        1,
      ),
    ).toBeCloseTo(0, 12);
    expect(
      orthogonalNorm(
        [
          [1, 0, 0],
          [0, 3, 0],
        ],
        1,
      ),
    ).toBeCloseTo(3, 12);
  });
});
