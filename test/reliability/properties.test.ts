/**
 * Property tests (fast-check): generated arch configs, model configs, sweep specs, quant names
 * and flag sets — ACCELSCOPE_PROPERTY_RUNS each (default 1,000) — driven in process through the
 * loaders and the engine (the flag sets through the CLI entry itself). Every case ends in a
 * finite, physically possible result or in one clean user error (an AccelscopeError: one line,
 * naming the file and JSON pointer where it concerns a file); never in a bug (any other
 * exception), and Object.prototype is unchanged after every case.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archPath, cli, modelPath, ROOT } from '../helpers.ts';
import { validateArch, loadArch } from '../../src/config/load.ts';
import { normalizeModelConfig } from '../../src/workload/model-config.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { run, type RunResult } from '../../src/engine/run.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { AccelscopeError, isAccelscopeError } from '../../src/util/errors.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';
import { SweepContext, evaluatePoint } from '../../src/sweep/evaluate.ts';
import { sampleIndices } from '../../src/sweep/points.ts';

const RUNS = Number(process.env['ACCELSCOPE_PROPERTY_RUNS'] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'accelscope-prop-'));
const json = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

const ARCHES = readdirSync(join(ROOT, 'arch-configs')).flatMap((d) => readdirSync(join(ROOT, 'arch-configs', d)).map((f) => `${d}/${f}`));
const MODELS = ['gpt2', 'qwen2-0.5b', 'opt-1.3b', 'mixtral-8x7b', 'llama-2-7b', 'bitnet-b1.58-3b'];
const PROTO_BEFORE = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

function protoUnchanged(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTO_BEFORE);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

/** A clean user error: an AccelscopeError whose printed line is one line (naming `file` when given). */
function cleanError(e: unknown, file?: string): void {
  if (!isAccelscopeError(e)) throw e; // a bug: fails the property with its stack
  const line = e.toLine();
  expect(line.includes('\n')).toBe(false);
  if (file && e.code === 'schema') {
    expect(e.file).toBe(file);
    expect(e.pointer).toBeDefined();
  }
}

/** Finite everywhere; times, energies and rates > 0; utilizations in [0, 1]. */
function plausible(r: RunResult): void {
  const t = r.totals;
  for (const k of ['seconds', 'rooflineSeconds', 'energyJ', 'energyPerTokenJ', 'averagePowerW', 'tokensPerSecond'] as const) {
    expect(Number.isFinite(t[k]) && t[k] > 0, `${k} = ${t[k]}`).toBe(true);
  }
  for (const k of ['flops', 'bytes', 'memoryBytes'] as const) expect(Number.isFinite(t[k]) && t[k] >= 0).toBe(true);
  for (const o of r.ops) {
    expect(Number.isFinite(o.seconds) && o.seconds > 0).toBe(true);
    expect(o.utilization >= 0 && o.utilization <= 1 + 1e-9).toBe(true);
  }
}

/** Interesting values for a number in a config: boundaries, signs, magnitudes, wrong types. */
const anyValue = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 3, 7, 0.5, 1e-300, -1e-300, 1e300, Infinity, -Infinity, 2 ** 31, 2 ** 53, 4096, 4097, 1e12),
  fc.double({ noNaN: true, min: -1e6, max: 1e15 }),
  fc.integer({ min: -10, max: 1 << 20 }),
  fc.constantFrom('x', '', '__proto__', 'constructor', null, true, false, [], {}),
);

function leafPointers(doc: unknown, at = ''): string[] {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => leafPointers(v, `${at}/${i}`));
  if (doc && typeof doc === 'object') return Object.entries(doc).flatMap(([k, v]) => leafPointers(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  return typeof doc === 'number' || typeof doc === 'string' || typeof doc === 'boolean' ? [at] : [];
}

function setAt(doc: unknown, pointer: string, v: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
  Object.defineProperty(cur, parts[parts.length - 1]!, { value: v, enumerable: true, writable: true, configurable: true });
  return copy;
}

const graphs = new Map<string, ReturnType<typeof buildGraph>>();
function smallGraph(name: string) {
  let g = graphs.get(name);
  if (!g) graphs.set(name, (g = buildGraph(normalizeModelConfig(json(modelPath(name)), name), { phase: 'decode', batch: 1, context: 16 })));
  return g;
}

describe(`property tests (${RUNS} cases each)`, () => {
  it('arch configs: a shipped config with 1–3 values replaced runs to a plausible result or a clean error naming the file and pointer', () => {
    const docs = ARCHES.map((a) => ({ name: a, doc: json(archPath(a)), leaves: leafPointers(json(archPath(a))) }));
    const w16 = parseQuantScheme('w16a16');
    fc.assert(fc.property(
      fc.integer({ min: 0, max: docs.length - 1 }),
      fc.array(fc.tuple(fc.nat(), anyValue), { minLength: 1, maxLength: 3 }),
      fc.constantFrom('gpt2', 'qwen2-0.5b'),
      (i, edits, model) => {
        const base = docs[i]!;
        let doc: unknown = base.doc;
        for (const [n, v] of edits) doc = setAt(doc, base.leaves[n % base.leaves.length]!, v);
        try {
          const arch = validateArch(doc, 'arch.json');
          plausible(run(smallGraph(model), arch, w16, { ignoreCapacity: true }));
        } catch (e) {
          cleanError(e, 'arch.json');
        }
        protoUnchanged();
      },
    ), { numRuns: RUNS, seed: 21 });
  }, 600_000);

  it('model configs: a shipped model with sizes replaced builds and runs plausibly or is a clean error naming the file and pointer', () => {
    const h100 = loadArch(archPath('gpu/h100-sxm'));
    const w16 = parseQuantScheme('w16a16');
    const keys = ['num_hidden_layers', 'hidden_size', 'num_attention_heads', 'num_key_value_heads', 'intermediate_size', 'vocab_size', 'head_dim',
      'num_local_experts', 'num_experts_per_tok', 'max_position_embeddings', 'n_layer', 'n_embd', 'n_head', 'ffn_dim', 'model_type', 'sliding_window', '__proto__', 'constructor'];
    fc.assert(fc.property(
      fc.constantFrom(...MODELS),
      fc.array(fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.constantFrom(1, 2, 3, 4, 8, 64, 4095, 4096, 4097), anyValue)), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 64 }),
      (name, edits, batch) => {
        const doc = json(modelPath(name));
        for (const [k, v] of edits) Object.defineProperty(doc, k, { value: v, enumerable: true, writable: true, configurable: true });
        try {
          const spec = normalizeModelConfig(JSON.parse(JSON.stringify(doc)), 'model.json');
          if (spec.layers > 48) return; // valid; running thousands of layers is slow here, and the load-time bound is what is under test
          plausible(run(buildGraph(spec, { phase: 'decode', batch, context: 8 }), h100, w16, { ignoreCapacity: true }));
        } catch (e) {
          cleanError(e, 'model.json');
        }
        protoUnchanged();
      },
    ), { numRuns: RUNS, seed: 22 });
  }, 600_000);

  it('quant names: any text is a scheme that runs plausibly (or is infeasible) or a clean bad-quant error', () => {
    const arches = ['gpu/h100-sxm', 'fpga/u280-flightllm', 'lut/lut-tensor-core-a100'].map((a) => loadArch(archPath(a)));
    const name = fc.oneof(
      fc.stringMatching(/^w(16|8|6|4|3|2|1\.58|1)a(16|8|4)(-g(0|1|7|32|64|128|256|4096|4097|99999))?(-kv(16|8|4))?$/),
      fc.constantFrom('fp16', 'bf16', 'fp8', 'mxfp8', 'mxfp6', 'mxfp4', 'nvfp4', 'fp6', 'constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', ''),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(fc.property(name, fc.integer({ min: 0, max: arches.length - 1 }), (q, a) => {
      try {
        plausible(run(smallGraph('qwen2-0.5b'), arches[a]!, parseQuantScheme(q), { ignoreCapacity: true }));
      } catch (e) {
        cleanError(e);
        expect(['bad-quant', 'unknown-format', 'infeasible', 'unsupported']).toContain((e as AccelscopeError).code);
      }
      protoUnchanged();
    }), { numRuns: RUNS, seed: 23 });
  }, 600_000);

  it('sweep specs: a generated spec loads or is a clean error naming the spec and pointer; sampled points are plausible or recorded infeasible', () => {
    const pointers = ['/gpu/sms', '/memory/bandwidthBps', '/memory/capacityBytes', '/gpu/clockHz', '/__proto__/x', '/constructor', '/gpu/tiles/1000000', '/calibration/tensorCoreEfficiency/value', '/nope'];
    const param = fc.record({
      pointer: fc.constantFrom(...pointers),
      how: fc.oneof(
        fc.record({ values: fc.array(anyValue, { minLength: 1, maxLength: 3 }) }),
        fc.record({ range: fc.record({ start: fc.constantFrom(1, 16, -5, 0), stop: fc.constantFrom(1, 64, 132, 1e12), step: fc.constantFrom(1, 16, 0.5, 0, -1) }) }),
        fc.record({ logRange: fc.record({ start: fc.constantFrom(1e11, 1, 0), stop: fc.constantFrom(1e13, 8, 1e9), num: fc.constantFrom(1, 3, 1e9, 0) }) }),
      ),
    }).map(({ pointer, how }) => ({ pointer, ...how }));
    const workload = fc.record({ model: fc.constantFrom('gpt2', 'qwen2-0.5b', 'nope'), phase: fc.constantFrom('decode', 'prefill', 'generate'), batch: fc.constantFrom([1], [1, 4], [0]) })
      .map((w) => ({ ...w, model: modelPath(w.model), ...(w.phase === 'decode' ? { context: [8] } : w.phase === 'prefill' ? { seq: [8] } : { prompt: [8], output: [4] }) }));
    const strategy = fc.oneof(
      fc.constant({ kind: 'grid' }),
      fc.record({ kind: fc.constant('random'), samples: fc.constantFrom(1, 5, 1e12, 0), seed: fc.integer() }),
      fc.record({ kind: fc.constant('pareto'), budget: fc.constantFrom(1, 10, 1e9) }),
    );
    const objectives = fc.array(fc.oneof(fc.constantFrom('latency', 'energy', 'memory', 'nope'), fc.record({ name: fc.constantFrom('area', 'latencySeconds', 'fits', 'constructor'), pointer: fc.constantFrom('/gpu/sms', '/__proto__'), goal: fc.constantFrom('min', 'max') })), { maxLength: 3 });
    const file = join(dir, 'spec.json');
    fc.assert(fc.property(fc.array(param, { maxLength: 3 }), fc.array(workload, { minLength: 1, maxLength: 2 }), fc.array(fc.constantFrom('w16a16', 'w4a16-g128', 'fp8', 'constructor', 'w4a16-g4097'), { minLength: 1, maxLength: 2 }), strategy, objectives, (parameters, workloads, quant, strat, objs) => {
      writeFileSync(file, JSON.stringify({ arch: archPath('gpu/h100-sxm'), parameters, quant, workloads, strategy: strat, ...(objs.length ? { objectives: objs } : {}) }));
      try {
        const spec = loadSweepSpec(file);
        const ctx = new SweepContext(spec);
        for (const i of sampleIndices(ctx.space.size, 2, 1)) {
          const l = evaluatePoint(ctx, i);
          if (l.ok) for (const k of ['latencySeconds', 'energyPerTokenJ', 'tokensPerSecond'] as const) expect(Number.isFinite(l.objectives![k]) && (l.objectives![k] as number) > 0).toBe(true);
          else expect(typeof l.reason).toBe('string');
        }
      } catch (e) {
        cleanError(e, file);
        expect((e as AccelscopeError).file).toBeDefined();
      }
      protoUnchanged();
    }), { numRuns: RUNS, seed: 24 });
  }, 600_000);

  it('flag sets: `op gemm` with generated flags through the CLI entry exits 0 with plausible JSON or 2 with one line, nothing on stdout, no stack, no file written', async () => {
    const h100 = archPath('gpu/h100-sxm');
    const html = join(dir, 'never.html');
    const dimVal = fc.oneof(fc.constantFrom('1', '0', '-1', '4096', '4097', '1e3', '1.5', 'x', '', '1,2', '__proto__', '99999999999'), fc.integer({ min: 1, max: 70000 }).map(String));
    const flags = fc.record({
      m: dimVal, n: dimVal, k: dimVal,
      dtype: fc.constantFrom('fp16', 'bf16', 'fp8', 'int8', 'tf32', 'fp32', '__proto__', 'constructor', 'fp4'),
      weights: fc.option(fc.constantFrom('int4-g128', 'int4-g4097', 'nvfp4', 'mxfp4', 'ternary', 'valueOf', 'int9'), { nil: undefined }),
      batch: fc.option(dimVal, { nil: undefined }),
      l2: fc.option(fc.constantFrom('flushed', 'cold', 'hot'), { nil: undefined }),
      extra: fc.option(fc.constantFrom(['--bogus'], ['--json', '--json'], ['--phase', 'decode'], ['--m', '2']), { nil: undefined }),
    });
    await fc.assert(fc.asyncProperty(flags, async (f) => {
      const argv = ['op', 'gemm', '--m', f.m, '--n', f.n, '--k', f.k, '--dtype', f.dtype, '--arch', h100, '--json'];
      if (f.weights) argv.push('--weights', f.weights);
      if (f.batch) argv.push('--batch', f.batch);
      if (f.l2) argv.push('--l2', f.l2);
      if (f.extra) argv.push(...f.extra);
      const r = await cli(...argv);
      if (r.code === 0) {
        for (const row of JSON.parse(r.stdout) as { seconds: number; utilization: number; energyPj: Record<string, number> }[]) {
          expect(Number.isFinite(row.seconds) && row.seconds > 0).toBe(true);
          expect(row.utilization >= 0 && row.utilization <= 1 + 1e-9).toBe(true);
          expect(Object.values(row.energyPj).every((e) => Number.isFinite(e) && e >= 0)).toBe(true);
        }
      } else {
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/^error: [^\n]*\n$/);
      }
      expect(existsSync(html)).toBe(false);
      protoUnchanged();
    }), { numRuns: RUNS, seed: 25 });
  }, 1_200_000);
});
