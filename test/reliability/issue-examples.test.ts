/**
 * Every example of issue #21, one test each: each failed (crash with a stack, a hang, a silent
 * NaN/negative/Infinity, a lost file) before the fix and is a clean answer or a one-line error now.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archPath, cli, modelPath, userError } from '../helpers.ts';
import { loadArch } from '../../src/config/load.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { loadModel } from '../../src/config/load.ts';
import { run } from '../../src/engine/run.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { gpuTensorCoreModel } from '../../src/hw/gpu-tensor-core/model.ts';
import { ImplausibleResultError } from '../../src/engine/sanity.ts';
import { inlineFunctions, importOnnxModel, MAX_ONNX_NODES } from '../../src/workload/import/onnx-import.ts';
import type { OnnxModel, OnnxNode } from '../../src/workload/import/onnx-proto.ts';
import { importTraceData } from '../../src/workload/import/trace-import.ts';
import { parseTrace, readTrace } from '../../src/workload/import/trace-read.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';
import { PointSpace, sampleIndices, uniformBelow, prng32 } from '../../src/sweep/points.ts';
import { SweepContext, evaluatePoint } from '../../src/sweep/evaluate.ts';
import { setPointer, deepMerge } from '../../src/config/merge.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-i21-'));
const H100 = archPath('gpu/h100-sxm');
const LLAMA = modelPath('llama-2-7b');
const json = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const put = (name: string, v: unknown) => {
  const f = join(dir, name);
  mkdirSync(join(f, '..'), { recursive: true });
  writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
  return f;
};
/** A user error: exit 2, one line naming what is wrong, nothing on stdout, no stack. */
function expectOneLine(r: { code: number; stdout: string; stderr: string }, re: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toMatch(re);
}

describe('runaway sizes are refused at load, in milliseconds', () => {
  it('num_hidden_layers 10^12 (was: simulate ran for minutes)', async () => {
    const m = put('huge.json', { ...json(LLAMA), num_hidden_layers: 1e12 });
    expectOneLine(await cli('simulate', '--arch', H100, '--model', m, '--context', '8'), /huge\.json: \/num_hidden_layers: must be ≤/);
  });

  it('the layer bound: 4096 layers load, 4097 do not', () => {
    expect(loadModel(put('l4096.json', { ...json(LLAMA), num_hidden_layers: 4096 })).layers).toBe(4096);
    expect(userError(() => loadModel(put('l4097.json', { ...json(LLAMA), num_hidden_layers: 4097 }))).toLine()).toMatch(/\/num_hidden_layers: must be ≤ 4096/);
  });

  it('a sweep range of 10^12 steps and a logRange of num 10^9 are spec errors (was: V8 fatal error)', () => {
    const base = { arch: H100, workloads: [{ model: LLAMA, phase: 'decode', batch: [1], context: [8] }] };
    const a = put('range.json', { ...base, parameters: [{ pointer: '/gpu/sms', range: { start: 1, stop: 1e12, step: 1 } }] });
    expect(userError(() => loadSweepSpec(a)).toLine()).toMatch(/\/parameters\/0\/range: gives 1000000000000 values; a parameter takes at most 100000/);
    const b = put('log.json', { ...base, parameters: [{ pointer: '/gpu/sms', logRange: { start: 1, stop: 100, num: 1e9 } }] });
    expect(userError(() => loadSweepSpec(b)).toLine()).toMatch(/\/parameters\/0\/logRange: gives 1000000000 values/);
    const ok = put('range-ok.json', { ...base, parameters: [{ pointer: '/gpu/sms', range: { start: 1, stop: 100000, step: 1 } }] });
    expect(new PointSpace(loadSweepSpec(ok)).size).toBe(100000);
  });

  it('PIM accumulatorRegisters 10^9 is a schema error (was: a hang)', () => {
    const doc = json(archPath('pim/hbm-pim-aquabolt-xl'));
    doc.pim.unit.accumulatorRegisters = 1e9;
    expect(userError(() => loadArch(put('pim.json', doc))).toLine()).toMatch(/\/pim\/unit\/accumulatorRegisters: must be <= 4096/);
  });

  const node = (name: string, opType: string, domain: string, inputs: string[], outputs: string[]): OnnxNode => ({
    name,
    opType,
    domain,
    inputs,
    outputs,
    attrs: {},
  });
  const emptyModel = (nodes: OnnxNode[], functions: OnnxModel['functions'] = {}): OnnxModel => ({
    producer: 't',
    opset: 17,
    graphName: 'g',
    nodes,
    initializers: [],
    inputs: [],
    outputs: [],
    valueInfo: [],
    functions,
  });

  it('an ONNX function that calls itself three times stops at the node bound (was: 3^17 nodes, heap abort)', () => {
    const body = [0, 1, 2].map((i) => node(`c${i}`, 'f', 'local', ['x'], [`y${i}`]));
    const m = emptyModel([node('top', 'f', 'local', ['in'], ['out'])], { f: { inputs: ['x'], outputs: ['y0'], nodes: body } });
    expect(userError(() => inlineFunctions(m, 0, 'loop.onnx')).toLine()).toBe(
      `error: loop.onnx: more than ${MAX_ONNX_NODES} nodes once its local functions are inlined (the bound on an ONNX graph; docs/trace-import.md)`,
    );
  });

  it('an ONNX graph of more than the node bound is refused before its shapes are built', () => {
    const nodes = Array.from({ length: MAX_ONNX_NODES + 1 }, (_, i) => node(`n${i}`, 'Relu', '', [`t${i}`], [`t${i + 1}`]));
    expect(userError(() => importOnnxModel(emptyModel(nodes), 'big.onnx')).toLine()).toMatch(/big\.onnx: more than 200000 nodes \(the bound/);
  });

  it('an ONNX function named like an Object.prototype member is not a function call', () => {
    const m = emptyModel([node('a', 'constructor', 'local', ['x'], ['y']), node('b', 'toString', 'local', ['y'], ['z'])]);
    expect(inlineFunctions(m)).toHaveLength(2);
  });

  it('20,000 nested trace ops import without overflowing the stack', () => {
    const events: object[] = [
      { ph: 'X', cat: 'cpu_op', name: 'aten::embedding', pid: 1, tid: 1, ts: 500, dur: 5, args: { 'Input Dims': [[100, 64], [1, 4], [], [], []] } },
    ];
    const depth = 20000;
    for (let i = 0; i < depth; i++)
      events.push({ ph: 'X', cat: 'cpu_op', name: 'my::wrapper', pid: 1, tid: 1, ts: 1000 + i, dur: 2 * (depth - i) + 10, args: { 'Input Dims': [] } });
    events.push({
      ph: 'X',
      cat: 'cpu_op',
      name: 'aten::mm',
      pid: 1,
      tid: 1,
      ts: 1000 + depth,
      dur: 5,
      args: {
        'Input Dims': [
          [4, 64],
          [64, 64],
        ],
      },
    });
    const r = importTraceData(parseTrace({ traceEvents: events }), 'deep.json');
    expect(r.graphs[0]!.ops.filter((o) => o.kind === 'gemm')).toHaveLength(1);
  });

  it('a negative kernel or op dur is an error naming the event (was: a negative measured time)', () => {
    const doc = {
      traceEvents: [
        {
          ph: 'X',
          cat: 'cpu_op',
          name: 'aten::mm',
          pid: 1,
          tid: 1,
          ts: 5,
          dur: -3,
          args: {
            'Input Dims': [
              [4, 4],
              [4, 4],
            ],
          },
        },
      ],
    };
    expect(userError(() => parseTrace(doc, 't.json')).toLine()).toBe("error: t.json: /traceEvents/0/dur: 'dur' must be ≥ 0 (got -3)");
  });

  it('a .json.gz that inflates past 256 MiB is refused while inflating (was: 4.4 GB peak)', () => {
    const f = join(dir, 'bomb.json.gz');
    writeFileSync(f, gzipSync(Buffer.alloc(256 * 2 ** 20 + 1024, 0x20), { level: 1 }));
    expect(userError(() => readTrace(f)).toLine()).toMatch(/bomb\.json\.gz: inflates to more than 256 MiB/);
  });
});

describe('no silent nonsense: zero, negative and NaN results are errors', () => {
  it('tensorCoreEfficiency −1e-300 (was: a step of −1.4e296 s, exit 0)', async () => {
    const a = json(H100);
    a.calibration.tensorCoreEfficiency.value = -1e-300;
    expectOneLine(
      await cli('simulate', '--arch', put('neg.json', a), '--model', LLAMA, '--context', '8'),
      /neg\.json: \/calibration\/tensorCoreEfficiency\/value: must be (a finite number )?> 0/,
    );
  });

  it('dramBandwidthEfficiency 0 (was: Infinity, printed as null)', async () => {
    const a = json(H100);
    a.calibration.dramBandwidthEfficiency.value = 0;
    expectOneLine(
      await cli('simulate', '--arch', put('zero.json', a), '--model', LLAMA, '--context', '8', '--json'),
      /zero\.json: \/calibration\/dramBandwidthEfficiency\/value: must be (a finite number )?> 0/,
    );
  });

  it('Mixtral with num_experts_per_tok 16 of 8 experts (was: NaN totals)', async () => {
    const m = put('moe.json', { ...json(modelPath('mixtral-8x7b')), num_experts_per_tok: 16 });
    expectOneLine(
      await cli('simulate', '--arch', H100, '--model', m, '--context', '8', '--ignore-capacity'),
      /moe\.json: \/num_experts_per_tok: must be ≤ num_local_experts \(8\)/,
    );
    const ok = put('moe8.json', { ...json(modelPath('mixtral-8x7b')), num_experts_per_tok: 8 });
    expect(loadModel(ok).moe).toMatchObject({ experts: 8, topK: 8 });
  });

  it('3 heads for hidden 4096 (was: head_dim 1365.33)', async () => {
    const m = put('heads.json', { ...json(LLAMA), num_attention_heads: 3, num_key_value_heads: 3 });
    expectOneLine(
      await cli('simulate', '--arch', H100, '--model', m, '--context', '8'),
      /heads\.json: \/num_attention_heads: must divide the hidden size \(4096\)/,
    );
    // An explicit head_dim is a model's own choice (Gemma-style): allowed.
    expect(loadModel(put('heads-explicit.json', { ...json(LLAMA), num_attention_heads: 3, num_key_value_heads: 3, head_dim: 128 })).headDim).toBe(128);
  });

  it('a group size that does not divide K is infeasible (was: fractional bytes); one that does runs', async () => {
    const bad = await cli('op', 'gemm', '--m', '1', '--n', '4096', '--k', '4096', '--dtype', 'fp16', '--weights', 'int4-g4097', '--arch', H100);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/groups 4097 weights along K, but op '.*' has K = 4096 \(not a multiple of 4097\)/);
    const good = await cli('op', 'gemm', '--m', '1', '--n', '4096', '--k', '4096', '--dtype', 'fp16', '--weights', 'int4-g4096', '--arch', H100, '--json');
    expect(good.code).toBe(0);
    const g = buildGraph(loadModel(LLAMA), { phase: 'decode', batch: 1, context: 8 });
    expect(() => run(g, loadArch(H100), parseQuantScheme('w4a16-g384'))).toThrow(/not a multiple of 384/);
  });

  it('the engine refuses a NaN, negative or >1 result from a model, naming the op (a bug report, never an answer)', () => {
    const g = buildGraph(loadModel(modelPath('qwen2-0.5b')), { phase: 'decode', batch: 1, context: 8 });
    const arch = loadArch(H100);
    const q = parseQuantScheme('w16a16');
    const real = gpuTensorCoreModel.simulate.bind(gpuTensorCoreModel);
    for (const [field, bad] of [
      ['seconds', Number.NaN],
      ['seconds', -1e-6],
      ['utilization', 1.5],
    ] as const) {
      const spy = vi.spyOn(gpuTensorCoreModel, 'simulate').mockImplementation((op, c, qq, o) => ({ ...real(op, c, qq, o), [field]: bad }));
      try {
        expect(() => run(g, arch, q)).toThrow(ImplausibleResultError);
        expect(() => run(g, arch, q)).toThrow(new RegExp(`op '${g.ops[0]!.id}' \\(${g.ops[0]!.kind}\\) on gpu-tensor-core: ${field} = ${bad}`));
      } finally {
        spy.mockRestore();
      }
    }
    expect(run(g, arch, q).totals.seconds).toBeGreaterThan(0);
  });
});

describe('names that are built-in object properties', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  for (const q of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
    it(`simulate --quant ${q} is an unknown scheme (was: exit 70 with a stack)`, async () => {
      expectOneLine(await cli('simulate', '--arch', H100, '--model', LLAMA, '--context', '8', '--quant', q), new RegExp(`unknown quant scheme '${q}'`));
    });
  }
  it('op gemm --dtype __proto__ / --weights constructor', async () => {
    expectOneLine(await cli('op', 'gemm', '--m', '1', '--n', '8', '--k', '8', '--dtype', '__proto__', '--arch', H100), /--dtype must be one of/);
    expectOneLine(await cli('op', 'gemm', '--m', '1', '--n', '8', '--k', '8', '--dtype', 'fp16', '--weights', 'constructor', '--arch', H100), /constructor/);
  });
  it('an arch with "kind": "constructor"', async () => {
    expectOneLine(
      await cli('simulate', '--arch', put('ctor.json', { ...json(H100), kind: 'constructor' }), '--model', LLAMA, '--context', '8'),
      /ctor\.json: \/kind: unknown hardware kind 'constructor'/,
    );
  });
  it('a model_type "toString" and a model key "__proto__"', async () => {
    expectOneLine(
      await cli('simulate', '--arch', H100, '--model', put('mt.json', { ...json(LLAMA), model_type: 'toString' }), '--context', '8'),
      /\/model_type: unknown model_type 'toString'/,
    );
    const r = await cli(
      'simulate',
      '--arch',
      H100,
      '--model',
      put('proto.json', '{"__proto__": {"polluted": 1}, ' + readFileSync(LLAMA, 'utf8').slice(1)),
      '--context',
      '8',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
  it('overrides and sweep pointers through __proto__ set nothing on any prototype', () => {
    const d = setPointer({ a: 1 }, '/__proto__/x', 5) as Record<string, unknown>;
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(Object.hasOwn(d, '__proto__')).toBe(true);
    const m = deepMerge({ a: 1 }, JSON.parse('{"__proto__": {"y": 2}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['y']).toBeUndefined();
    expect(() => setPointer({ t: [1, 2] }, '/t/1000000000', 1)).toThrow(/not an index of this 2-element array/);
  });
  it('a sweep parameter at /__proto__/x is a spec error (was: accepted, did nothing)', () => {
    const f = put('proto-spec.json', {
      arch: H100,
      parameters: [{ pointer: '/__proto__/x', values: [1, 2] }],
      workloads: [{ model: LLAMA, phase: 'decode', batch: [1], context: [8] }],
    });
    expect(userError(() => loadSweepSpec(f)).toLine()).toMatch(/proto-spec\.json: \/parameters\/0\/pointer: '__proto__' is not a config key/);
  });
  it('a custom objective named latencySeconds is a spec error (was: it overwrote the real latency)', () => {
    const f = put('shadow.json', {
      arch: H100,
      objectives: ['latency', { name: 'latencySeconds', pointer: '/gpu/sms', goal: 'min' }],
      workloads: [{ model: LLAMA, phase: 'decode', batch: [1], context: [8] }],
    });
    expect(userError(() => loadSweepSpec(f)).toLine()).toMatch(
      /shadow\.json: \/objectives\/1\/name: custom objective 'latencySeconds' would shadow the built-in/,
    );
  });
  it('pareto --objectives constructor is an unknown objective', async () => {
    const f = put('one.jsonl', '');
    const r = await cli('pareto', f, '--objectives', 'constructor');
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('Object.prototype is unchanged', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});

describe('models are identified by resolved path, not base name', () => {
  it('two config.json files in one sweep stay two models (was: one model for both)', () => {
    const a = put('m/a/config.json', { ...json(modelPath('qwen2-0.5b')), num_hidden_layers: 2 });
    const b = put('m/b/config.json', { ...json(modelPath('qwen2-0.5b')), num_hidden_layers: 4 });
    const f = put('two.json', { arch: H100, workloads: [a, b].map((model) => ({ model, phase: 'decode', batch: [1], context: [8] })) });
    const spec = loadSweepSpec(f);
    const ctx = new SweepContext(spec);
    const lines = [0, 1].map((i) => evaluatePoint(ctx, i));
    expect(lines.map((l) => l.point.workload.model)).toEqual(['a/config', 'b/config']);
    const lat = lines.map((l) => l.objectives!['latencySeconds'] as number);
    expect(lat[1]).toBeGreaterThan(lat[0]!);
  });
});

describe('random sampling is uniform over any space size', () => {
  it('2^60: every draw distinct, each top-bits bucket near its share (was: 4 distinct values in 40)', () => {
    const n = 2n ** 60n;
    const r = prng32(11);
    const draws = Array.from({ length: 4096 }, () => uniformBelow(n, r));
    expect(new Set(draws.map(String)).size).toBe(4096);
    const buckets = new Array(16).fill(0);
    for (const d of draws) buckets[Number(d >> 56n)]++;
    // chi-square with 15 degrees of freedom: 37.7 is the 0.999 quantile.
    const chi = buckets.reduce((s, c) => s + (c - 256) ** 2 / 256, 0);
    expect(chi).toBeLessThan(37.7);
    // And a non-power-of-two size: never out of range.
    const m = 3n * 2n ** 58n + 1n;
    for (let i = 0; i < 1000; i++) expect(uniformBelow(m, r) < m).toBe(true);
  });
  it('sampleIndices over a 2^40 space gives 40 distinct indices spread over the space', () => {
    const s = sampleIndices(2 ** 40, 40, 1);
    expect(new Set(s).size).toBe(40);
    expect(new Set(s.map((i) => Math.floor(i / 2 ** 36))).size).toBeGreaterThan(10);
  });
  it('a space beyond 2^53 points is a spec error, not a silently wrong index', () => {
    const parameters = Array.from({ length: 6 }, (_, i) => ({ pointer: `/energy/p${i}`, range: { start: 0, stop: 99999, step: 1 } }));
    const f = put('vast.json', {
      arch: H100,
      parameters,
      workloads: [{ model: LLAMA, phase: 'decode', batch: [1], context: [8] }],
      strategy: { kind: 'random', samples: 10 },
    });
    expect(userError(() => loadSweepSpec(f)).toLine()).toMatch(/vast\.json: \/parameters: the space has 1\.000e\+30 points; at most 2\^53/);
  });
});

describe('an output path equal to an input is an error, and the input survives', () => {
  it('sweep spec.json --out spec.json', async () => {
    const f = put('self.json', { arch: H100, workloads: [{ model: LLAMA, phase: 'decode', batch: [1], context: [8] }] });
    const before = readFileSync(f, 'utf8');
    expectOneLine(await cli('sweep', f, '--out', f, '--workers', '1'), /self\.json: --out .* is also an input/);
    expect(readFileSync(f, 'utf8')).toBe(before);
    expect(existsSync(`${f}.partial`)).toBe(false);
  });
  it('report x.jsonl -o x.jsonl and trace import t.json -o t.json', async () => {
    const x = put('x.jsonl', '');
    expectOneLine(await cli('report', x, '-o', x), /x\.jsonl: -o .* is also an input/);
    const t = put('t.json', { traceEvents: [] });
    const before = readFileSync(t, 'utf8');
    expectOneLine(await cli('trace', 'import', t, '-o', t), /t\.json: -o .* is also an input/);
    expect(readFileSync(t, 'utf8')).toBe(before);
  });
  it('merge a.jsonl -o a.jsonl and simulate --html <the arch file>', async () => {
    const a = put('a.jsonl', '');
    expectOneLine(await cli('merge', a, '-o', a), /a\.jsonl: -o .* is also an input/);
    const arch = put('arch-copy.json', json(H100));
    expectOneLine(await cli('simulate', '--arch', arch, '--model', LLAMA, '--context', '8', '--html', arch), /--html .* is also an input/);
    expect(json(arch).name).toBe(json(H100).name);
  });
});

describe('ONNX external data is never followed', () => {
  it('an initializer whose external data points outside the model folder is not read; a malformed file names itself', async () => {
    const { modelProto } = await import('../../src/workload/import/onnx-proto.ts');
    const { importOnnx } = await import('../../src/workload/import/onnx-import.ts');
    const outside = join(dir, 'secret-outside.bin');
    writeFileSync(outside, 'x');
    const folder = join(dir, 'onnx-model');
    mkdirSync(folder, { recursive: true });
    const P = modelProto();
    const bytes = P.encode(
      P.fromObject({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 17 }],
        graph: {
          name: 'g',
          node: [{ name: 'mm', opType: 'MatMul', input: ['x', 'w'], output: ['y'] }],
          initializer: [
            {
              name: 'w',
              dims: [4, 4],
              dataType: 1,
              dataLocation: 1,
              externalData: [
                { key: 'location', value: '../secret-outside.bin' },
                { key: 'length', value: '1000000000' },
              ],
            },
          ],
          input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }, { dimValue: 4 }] } } } }],
          output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }, { dimValue: 4 }] } } } }],
        },
      }),
    ).finish();
    const f = join(folder, 'm.onnx');
    writeFileSync(f, bytes);
    // Not read: the model imports (or is refused for its graph) without touching the external file.
    try {
      const r = importOnnx(f);
      expect(r.graphs.length).toBeGreaterThanOrEqual(0);
    } catch (e) {
      expect(String((e as Error).message)).not.toMatch(/secret-outside|ENOENT|EACCES/);
    }
    writeFileSync(f, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(userError(() => importOnnx(f)).toLine()).toMatch(/m\.onnx: not an ONNX model: /);
  });
});
