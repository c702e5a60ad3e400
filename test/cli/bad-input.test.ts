import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { cli, FIXTURES, ROOT } from '../helpers.ts';
import { writeFileAtomic } from '../../src/util/json-file.ts';
import { AccelscopeError } from '../../src/util/errors.ts';

const H100 = join(ROOT, 'arch-configs/gpu/h100-sxm.json');
const L7 = join(ROOT, 'workloads/models/llama-2-7b.json');
const decode = ['simulate', '--arch', H100, '--model', L7, '--phase', 'decode', '--batch', '1', '--context', '16'];

/** Every user error is one line, `error: …`, exit 2 — never a stack trace (exit 70). */
function expectOneLineError(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe('output paths', () => {
  it('an --html path that is a directory is a one-line error and leaves no temporary file beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-out-'));
    const target = join(dir, 'report');
    mkdirSync(target);
    const r = await cli(...decode, '--html', target);
    expectOneLineError(r, /report: is a directory; name an output file/);
    expect(readdirSync(dir)).toEqual(['report']);
  });

  it('a write that fails (parent is a file) is a user error, not a stack, and leaves nothing behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-out-'));
    writeFileSync(join(dir, 'plain'), 'x');
    const file = join(dir, 'plain', 'out.html');
    expect(() => writeFileAtomic(file, 'y')).toThrow(AccelscopeError);
    expect(() => writeFileAtomic(file, 'y')).toThrow(/cannot write file \(E(NOTDIR|EXIST)\)/);
    expect(readdirSync(dir)).toEqual(['plain']);
  });

  it('a write into a missing folder creates it and writes the whole file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-out-'));
    writeFileAtomic(join(dir, 'a', 'b', 'x.json'), '{}\n');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['x.json']);
  });
});

describe('flags given more than once', () => {
  it('a single-value flag given twice is a one-line error naming it, not a stack trace', async () => {
    // --arch and --quant repeat on purpose (designs compared); --model does not.
    const r = await cli('simulate', '--arch', H100, '--model', L7, '--model', L7, '--context', '16');
    expectOneLineError(r, /--model takes one value but was given 2/);
  });

  it('a repeated number flag names both values', async () => {
    const r = await cli(...decode, '--batch', '4');
    expectOneLineError(r, /--batch takes one value but was given 2 \(1, 4\)/);
  });

  it('flags declared repeatable still take several values', async () => {
    const a100 = join(ROOT, 'arch-configs/gpu/a100-sxm-80gb.json');
    const r = await cli('op', 'gemm', '--arch', H100, '--arch', a100, '--m', '1', '--n', '256', '--k', '256', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
  });
});

describe('yargs messages', () => {
  it('an unknown choice prints the whole message on one line (not just "Invalid values:")', async () => {
    const r = await cli('op', 'conv', '--arch', H100);
    expectOneLineError(r, /Invalid values: Argument: kind, Given: "conv", Choices: "gemm", "attention"/);
  });
});

describe('trace import of a directory', () => {
  it('is a one-line error, whatever the name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-trace-'));
    const noExt = join(dir, 'traces');
    mkdirSync(noExt);
    mkdirSync(join(dir, 'm.onnx'));
    const r = await cli('trace', 'import', noExt, '-o', join(dir, 'g.json'));
    expectOneLineError(r, /traces: is a directory, not a trace or ONNX file/);
    const r2 = await cli('trace', 'import', join(dir, 'm.onnx'), '-o', join(dir, 'g.json'));
    expectOneLineError(r2, /m\.onnx: /);
  });
});

describe('flags that the workload would silently ignore', () => {
  const tiny = join(ROOT, 'workloads/models/qwen2-0.5b.json');
  const quant = ['quant', '--model', tiny, '--arch', H100, '--formats', 'w4a16-g128'];

  it('simulate --graph with --phase/--seq/--context is an error (the graph fixes them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-graph-'));
    const trace = join(FIXTURES, 'traces/trace_tinyllama_2layer_prefill64_decode1.json');
    expect((await cli('trace', 'import', trace, '-o', join(dir, 'g.json'))).code).toBe(0);
    const g = join(dir, 'g.decode.json');
    expect((await cli('simulate', '--arch', H100, '--graph', g, '--json')).code).toBe(0);
    expectOneLineError(
      await cli('simulate', '--arch', H100, '--graph', g, '--phase', 'prefill', '--seq', '99'),
      /--graph fixes the phase and shapes: drop --phase, --seq$/m,
    );
    expectOneLineError(await cli('simulate', '--arch', H100, '--graph', g, '--context', '4096'), /drop --context$/m);
  });

  it("quant rejects the other phase's shape flag, as simulate does", async () => {
    expect((await cli(...quant, '--context', '16', '--json')).code).toBe(0);
    expectOneLineError(await cli(...quant, '--context', '16', '--seq', '5'), /decode takes --context, not --seq/);
    expectOneLineError(await cli(...quant, '--phase', 'prefill', '--seq', '16', '--context', '5'), /prefill takes --seq, not --context/);
  });

  it('quant --threads 0 is an error, as in simulate', async () => {
    expectOneLineError(await cli(...quant, '--context', '16', '--threads', '0'), /--threads must be a positive integer \(got 0\)/);
    expectOneLineError(await cli(...quant, '--context', '16', '--threads', '1.5'), /--threads must be a positive integer \(got 1\.5\)/);
  });
});

describe('op attention takes lists of --context / --seq, as op gemm does of --m/--n/--k', () => {
  const base = ['op', 'attention', '--arch', H100, '--heads', '32', '--kv-heads', '8', '--head-dim', '128', '--json'];
  it('decode: one row per context, in order, kvLen = C + 1 (C = 0 allowed)', async () => {
    const r = await cli(...base, '--context', '0,512,4096');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { shape: { kvLen: number; qLen: number }; seconds: number }[];
    expect(rows.map((x) => x.shape.kvLen)).toEqual([1, 513, 4097]);
    expect(rows[2]!.seconds).toBeGreaterThan(rows[1]!.seconds);
  });
  it('prefill: one row per --seq', async () => {
    const r = await cli(...base, '--phase', 'prefill', '--seq', '1,2048');
    expect(JSON.parse(r.stdout).map((x: { shape: { qLen: number } }) => x.shape.qLen)).toEqual([1, 2048]);
  });
  it('a bad list entry names the whole flag value (was "got NaN")', async () => {
    expectOneLineError(await cli(...base, '--context', '0,-1'), /--context takes non-negative integers, comma-separated \(got '0,-1'\)/);
    expectOneLineError(await cli(...base, '--phase', 'prefill', '--seq', '0,4'), /--seq takes positive integers, comma-separated \(got '0,4'\)/);
    expectOneLineError(await cli(...base, '--phase', 'prefill'), /op attention --phase prefill needs --seq/);
  });
});

describe("a hardware model's error names the arch file it points into", () => {
  const u280 = join(ROOT, 'arch-configs/fpga/u280-flightllm.json');
  it('simulate (step and generate) and op print `error: <arch file>: /pointer: …` (was: the pointer alone)', async () => {
    const gpt2 = join(ROOT, 'workloads/models/gpt2.json');
    const line = new RegExp(`^error: ${u280.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: /fpga/accelerator/mpe/productsPerDsp: `);
    expectOneLineError(await cli('simulate', '--arch', u280, '--model', gpt2, '--context', '5'), line);
    expectOneLineError(await cli('simulate', '--arch', u280, '--model', gpt2, '--phase', 'generate', '--prompt', '5', '--output', '2'), line);
    expectOneLineError(await cli('op', 'gemm', '--arch', u280, '--m', '1', '--n', '64', '--k', '64'), line);
  });
});

describe('graphs', () => {
  it('a graph with no ops is a schema error (was: tokens/s Infinity)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-graph0-'));
    const trace = join(FIXTURES, 'traces/trace_tinyllama_2layer_prefill64_decode1.json');
    expect((await cli('trace', 'import', trace, '-o', join(dir, 'g.json'), '--phase', 'decode')).code).toBe(0);
    const g = JSON.parse(readFileSync(join(dir, 'g.json'), 'utf8'));
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ ...g, ops: [] }));
    expectOneLineError(await cli('simulate', '--arch', H100, '--graph', join(dir, 'empty.json')), /empty\.json: \/ops: must NOT have fewer than 1 items/);
  });

  it('trace import -o <a directory> is an error (was: <dir>.prefill.json written beside it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-trace-o-'));
    const out = join(dir, 'graphs');
    mkdirSync(out);
    const trace = join(FIXTURES, 'traces/trace_tinyllama_2layer_prefill64_decode1.json');
    expectOneLineError(await cli('trace', 'import', trace, '-o', out), /graphs: is a directory; name the OpGraph file/);
    expect(readdirSync(dir)).toEqual(['graphs']);
  });
});

describe('--threads on a model that has no threads', () => {
  it('warns on a GPU (was silently ignored); no warning on a T-MAC CPU config', async () => {
    const g = await cli(...decode, '--threads', '4');
    expect(g.code).toBe(0);
    expect(g.stderr).toMatch(/^warning: --threads applies to CPU models .* ignores it$/m);
    const cpu = await cli(
      'simulate',
      '--arch',
      join(ROOT, 'arch-configs/lut/tmac-m2-ultra.json'),
      '--model',
      L7,
      '--quant',
      'w2a16-g64',
      '--context',
      '16',
      '--threads',
      '4',
    );
    expect(cpu.code).toBe(0);
    expect(cpu.stderr).not.toMatch(/--threads/);
  });
});

describe('flags that belong to another phase', () => {
  it('--strict outside generate and --logits-all outside prefill are errors (were silently ignored)', async () => {
    expectOneLineError(await cli(...decode, '--strict'), /--strict goes with --phase generate/);
    expectOneLineError(await cli(...decode, '--logits-all'), /--logits-all goes with --phase prefill/);
    expectOneLineError(
      await cli('simulate', '--arch', H100, '--model', L7, '--phase', 'generate', '--prompt', '8', '--output', '2', '--logits-all'),
      /--logits-all goes with --phase prefill/,
    );
    expect((await cli('simulate', '--arch', H100, '--model', L7, '--phase', 'prefill', '--seq', '8', '--logits-all')).code).toBe(0);
  });
});

describe('formats --encode and pareto --objectives', () => {
  it('--encode takes Infinity spelled out (only "inf" was understood)', async () => {
    const r = await cli('formats', 'fp8-e4m3', '--encode', 'Infinity,-infinity,inf,NaN', '--json');
    expect(r.code).toBe(0);
    const spelled = await cli('formats', 'fp8-e4m3', '--encode', 'inf,-inf,inf,NaN', '--json');
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(spelled.stdout));
    expectOneLineError(await cli('formats', 'fp8-e4m3', '--encode', 'infinite'), /--encode: 'infinite' is not a number/);
  });

  it('pareto rejects an objective named twice (latency,latency gave a one-objective "front" labelled as two)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-pareto-'));
    const f = join(dir, 'r.jsonl');
    const rec = {
      id: 'a',
      index: 0,
      spec: 's',
      point: { params: {}, quant: 'w16a16', workload: { model: 'm' } },
      ok: true,
      objectives: { latencySeconds: 1, energyPerTokenJ: 1 },
    };
    writeFileSync(f, JSON.stringify(rec) + '\n');
    expect((await cli('pareto', f)).code).toBe(0);
    // A line without its point's quant and workload was a stack trace in the table; now a one-line error.
    writeFileSync(join(dir, 'bare.jsonl'), JSON.stringify({ ...rec, point: { params: {} } }) + '\n');
    expectOneLineError(await cli('pareto', join(dir, 'bare.jsonl')), /line 1 is not a sweep result/);
    expectOneLineError(await cli('pareto', f, '--objectives', 'latency,latency'), /--objectives names latencySeconds twice/);
  });
});

describe('a mistyped command', () => {
  it('names the unknown command beside the suggestion (was only "Did you mean simulate?")', async () => {
    expectOneLineError(await cli('simulat', '--arch', H100), /^error: unknown command 'simulat'\. Did you mean simulate\?$/m);
  });
});
