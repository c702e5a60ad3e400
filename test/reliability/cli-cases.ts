/**
 * The five property-test generators (arch configs, model configs, sweep specs, quant names, flag
 * sets) as command lines of the CLI: each case is the files it writes and its argv. The same
 * cases run in process through the CLI's entry (`main(argv, io)`, properties.test.ts) and, on a
 * sample, as real processes (properties-spawned.test.ts). `checkOutcome` is the property: exit 0
 * with a finite, physically possible result, or exit 2 with one line on stderr naming the file and
 * JSON pointer of the input at fault, nothing on stdout, no stack, no output file left behind.
 */
import fc from 'fast-check';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { archPath, modelPath, ROOT } from '../helpers.ts';

export const json = (f: string): unknown => JSON.parse(readFileSync(f, 'utf8'));

export const ARCHES = readdirSync(join(ROOT, 'arch-configs')).flatMap((d) => readdirSync(join(ROOT, 'arch-configs', d)).map((f) => `${d}/${f}`));
export const MODELS = ['gpt2', 'qwen2-0.5b', 'opt-1.3b', 'mixtral-8x7b', 'llama-2-7b', 'bitnet-b1.58-3b'];

/** What a case runs: files to write (path → text), the argv, the files it may write, what its stdout holds. */
export interface CliCase {
  files: Record<string, string>;
  argv: string[];
  /** Output files: present after success (then removed), absent after an error. */
  outputs: string[];
  /** The input file an error must name (with a JSON pointer) when the error concerns it. */
  inputFile?: string;
  stdout: 'run' | 'op-rows' | 'none';
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Interesting values for a number in a config: boundaries, signs, magnitudes, wrong types. */
export const anyValue = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 3, 7, 0.5, 1e-300, -1e-300, 1e300, Infinity, -Infinity, 2 ** 31, 2 ** 53, 4096, 4097, 1e12),
  fc.double({ noNaN: true, min: -1e6, max: 1e15 }),
  fc.integer({ min: -10, max: 1 << 20 }),
  fc.constantFrom('x', '', '__proto__', 'constructor', null, true, false, [], {}),
);

export function leafPointers(doc: unknown, at = ''): string[] {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => leafPointers(v, `${at}/${i}`));
  if (doc && typeof doc === 'object') return Object.entries(doc).flatMap(([k, v]) => leafPointers(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  return typeof doc === 'number' || typeof doc === 'string' || typeof doc === 'boolean' ? [at] : [];
}

export function setAt(doc: unknown, pointer: string, v: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
  Object.defineProperty(cur, parts[parts.length - 1]!, { value: v, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** JSON text of a value that may hold Infinity (written as 1e999, which JSON.parse reads back as Infinity). */
function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x === Infinity ? '__INF__' : x === -Infinity ? '__NINF__' : x))
    .replace(/"__INF__"/g, '1e999')
    .replace(/"__NINF__"/g, '-1e999');
}

const decode = (model: string, batch = 1, context = 16) => ['--model', model, '--phase', 'decode', '--batch', String(batch), '--context', String(context)];

/** Arch configs: a shipped config with 1–3 leaf values replaced, simulated on a small model. */
export function archCases(dir: string): fc.Arbitrary<CliCase> {
  const docs = ARCHES.map((a) => ({ doc: json(archPath(a)), leaves: leafPointers(json(archPath(a))), dir: join(ROOT, 'arch-configs', a.split('/')[0]!) }));
  const file = join(dir, 'arch.json');
  const html = join(dir, 'arch-run.html');
  return fc
    .tuple(
      fc.integer({ min: 0, max: docs.length - 1 }),
      fc.array(fc.tuple(fc.nat(), anyValue), { minLength: 1, maxLength: 3 }),
      fc.constantFrom('gpt2', 'qwen2-0.5b'),
      fc.boolean(),
    )
    .map(([i, edits, model, withHtml]) => {
      const base = docs[i]!;
      let doc: unknown = base.doc;
      for (const [n, v] of edits) doc = setAt(doc, base.leaves[n % base.leaves.length]!, v);
      // `extends` paths are relative to the file: keep them pointing at the shipped folder.
      const d = doc as Record<string, unknown>;
      if (typeof d['extends'] === 'string' && !d['extends'].startsWith('/')) d['extends'] = join(base.dir, d['extends']);
      return {
        files: { [file]: jsonText(doc) },
        argv: [
          'simulate',
          '--arch',
          file,
          ...decode(modelPath(model)),
          '--quant',
          'w16a16',
          '--ignore-capacity',
          '--json',
          ...(withHtml ? ['--html', html] : []),
        ],
        outputs: withHtml ? [html] : [],
        inputFile: file,
        stdout: 'run',
      };
    });
}

/** Model configs: a shipped HF config with 1–3 keys replaced, simulated on the H100. */
export function modelCases(dir: string): fc.Arbitrary<CliCase> {
  const keys = [
    'num_hidden_layers',
    'hidden_size',
    'num_attention_heads',
    'num_key_value_heads',
    'intermediate_size',
    'vocab_size',
    'head_dim',
    'num_local_experts',
    'num_experts_per_tok',
    'max_position_embeddings',
    'n_layer',
    'n_embd',
    'n_head',
    'ffn_dim',
    'model_type',
    'sliding_window',
    '__proto__',
    'constructor',
  ];
  const file = join(dir, 'model.json');
  return fc
    .tuple(
      fc.constantFrom(...MODELS),
      fc.array(fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.constantFrom(1, 2, 3, 4, 8, 64, 4095, 4096, 4097), anyValue)), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 64 }),
    )
    .map(([name, edits, batch]) => {
      const doc = json(modelPath(name)) as Record<string, unknown>;
      for (const [k, v] of edits) Object.defineProperty(doc, k, { value: v, enumerable: true, writable: true, configurable: true });
      return {
        files: { [file]: jsonText(doc) },
        argv: ['simulate', '--arch', archPath('gpu/h100-sxm'), ...decode(file, batch, 8), '--ignore-capacity', '--json'],
        outputs: [],
        inputFile: file,
        stdout: 'run',
      };
    });
}

/** Quant names: any text as `--quant` on three kinds of hardware. */
export function quantCases(): fc.Arbitrary<CliCase> {
  const arches = ['gpu/h100-sxm', 'fpga/u280-flightllm', 'lut/lut-tensor-core-a100'].map((a) => archPath(a));
  const name = fc.oneof(
    fc.stringMatching(/^w(16|8|6|4|3|2|1\.58|1)a(16|8|4)(-g(0|1|7|32|64|128|256|4096|4097|99999))?(-kv(16|8|4))?$/),
    fc.constantFrom('fp16', 'bf16', 'fp8', 'mxfp8', 'mxfp6', 'mxfp4', 'nvfp4', 'fp6', 'constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', ''),
    fc.string({ maxLength: 20 }),
  );
  return fc.tuple(name, fc.constantFrom(...arches)).map(([q, arch]) => ({
    files: {},
    // `--quant=…`: a name that starts with '-' is the value, not another flag.
    argv: ['simulate', '--arch', arch, ...decode(modelPath('qwen2-0.5b')), `--quant=${q}`, '--ignore-capacity', '--json'],
    outputs: [],
    stdout: 'run',
  }));
}

/** Sweep specs: generated parameters, workloads, quant lists, strategies and objectives; one shard of at most a few points runs. */
export function sweepCases(dir: string): fc.Arbitrary<CliCase> {
  const pointers = [
    '/gpu/sms',
    '/memory/bandwidthBps',
    '/memory/capacityBytes',
    '/gpu/clockHz',
    '/__proto__/x',
    '/constructor',
    '/gpu/tiles/1000000',
    '/calibration/tensorCoreEfficiency/value',
    '/nope',
  ];
  const param = fc
    .record({
      pointer: fc.constantFrom(...pointers),
      how: fc.oneof(
        fc.record({ values: fc.array(anyValue, { minLength: 1, maxLength: 3 }) }),
        fc.record({
          range: fc.record({ start: fc.constantFrom(1, 16, -5, 0), stop: fc.constantFrom(1, 64, 132, 1e12), step: fc.constantFrom(1, 16, 0.5, 0, -1) }),
        }),
        fc.record({ logRange: fc.record({ start: fc.constantFrom(1e11, 1, 0), stop: fc.constantFrom(1e13, 8, 1e9), num: fc.constantFrom(1, 3, 1e9, 0) }) }),
      ),
    })
    .map(({ pointer, how }) => ({ pointer, ...how }));
  const workload = fc
    .record({
      model: fc.constantFrom('gpt2', 'qwen2-0.5b', 'nope'),
      phase: fc.constantFrom('decode', 'prefill', 'generate'),
      batch: fc.constantFrom([1], [1, 4], [0]),
    })
    .map((w) => ({
      ...w,
      model: modelPath(w.model),
      ...(w.phase === 'decode' ? { context: [8] } : w.phase === 'prefill' ? { seq: [8] } : { prompt: [8], output: [4] }),
    }));
  const strategy = fc.oneof(
    fc.constant({ kind: 'grid' }),
    fc.record({ kind: fc.constant('random'), samples: fc.constantFrom(1, 5, 1e12, 0), seed: fc.integer() }),
    fc.record({ kind: fc.constant('pareto'), budget: fc.constantFrom(1, 2, 1e9) }),
  );
  const objectives = fc.array(
    fc.oneof(
      fc.constantFrom('latency', 'energy', 'memory', 'nope'),
      fc.record({
        name: fc.constantFrom('area', 'latencySeconds', 'fits', 'constructor'),
        pointer: fc.constantFrom('/gpu/sms', '/__proto__'),
        goal: fc.constantFrom('min', 'max'),
      }),
    ),
    { maxLength: 3 },
  );
  const file = join(dir, 'spec.json');
  const out = join(dir, 'sweep.jsonl');
  return fc
    .tuple(
      fc.array(param, { maxLength: 3 }),
      fc.array(workload, { minLength: 1, maxLength: 2 }),
      fc.array(fc.constantFrom('w16a16', 'w4a16-g128', 'fp8', 'constructor', 'w4a16-g4097'), { minLength: 1, maxLength: 2 }),
      strategy,
      objectives,
    )
    .map(([parameters, workloads, quant, strat, objs]) => ({
      files: {
        [file]: jsonText({ arch: archPath('gpu/h100-sxm'), parameters, quant, workloads, strategy: strat, ...(objs.length ? { objectives: objs } : {}) }),
      },
      // Grid and random sweeps run one shard (every 2^40-th point: the first); a Pareto search its budget (≤ 2 points, or refused).
      argv: ['sweep', file, '--out', out, '--workers', '1', ...(strat.kind === 'pareto' ? [] : ['--shard', `0/${2 ** 40}`])],
      outputs: [out],
      inputFile: file,
      stdout: 'none',
    }));
}

/** Flag sets: `op gemm` with generated flags. */
export function flagCases(dir: string): fc.Arbitrary<CliCase> {
  const html = join(dir, 'never.html');
  const dimVal = fc.oneof(
    fc.constantFrom('1', '0', '-1', '4096', '4097', '1e3', '1.5', 'x', '', '1,2', '__proto__', '99999999999'),
    fc.integer({ min: 1, max: 70000 }).map(String),
  );
  return fc
    .record({
      m: dimVal,
      n: dimVal,
      k: dimVal,
      dtype: fc.constantFrom('fp16', 'bf16', 'fp8', 'int8', 'tf32', 'fp32', '__proto__', 'constructor', 'fp4'),
      weights: fc.option(fc.constantFrom('int4-g128', 'int4-g4097', 'nvfp4', 'mxfp4', 'ternary', 'valueOf', 'int9'), { nil: undefined }),
      batch: fc.option(dimVal, { nil: undefined }),
      l2: fc.option(fc.constantFrom('flushed', 'cold', 'hot'), { nil: undefined }),
      extra: fc.option(fc.constantFrom(['--bogus'], ['--json', '--json'], ['--phase', 'decode'], ['--m', '2']), { nil: undefined }),
    })
    .map((f) => {
      const argv = ['op', 'gemm', '--m', f.m, '--n', f.n, '--k', f.k, '--dtype', f.dtype, '--arch', archPath('gpu/h100-sxm'), '--json'];
      if (f.weights) argv.push('--weights', f.weights);
      if (f.batch) argv.push('--batch', f.batch);
      if (f.l2) argv.push('--l2', f.l2);
      if (f.extra) argv.push(...f.extra);
      return { files: {}, argv, outputs: [html], stdout: 'op-rows' as const };
    });
}

export const GENERATORS = { arch: archCases, model: modelCases, sweep: sweepCases, quant: () => quantCases(), flags: flagCases } as const;

export function writeCase(c: CliCase): void {
  for (const o of c.outputs) rmSync(o, { force: true });
  for (const [f, text] of Object.entries(c.files)) writeFileSync(f, text);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** The property: a finite positive result, or one clean error. Removes the outputs of a success. */
export function checkOutcome(c: CliCase, r: Outcome, dir: string): void {
  const what = c.argv.join(' ');
  if (r.code === 0) {
    if (c.stdout === 'run') {
      const t = JSON.parse(r.stdout) as { totals: Record<string, number>; ops?: { seconds: number; utilization: number }[] };
      for (const k of ['seconds', 'rooflineSeconds', 'energyJ', 'energyPerTokenJ', 'averagePowerW', 'tokensPerSecond'])
        expect(positive(t.totals[k]), `${k} = ${t.totals[k]} (${what})`).toBe(true);
      for (const k of ['flops', 'bytes', 'memoryBytes']) expect(Number.isFinite(t.totals[k]) && t.totals[k]! >= 0, `${k} (${what})`).toBe(true);
      for (const o of t.ops ?? []) {
        expect(positive(o.seconds), what).toBe(true);
        expect(o.utilization >= 0 && o.utilization <= 1 + 1e-9, what).toBe(true);
      }
    } else if (c.stdout === 'op-rows') {
      for (const row of JSON.parse(r.stdout) as { seconds: number; utilization: number; energyPj: Record<string, number> }[]) {
        expect(positive(row.seconds), what).toBe(true);
        expect(row.utilization >= 0 && row.utilization <= 1 + 1e-9, what).toBe(true);
        expect(
          Object.values(row.energyPj).every((e) => Number.isFinite(e) && e >= 0),
          what,
        ).toBe(true);
      }
    } else {
      expect(r.stdout, what).toBe('');
      for (const out of c.outputs) {
        const text = readFileSync(out, 'utf8');
        for (const line of text.split('\n').filter(Boolean)) {
          const l = JSON.parse(line) as { ok: boolean; reason?: string; objectives?: Record<string, number> };
          if (l.ok) for (const k of ['latencySeconds', 'energyPerTokenJ', 'tokensPerSecond']) expect(positive(l.objectives![k]), `${k} (${what})`).toBe(true);
          else expect(typeof l.reason, what).toBe('string');
        }
      }
    }
    for (const o of c.outputs) rmSync(o, { force: true });
  } else {
    expect(r.code, `${what}\n${r.stderr}`).toBe(2);
    expect(r.stdout, what).toBe('');
    expect(r.stderr, what).toMatch(/^error: [^\n]*\n$/);
    expect(r.stderr, what).not.toMatch(/\n\s+at /);
    // An error in a generated file names the file and the JSON pointer (or line) of the fault.
    if (c.inputFile) expect(r.stderr, what).toMatch(new RegExp(`^error: ${escape(c.inputFile)}: (/|line \\d)|^error: [^:]+\\.json: /`));
    for (const o of c.outputs) expect(existsSync(o), `${o} after an error (${what})`).toBe(false);
  }
  // Nothing half-written: no temporary or partial files left in the case's folder.
  expect(
    readdirSync(dir).filter((f) => /\.tmp|\.partial$|\.lock$/.test(f)),
    what,
  ).toEqual([]);
}
