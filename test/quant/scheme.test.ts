import { describe, expect, it } from 'vitest';
import { parseQuantScheme, NAMED_SCHEMES, DEFAULT_QUANT } from '../../src/quant/scheme.ts';
import { loadQuant } from '../../src/config/load.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const names = (s: string) => {
  const q = parseQuantScheme(s);
  return [q.weights.name, q.activations.name, q.kv.name];
};

describe('quant scheme grammar', () => {
  it('w16a16 is the default: fp16 everywhere', () => {
    expect(DEFAULT_QUANT).toBe('w16a16');
    expect(names('w16a16')).toEqual(['fp16', 'fp16', 'fp16']);
  });
  it.each([
    ['w8a8', ['int8', 'int8', 'int8']],
    ['w4a16-g128', ['int4-g128', 'fp16', 'fp16']],
    ['w2a16-g64', ['int2-g64', 'fp16', 'fp16']],
    ['w1.58a8', ['ternary', 'int8', 'int8']],
    ['w4a16-g128-kv8', ['int4-g128', 'fp16', 'int8']],
    ['w8a8-kv4', ['int8', 'int8', 'int4']],
    ['fp8', ['fp8-e4m3', 'fp8-e4m3', 'fp8-e4m3']],
    ['mxfp4', ['mxfp4', 'mxfp4', 'fp16']],
    ['nvfp4', ['nvfp4', 'nvfp4', 'fp16']],
    ['fp6', ['fp6-e3m2', 'fp16', 'fp16']],
  ])('%s', (s, expected) => expect(names(s)).toEqual(expected));
  it('bitsPerElement follows the scheme: int4 g128 = 4.125, mxfp4 = 4.25, nvfp4 = 4.5', () => {
    expect(parseQuantScheme('w4a16-g128').weights.bitsPerElement).toBe(4.125);
    expect(parseQuantScheme('mxfp4').weights.bitsPerElement).toBe(4.25);
    expect(parseQuantScheme('nvfp4').activations.bitsPerElement).toBe(4.5);
  });
  it('every named scheme parses', () => {
    for (const n of NAMED_SCHEMES) expect(parseQuantScheme(n).name).toBe(n);
  });
  it('rejects what the grammar does not name, with the grammar in the message', () => {
    expect(() => parseQuantScheme('w5a16')).toThrow(/unknown quant scheme 'w5a16': expected w<bits>a<bits>/);
    expect(() => parseQuantScheme('w16a16-g128')).toThrow(/16-bit weights take no group size/);
  });
  it('a JSON file names any formats, asymmetric and per-row FP8 included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quant-'));
    const f = join(dir, 'q.json');
    writeFileSync(f, JSON.stringify({ weights: 'int4-g128-asym', activations: 'fp8-e4m3-pc', kv: 'fp8-e5m2' }));
    const q = loadQuant(f);
    expect(q.weights.bitsPerElement).toBe(4 + 20 / 128);
    expect([q.activations.computeDtype, q.kv.name]).toEqual(['fp8', 'fp8-e5m2']);
    writeFileSync(f, JSON.stringify({ weights: 'int9', activations: 'fp16' }));
    expect(() => loadQuant(f)).toThrow(/unknown number format 'int9'/);
  });
});
