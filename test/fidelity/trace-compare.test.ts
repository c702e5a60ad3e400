/**
 * trace compare: synthetic traces with known kernel durations (synthetic-trace.ts) give exact
 * per-op errors, error statistics and totals; the real H100 fixture's kernels are each counted
 * once; the CLI's text, --json, --html and its errors.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { archPath, cli, FIXTURES } from '../helpers.ts';
import { chromeTrace, decoderPassOps, type DecoderShape, type SynthOp } from './synthetic-trace.ts';
import { parseTrace } from '../../src/workload/import/trace-read.ts';
import { importTraceData } from '../../src/workload/import/trace-import.ts';
import { importTrace } from '../../src/workload/import/index.ts';
import { measuredPasses, type MeasuredPass } from '../../src/fidelity/measured-ops.ts';
import { compareTrace, TOP_OPS } from '../../src/fidelity/trace-compare.ts';
import { summarizeErrors } from '../../src/fidelity/error-stats.ts';
import { loadArch, loadQuant } from '../../src/config/load.ts';
import { simulatePass } from '../../src/fidelity/simulate-pass.ts';

const SHAPE: DecoderShape = { batch: 2, qLen: 16, kvLen: 16, hidden: 256, heads: 8, kvHeads: 2, headDim: 32, inter: 512, vocab: 1000, layers: 2 };
const H100 = loadArch(archPath('gpu/h100-sxm'));
const W16 = loadQuant('w16a16');

function passesOf(doc: object, file = 'synthetic.json'): MeasuredPass[] {
  return measuredPasses(importTraceData(parseTrace(doc), file), file);
}

/** Simulated seconds of each op of a pass (independent of the measured durations). */
function simulatedOf(ops: SynthOp[]): number[] {
  const [p] = passesOf(chromeTrace([{ ops, kernelsUs: ops.map(() => [1]) }]));
  return simulatePass(p!, H100, W16).run.ops.map((o) => o.seconds);
}

describe('summarizeErrors', () => {
  it('median and p90 of |error| interpolate between closest ranks; nulls are skipped', () => {
    const s = summarizeErrors([0.1, -0.2, null, 0.3, -0.4, 0.5]);
    expect(s.n).toBe(5);
    expect(s.medianAbs).toBeCloseTo(0.3, 15);
    expect(s.p90Abs).toBeCloseTo(0.4 + 0.6 * 0.1, 15); // rank 0.9·4 = 3.6 between 0.4 and 0.5
    expect(s.maxAbs).toBe(0.5);
    expect(s.medianSigned).toBeCloseTo(0.1, 15);
    expect(summarizeErrors([null]).n).toBe(0);
  });
});

describe('compareTrace on a synthetic trace with known kernel times', () => {
  const ops = decoderPassOps(SHAPE);
  const sim = simulatedOf(ops);
  // Errors −15% … +15% in 1% steps: measured = simulated / (1 + e).
  const errs = ops.map((_, i) => (i - 15) / 100);
  const meas = sim.map((s, i) => s / (1 + errs[i]!));
  const doc = chromeTrace([{ ops, kernelsUs: meas.map((m) => [m * 1e6]) }]);
  const cmp = compareTrace(passesOf(doc), H100, W16);

  it('matches every op of the pass with its measured kernel time and gives its exact error', () => {
    expect(ops).toHaveLength(31);
    expect(cmp.ops).toHaveLength(31);
    cmp.ops.forEach((o, i) => {
      expect(o.measuredSeconds).toBeCloseTo(meas[i]!, 15);
      expect(o.simulatedSeconds).toBe(sim[i]);
      expect(o.error!).toBeCloseTo(errs[i]!, 9);
    });
    expect(cmp.ops[2]).toMatchObject({ id: 'L0.q_proj', frameworkOps: ['aten::linear'], kind: 'gemm' });
  });
  it('median |error| 8%, p90 14%, max 15% (31 errors: 0, ±1% … ±15%)', () => {
    expect(cmp.errors.n).toBe(31);
    expect(cmp.errors.medianAbs).toBeCloseTo(0.08, 9);
    expect(cmp.errors.p90Abs).toBeCloseTo(0.14, 9);
    expect(cmp.errors.maxAbs).toBeCloseTo(0.15, 9);
    expect(cmp.errors.medianSigned).toBeCloseTo(0, 9);
  });
  it('totals are the sums over measured ops, and their error their ratio', () => {
    const m = meas.reduce((a, b) => a + b, 0);
    const s = sim.reduce((a, b) => a + b, 0);
    expect(cmp.totals.measuredSeconds).toBeCloseTo(m, 15);
    expect(cmp.totals.simulatedSeconds).toBeCloseTo(s, 15);
    expect(cmp.totals.error!).toBeCloseTo(s / m - 1, 9);
    expect(cmp.passes).toHaveLength(1);
    expect(cmp.passes[0]).toMatchObject({ phase: 'prefill', batch: 2, seq: 16, tokens: 32 });
  });
  it('the ten ops that differ most, by |simulated − measured| seconds, largest first', () => {
    const diff = cmp.ops.map((o, i) => ({ id: o.id, d: Math.abs(sim[i]! - meas[i]!) })).sort((a, b) => b.d - a.d);
    expect(cmp.top.map((o) => o.id)).toEqual(diff.slice(0, TOP_OPS).map((x) => x.id));
  });
  it('ops grouped by name sum over layers', () => {
    const q = cmp.groups.find((g) => g.phase === 'prefill' && g.name === 'q_proj')!;
    expect(q.ops).toBe(2);
    expect(q.measuredSeconds).toBeCloseTo(meas[2]! + meas[16]!, 15);
    expect(q.error!).toBeCloseTo((sim[2]! + sim[16]!) / (meas[2]! + meas[16]!) - 1, 9);
  });
});

describe('kernels under an op', () => {
  const dec = decoderPassOps({ ...SHAPE, qLen: 1, kvLen: 17 });
  it('several kernels under one op are summed; an op with none is listed, not in the statistics or totals', () => {
    const kernels = dec.map((_, i) => (i === 3 ? [] : [10, 2.5]));
    const cmp = compareTrace(passesOf(chromeTrace([{ ops: dec, kernelsUs: kernels }])), H100, W16);
    expect(cmp.passes[0]).toMatchObject({ phase: 'decode', batch: 2, context: 16 });
    expect(cmp.ops[0]!.measuredSeconds).toBeCloseTo(12.5e-6, 15);
    expect(cmp.ops[3]!.error).toBeNull();
    expect(cmp.totals.unmeasuredOps).toBe(1);
    expect(cmp.errors.n).toBe(30);
    expect(cmp.totals.measuredSeconds).toBeCloseTo(30 * 12.5e-6, 15);
    expect(cmp.totals.simulatedSeconds).toBeCloseTo(
      cmp.ops.filter((_, i) => i !== 3).reduce((a, o) => a + o.simulatedSeconds, 0),
      15,
    );
  });
  it('two passes (prefill then decode, split at the embedding) are compared each', () => {
    const pre = decoderPassOps(SHAPE);
    const cmp = compareTrace(
      passesOf(
        chromeTrace([
          { ops: pre, kernelsUs: pre.map(() => [3]) },
          { ops: dec, kernelsUs: dec.map(() => [2]) },
        ]),
      ),
      H100,
      W16,
    );
    expect(cmp.passes.map((p) => [p.phase, p.measuredSeconds])).toEqual([
      ['prefill', expect.closeTo(31 * 3e-6, 15)],
      ['decode', expect.closeTo(31 * 2e-6, 15)],
    ]);
    expect(cmp.errors.n).toBe(62);
  });
});

describe('the real H100 trace (test/fixtures)', () => {
  const file = resolve(FIXTURES, 'traces/trace_tinyllama_2layer_prefill64_decode1.json');
  it('every GPU kernel of the trace is counted once: on a compared op or as not imported', () => {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: { cat?: string; dur?: number; ph?: string }[] };
    const gpuUs = doc.traceEvents
      .filter((e) => e.ph === 'X' && (e.cat === 'kernel' || e.cat === 'gpu_memset' || e.cat === 'gpu_memcpy'))
      .reduce((a, e) => a + e.dur!, 0);
    const cmp = compareTrace(measuredPasses(importTrace(file), file), H100, W16);
    const measuredAll = cmp.ops.reduce((a, o) => a + o.measuredSeconds, 0);
    expect(measuredAll + cmp.totals.unplacedSeconds).toBeCloseTo(gpuUs * 1e-6, 12);
    expect(cmp.passes.map((p) => p.phase)).toEqual(['prefill', 'decode']);
    expect(cmp.errors.n).toBe(98);
  });
});

describe('accelscope trace compare', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-compare-'));
  const ops = decoderPassOps(SHAPE);
  const tracePath = join(dir, 'synthetic.json');
  writeFileSync(tracePath, JSON.stringify(chromeTrace([{ ops, kernelsUs: ops.map(() => [5]) }])));

  it('text: passes, ops by name, the ten that differ most, the error statistics and totals', async () => {
    const r = await cli('trace', 'compare', tracePath, '--arch', 'h100');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ops by name \(summed over layers\)/);
    expect(r.stdout).toMatch(/the 10 ops that differ most/);
    expect(r.stdout).toMatch(/error over 31 measured ops: median \|error\| [\d.]+%, p90 [\d.]+%/);
    expect(r.stdout).toMatch(/totals: measured 155 µs, simulated/);
  });
  it('--json is the comparison; --html writes an offline report', async () => {
    const html = join(dir, 'cmp.html');
    const r = await cli('trace', 'compare', tracePath, '--arch', 'h100', '--json', '--html', html);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { ops: unknown[]; top: unknown[]; totals: { measuredSeconds: number } };
    expect(j).toMatchObject({ kind: 'trace-comparison', arch: { kind: 'gpu-tensor-core' }, quant: 'w16a16', errors: { n: 31 } });
    expect(j.ops).toHaveLength(31);
    expect(j.top).toHaveLength(10);
    expect(j.totals.measuredSeconds).toBeCloseTo(155e-6, 15);
    expect(r.stderr).toMatch(/wrote .*cmp\.html .*trace comparison report/);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/Content-Security-Policy/);
    expect(page).toMatch(/L0\.q_proj/);
  });
  it('errors: no --arch, a trace without kernels, --html onto the trace, -o missing for import', async () => {
    const noArch = await cli('trace', 'compare', tracePath);
    expect(noArch.code).toBe(2);
    expect(noArch.stderr).toMatch(/^error: trace compare needs --arch/);
    const bare = join(dir, 'no-kernels.json');
    const doc = chromeTrace([{ ops, kernelsUs: ops.map(() => []) }]);
    writeFileSync(bare, JSON.stringify(doc));
    const nk = await cli('trace', 'compare', bare, '--arch', 'h100');
    expect(nk.code).toBe(2);
    expect(nk.stderr).toMatch(/no-kernels\.json: \/traceEvents: the trace has no GPU kernels/);
    const self = await cli('trace', 'compare', tracePath, '--arch', 'h100', '--html', tracePath);
    expect(self.code).toBe(2);
    expect(self.stderr).not.toMatch(/\n\s+at /);
    const imp = await cli('trace', 'import', tracePath);
    expect(imp.code).toBe(2);
    expect(imp.stderr).toMatch(/trace import needs -o/);
    expect(existsSync(join(dir, 'cmp2.html'))).toBe(false);
  });
});
