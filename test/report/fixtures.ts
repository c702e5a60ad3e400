/**
 * Report inputs built by running the real pipeline (the engine, the generate path, the quant
 * codecs), so tests and the committed examples render what the tools actually produce. Only
 * bigSweep() is synthetic: it exists to time the rendering of 10,000 points, not to show results.
 */
import { loadModel } from '../../src/config/load.ts';
import { run, type RunResult } from '../../src/engine/run.ts';
import { simulateGenerate } from '../../src/engine/generate.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { fakeQuantize } from '../../src/quant/codec.ts';
import { isAccelscopeError } from '../../src/util/errors.ts';
import { setPointer } from '../../src/config/merge.ts';
import { GiB } from '../../src/util/units.ts';
import type { GenerateSeries, QuantComparison, QuantRow, RunInput, SweepLine } from '../../src/report/inputs.ts';
import { buildFor, makeArch, modelPath } from '../helpers.ts';

export const MODEL = 'qwen2-0.5b';
export const ARCH = 'gpu/h100-sxm';

export function runFixture(phase: 'prefill' | 'decode', quant = 'w16a16', batch = phase === 'prefill' ? 1 : 8): RunResult {
  const graph = phase === 'prefill' ? buildFor(MODEL, { phase, batch, seq: 512 }) : buildFor(MODEL, { phase, batch, context: 2048 });
  return run(graph, makeArch(ARCH), parseQuantScheme(quant));
}

export function generateFixture(): RunInput & { generate: GenerateSeries } {
  return simulateGenerate(loadModel(modelPath(MODEL)), makeArch(ARCH), parseQuantScheme('w16a16'), { batch: 4, prompt: 256, output: 1024 });
}

/**
 * A small real sweep of Qwen2-0.5B decode on H100 variants: main-memory bandwidth × capacity ×
 * batch × quant scheme. At the smallest capacity some points do not fit: run strictly, they are
 * infeasible (ok: false, the engine's reason); at the middle capacity they run with
 * ignoreCapacity and are recorded with fits: false.
 */
export function sweepFixture(): SweepLine[] {
  const lines: SweepLine[] = [];
  const bandwidths = [2.0e12, 3.35e12, 4.8e12];
  const capacities = [0.75 * GiB, 1.5 * GiB, 80 * GiB];
  const batches = [1, 8, 64];
  const quants = ['w16a16', 'w8a8', 'w4a16-g128'];
  const base = makeArch(ARCH);
  for (const bw of bandwidths)
    for (const cap of capacities)
      for (const batch of batches)
        for (const q of quants) {
          const index = lines.length;
          const params = { '/memory/bandwidthBps': bw, '/memory/capacityBytes': cap };
          const point = { params, quant: q, workload: { model: MODEL, phase: 'decode', batch, context: 1024 } };
          const id = `p${index}`;
          let arch = structuredClone(base);
          for (const [ptr, v] of Object.entries(params)) arch = setPointer(arch, ptr, v) as typeof arch;
          try {
            const r = run(buildFor(MODEL, { phase: 'decode', batch, context: 1024 }), arch, parseQuantScheme(q), { ignoreCapacity: cap > GiB });
            lines.push({
              id,
              index,
              point,
              ok: true,
              objectives: {
                latencySeconds: r.totals.seconds,
                tokensPerSecond: r.totals.tokensPerSecond,
                energyPerTokenJ: r.totals.energyPerTokenJ,
                memoryBytes: r.totals.memoryBytes,
                averagePowerW: r.totals.averagePowerW,
                fits: r.memory.fits,
              },
            });
          } catch (e) {
            if (!isAccelscopeError(e)) throw e;
            lines.push({ id, index, point, ok: false, reason: e.message });
          }
        }
  return lines;
}

/** Deterministic pseudo-random numbers (a 32-bit LCG) for synthetic data. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * SYNTHETIC: n sweep lines with three swept parameters and two objectives in tension, 1% of them
 * infeasible and 5% over capacity, for timing the report on a 10,000-point sweep.
 */
export function bigSweep(n: number): SweepLine[] {
  const rnd = lcg(12345);
  const lines: SweepLine[] = [];
  for (let i = 0; i < n; i++) {
    const bw = 1e12 + rnd() * 7e12;
    const units = [66, 100, 132, 144][Math.floor(rnd() * 4)]!;
    const batch = 2 ** Math.floor(rnd() * 8);
    const point = { params: { '/memory/bandwidthBps': bw, '/compute/sms': units }, workload: { batch } };
    if (rnd() < 0.01) {
      lines.push({ id: `s${i}`, index: i, point, ok: false, reason: 'synthetic infeasible point' });
      continue;
    }
    const latencySeconds = (batch * 1e-4) / units + (2e10 / bw) * (1 + 0.1 * rnd());
    const energyPerTokenJ = 0.01 * (units / 100) + (0.5 / batch) * (1 + 0.1 * rnd());
    lines.push({
      id: `s${i}`,
      index: i,
      point,
      ok: true,
      objectives: { latencySeconds, energyPerTokenJ, tokensPerSecond: batch / latencySeconds, fits: rnd() > 0.05 },
    });
  }
  return lines;
}

/** Gaussian sample (Box–Muller over the LCG), standing in for a weight matrix. */
function gaussian(n: number, seed: number): Float64Array {
  const rnd = lcg(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rnd()));
    const t = 2 * Math.PI * rnd();
    x[i] = r * Math.cos(t) * 0.02;
    if (i + 1 < n) x[i + 1] = r * Math.sin(t) * 0.02;
  }
  return x;
}

/**
 * A quant comparison in the shape `accelscope quant --json` writes: each scheme run through the
 * engine (Qwen2-0.5B decode on H100), its weight format's SQNR and relative error measured with the
 * bit-exact codecs on a Gaussian 256×256 sample. fp16 weights are the reference (error 0 → null).
 */
export function quantFixture(schemes = ['w16a16', 'w8a8', 'w4a16-g128', 'fp8', 'nvfp4', 'w2a16-g64']): QuantComparison {
  const arch = makeArch(ARCH);
  const sample = gaussian(256 * 256, 7);
  const signal = sample.reduce((s, v) => s + v * v, 0);
  const rows: QuantRow[] = schemes.map((name) => {
    const q = parseQuantScheme(name);
    const r = run(buildFor(MODEL, { phase: 'decode', batch: 8, context: 2048 }), arch, q, { ignoreCapacity: true });
    const deq = fakeQuantize(q.weights, sample, 256, 256);
    let noise = 0;
    for (let i = 0; i < sample.length; i++) noise += (sample[i]! - deq[i]!) ** 2;
    return {
      format: name,
      arch: ARCH,
      archName: arch.name,
      bitsPerWeight: q.weights.bitsPerElement,
      weightBytes: r.memory.weightsBytes,
      kvBytes: r.memory.kvCacheBytes,
      capacityBytes: r.memory.capacityBytes,
      fits: r.memory.fits,
      latencySeconds: r.totals.seconds,
      tokensPerSecond: r.totals.tokensPerSecond,
      energyPerTokenJ: r.totals.energyPerTokenJ,
      bound: r.classes.reduce((a, c) => (c.seconds > a.seconds ? c : a)).bound,
      sqnrDb: noise > 0 ? 10 * Math.log10(signal / noise) : null,
      relError: noise > 0 ? Math.sqrt(noise / signal) : null,
      supported: true,
    };
  });
  rows.push({ ...rows[0]!, format: 'w1a16 (unsupported)', supported: false, reason: 'no binary datapath on this arch', sqnrDb: null, relError: null });
  return { kind: 'quant-comparison', model: MODEL, phase: 'decode', batch: 8, context: 2048, rows };
}
