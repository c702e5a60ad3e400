import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, archPath, modelPath } from '../helpers.ts';
import { compile } from '../../src/config/ajv.ts';
import { runResultSchema } from '../../src/config/schemas/run-result.ts';

const H100 = archPath('gpu/h100-sxm');
const LLAMA = modelPath('llama-2-7b');
const tmp = mkdtempSync(join(tmpdir(), 'accelscope-cli-'));
function file(name: string, content: string): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

describe('simulate', () => {
  it('prints the per-class table and totals', async () => {
    const r = await cli('simulate', '--arch', H100, '--model', LLAMA, '--phase', 'decode', '--batch', '8', '--context', '512');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // inside the H100's validation envelope (batch 1–8, context 512)
    for (const s of ['op class', 'qkv_proj', 'attention', 'mlp', 'lm_head', 'time per step', 'tokens/s', 'memory', 'KV cache']) expect(r.stdout).toContain(s);
  });

  it('--json output validates against the documented schema', async () => {
    for (const args of [
      ['--phase', 'decode', '--batch', '8', '--context', '2048'],
      ['--phase', 'prefill', '--batch', '2', '--seq', '512'],
    ]) {
      const r = await cli('simulate', '--arch', H100, '--model', LLAMA, ...args, '--json');
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      const v = compile(runResultSchema);
      expect(v(doc), JSON.stringify(v.errors)).toBe(true);
      expect(doc.workload.params).toBe(6_738_415_616);
      expect(doc.totals.tokensPerSecond).toBeCloseTo(doc.workload.tokens / doc.totals.seconds, 6);
      const sum = doc.ops.reduce((s: number, o: { seconds: number }) => s + o.seconds, 0);
      expect(sum).toBeCloseTo(doc.totals.seconds, 12);
    }
  });

  it('a workload that does not fit says by how much, exit 2; --ignore-capacity reports anyway', async () => {
    const big = ['simulate', '--arch', H100, '--model', modelPath('llama-3-70b'), '--phase', 'decode', '--batch', '1', '--context', '128'];
    const r = await cli(...big);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*h100-sxm\.json: \/memory\/capacityBytes: workload does not fit in device memory: needs 131(\.\d+)? GiB .* over/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const ok = await cli(...big, '--ignore-capacity');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('DOES NOT FIT');
    expect(ok.stderr).toContain('warning: workload does not fit');
  });

  it('a 70B model that fits at 4 bits runs', async () => {
    const r = await cli('simulate', '--arch', H100, '--model', modelPath('llama-3-70b'), '--context', '128', '--quant', 'w4a16-g128');
    expect(r.code).toBe(0);
  });
});

describe('bad input: one line naming the file and JSON pointer, exit 2, no stack', () => {
  const expectOneLine = (r: { code: number; stderr: string; stdout: string }, re: RegExp) => {
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  };

  it('missing arch file', async () => {
    expectOneLine(await cli('simulate', '--arch', '/nope/x.json', '--model', LLAMA, '--context', '1'), /^error: \/nope\/x\.json: no such file$/);
  });
  it('malformed JSON gives line and column', async () => {
    const p = file('bad.json', '{\n  "name": "x",\n  "kind": \n}');
    expectOneLine(await cli('simulate', '--arch', p, '--model', LLAMA, '--context', '1'), /^error: .*bad\.json: malformed JSON: .*line 4/);
  });
  it('schema violation names the pointer', async () => {
    const p = file('arch.json', JSON.stringify({ extends: H100, overrides: { memory: { bandwidthBps: 'fast' } } }));
    expectOneLine(await cli('simulate', '--arch', p, '--model', LLAMA, '--context', '1'), /^error: .*arch\.json: \/memory\/bandwidthBps: must be number$/);
  });
  it('unknown property in an arch config', async () => {
    const p = file('arch2.json', JSON.stringify({ extends: H100, overrides: { memory: { bandwidthGBps: 3 } } }));
    expectOneLine(await cli('simulate', '--arch', p, '--model', LLAMA, '--context', '1'), /\/memory: unknown property 'bandwidthGBps'$/);
  });
  it('unknown hardware kind', async () => {
    const p = file('arch3.json', JSON.stringify({ name: 'x', kind: 'quantum', memory: { type: 'HBM3', capacityBytes: 1, bandwidthBps: 1 } }));
    expectOneLine(await cli('simulate', '--arch', p, '--model', LLAMA, '--context', '1'), /^error: .*arch3\.json: \/kind: unknown hardware kind 'quantum'/);
  });
  it('unknown model type', async () => {
    const p = file('model.json', JSON.stringify({ model_type: 'mamba', hidden_size: 4 }));
    expectOneLine(await cli('simulate', '--arch', H100, '--model', p, '--context', '1'), /^error: .*model\.json: \/model_type: unknown model_type 'mamba'/);
  });
  it('model config with a missing key', async () => {
    const p = file('model2.json', JSON.stringify({ model_type: 'llama', hidden_size: 4096 }));
    expectOneLine(await cli('simulate', '--arch', H100, '--model', p, '--context', '1'), /model2\.json: \/: must have required property 'num_attention_heads'/);
  });
  it('a bad flag value and an unknown flag', async () => {
    expectOneLine(await cli('simulate', '--arch', H100, '--model', LLAMA, '--phase', 'train'), /^error: --phase must be one of prefill, decode/);
    expectOneLine(await cli('simulate', '--arch', H100, '--model', LLAMA, '--context', '1', '--bogus'), /^error: Unknown argument: bogus/);
    expectOneLine(await cli('simulate', '--arch', H100, '--model', LLAMA, '--context', '1', '--quant', 'w5a9'), /^error: unknown quant scheme 'w5a9'/);
  });
});
