import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { archPath, cli, FIXTURES } from '../helpers.ts';
import { outputPaths, parseDims } from '../../src/cli/commands/trace.ts';
import type { OpGraph } from '../../src/workload/graph.ts';
import { tinyDecoderOps, traceOf } from '../workload/import/synthetic.ts';

const TRACE = resolve(FIXTURES, 'traces/trace_tinyllama_2layer_prefill64_decode1.json');
const ONNX = resolve(FIXTURES, 'onnx/tiny_llama_2layer_seq16.onnx');
const H100 = archPath('gpu/h100-sxm');
const tmp = () => mkdtempSync(resolve(tmpdir(), 'trace-cli-'));

describe('accelscope trace import', () => {
  it('writes one graph per phase beside -o, and simulate --graph runs each', async () => {
    const dir = tmp();
    const r = await cli('trace', 'import', TRACE, '-o', resolve(dir, 'graph.json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['graph.decode.json', 'graph.prefill.json']);
    expect(r.stdout).toMatch(/pass 0: prefill \(attention qLen 64 = kvLen 64, [\d.]+ [µm]?s of GPU kernels in the trace\)/);
    expect(r.stdout).toContain('every op understood');
    for (const phase of ['prefill', 'decode']) {
      const s = await cli('simulate', '--arch', H100, '--graph', resolve(dir, `graph.${phase}.json`), '--json');
      expect(s.code).toBe(0);
      const out = JSON.parse(s.stdout);
      expect(out.workload.phase).toBe(phase);
      expect(out.totals.seconds).toBeGreaterThan(0);
    }
  });

  it('--phase decode writes exactly the -o path', async () => {
    const dir = tmp();
    const out = resolve(dir, 'd.json');
    const r = await cli('trace', 'import', TRACE, '-o', out, '--phase', 'decode', '--name', 'tiny');
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['d.json']);
    const g = JSON.parse(readFileSync(out, 'utf8')) as OpGraph;
    expect(g.meta).toMatchObject({ model: 'tiny', phase: 'decode', context: 64 });
  });

  it('imports the ONNX fixture to the -o path (one pass)', async () => {
    const dir = tmp();
    const out = resolve(dir, 'g.json');
    const r = await cli('trace', 'import', ONNX, '-o', out, '--json');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.format).toBe('onnx');
    expect(rep.outputs).toEqual([{ file: out, phase: 'prefill', ops: 35 }]);
    expect(existsSync(out)).toBe(true);
  });

  it('lists unknown ops with count and share; --strict makes them a one-line error and writes nothing', async () => {
    const dir = tmp();
    const f = resolve(dir, 't.json');
    writeFileSync(f, JSON.stringify(traceOf([...tinyDecoderOps({ tokens: 4, past: 0 }), { name: 'aten::weird_op', dims: [[4, 64]], gpuUs: 3 }])));
    const ok = await cli('trace', 'import', f, '-o', resolve(dir, 'g.json'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/aten::weird_op\s+1\s+3\s+\d+\.\d\d%/);
    const strictOut = resolve(dir, 's.json');
    const bad = await cli('trace', 'import', f, '-o', strictOut, '--strict');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*t\.json: --strict: 1 op kind\(s\) not understood: aten::weird_op ×1 \(\d+\.\d% of time\)\n$/);
    expect(existsSync(strictOut)).toBe(false);
  });

  it('user errors: missing file, a phase the input lacks, a bad --dim, an unknown action', async () => {
    const dir = tmp();
    const missing = await cli('trace', 'import', resolve(dir, 'nope.json'), '-o', resolve(dir, 'g.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: no such file/);
    const noDecode = await cli('trace', 'import', ONNX, '-o', resolve(dir, 'g.json'), '--phase', 'decode');
    expect(noDecode.code).toBe(2);
    expect(noDecode.stderr).toContain('--phase decode: the input has no decode pass');
    const dim = await cli('trace', 'import', ONNX, '-o', resolve(dir, 'g.json'), '--dim', 'seq');
    expect(dim.code).toBe(2);
    expect(dim.stderr).toContain('--dim must be NAME=VALUE');
    const action = await cli('trace', 'export', ONNX, '-o', resolve(dir, 'g.json'));
    expect(action.code).toBe(2);
  });
});

describe('trace import helpers', () => {
  const g = (phase: 'prefill' | 'decode') => ({ meta: { phase } }) as OpGraph;
  it('names outputs by phase, numbering a repeated phase', () => {
    expect(outputPaths('out/g.json', [g('prefill')])).toEqual(['out/g.json']);
    expect(outputPaths('out/g.json', [g('prefill'), g('decode')])).toEqual(['out/g.prefill.json', 'out/g.decode.json']);
    expect(outputPaths('g', [g('prefill'), g('decode'), g('decode')])).toEqual(['g.prefill.json', 'g.decode.0.json', 'g.decode.1.json']);
  });
  it('parses --dim NAME=VALUE', () => {
    expect(parseDims(['batch=2', 'seq=16'])).toEqual({ batch: 2, seq: 16 });
    expect(() => parseDims(['seq=0'])).toThrow(/positive integer/);
  });
});
