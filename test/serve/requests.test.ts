import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { generateRequests, parseRequestSpec, gammaSample } from '../../src/serve/requests.ts';
import { parseTime, readTrace } from '../../src/serve/trace-file.ts';
import { Rng } from '../../src/numeric/rng.ts';
import { ROOT, userError } from '../helpers.ts';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const fixture = (f: string) => resolve(ROOT, 'test/fixtures/serve', f);

describe('request spec', () => {
  it('parses a Poisson source with nested distributions', () => {
    const s = parseRequestSpec('poisson:rate=10,n=100,prompt=lognormal(512,0.8,4000),output=uniform(16,64),seed=3');
    expect(s).toEqual({
      kind: 'poisson',
      rate: 10,
      cv: 1,
      n: 100,
      prompt: { kind: 'lognormal', mean: 512, sigma: 0.8, max: 4000 },
      output: { kind: 'uniform', lo: 16, hi: 64 },
      seed: 3,
    });
  });
  it('rejects bad specs with one line naming the problem', () => {
    expect(userError(() => parseRequestSpec('poisson:rate=10,prompt=fixed(5),output=fixed(5)')).message).toContain('needs n=<requests> or duration=<seconds>');
    expect(userError(() => parseRequestSpec('poisson:rate=0,n=1,prompt=fixed(5),output=fixed(5)')).message).toContain('rate must be a number > 0');
    expect(userError(() => parseRequestSpec('poisson:rate=1,n=1,prompt=zipf(5),output=fixed(5)')).message).toContain("unknown distribution 'zipf'");
    expect(userError(() => parseRequestSpec('poisson:rate=1,n=1,cv=2,prompt=fixed(5),output=fixed(5)')).message).toContain('cv goes with gamma');
    expect(userError(() => parseRequestSpec('uniform:rate=1')).message).toContain("unknown source 'uniform'");
    expect(userError(() => parseRequestSpec('poisson:rate=1,n=1.5,prompt=fixed(5),output=fixed(5)')).message).toContain('n must be an integer');
    expect(userError(() => parseRequestSpec('poisson:rate=1,n=2,prompt=uniform(9,3),output=fixed(5)')).message).toContain('upper bound');
  });
  it('is seeded: the same spec gives the same stream, another seed another', () => {
    const a = generateRequests(parseRequestSpec('gamma:rate=5,cv=2,n=200,prompt=lognormal(300,1),output=fixed(8)'));
    const b = generateRequests(parseRequestSpec('gamma:rate=5,cv=2,n=200,prompt=lognormal(300,1),output=fixed(8)'));
    const c = generateRequests(parseRequestSpec('gamma:rate=5,cv=2,n=200,prompt=lognormal(300,1),output=fixed(8),seed=2'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
  it('Poisson gaps have mean 1/rate and cv 1; Gamma gaps the cv asked for', () => {
    const stats = (text: string) => {
      const r = generateRequests(parseRequestSpec(text));
      const gaps = r.map((x, i) => x.arrivalS - (i ? r[i - 1]!.arrivalS : 0));
      const m = gaps.reduce((s, g) => s + g, 0) / gaps.length;
      const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - m) ** 2, 0) / gaps.length);
      return { m, cv: sd / m };
    };
    const p = stats('poisson:rate=4,n=40000,prompt=fixed(1),output=fixed(1)');
    expect(p.m).toBeCloseTo(0.25, 2);
    expect(Math.abs(p.cv - 1)).toBeLessThan(0.02);
    const g = stats('gamma:rate=4,cv=3,n=40000,prompt=fixed(1),output=fixed(1)');
    expect(Math.abs(g.m - 0.25) / 0.25).toBeLessThan(0.04);
    expect(Math.abs(g.cv - 3) / 3).toBeLessThan(0.06);
  });
  it('gamma sampler: mean k, variance k, also for k < 1', () => {
    for (const k of [0.2, 1, 4.5]) {
      const rng = new Rng(11);
      const xs = Array.from({ length: 40000 }, () => gammaSample(rng, k));
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
      expect(Math.abs(m - k) / k).toBeLessThan(0.03);
      expect(Math.abs(v - k) / k).toBeLessThan(0.08);
    }
  });
  it('duration stops the stream; lengths follow their distributions', () => {
    const r = generateRequests(parseRequestSpec('poisson:rate=50,duration=10,prompt=uniform(10,20),output=lognormal(100,0.5)'));
    expect(r.at(-1)!.arrivalS).toBeLessThanOrEqual(10);
    expect(Math.abs(r.length - 500)).toBeLessThan(100);
    expect(r.every((x) => x.promptTokens >= 10 && x.promptTokens <= 20)).toBe(true);
    const mean = r.reduce((s, x) => s + x.outputTokens, 0) / r.length;
    expect(Math.abs(mean - 100) / 100).toBeLessThan(0.06);
  });
  it('prefix groups: every request gets a group and a prefix shorter than its prompt', () => {
    const r = generateRequests(parseRequestSpec('poisson:rate=1,n=300,prompt=uniform(100,400),output=fixed(4),prefix=256,groups=3'));
    expect(new Set(r.map((x) => x.prefixId))).toEqual(new Set([0, 1, 2]));
    expect(r.every((x) => x.prefixTokens === Math.min(256, x.promptTokens - 1))).toBe(true);
  });
});

describe('lengths sampled from a file', () => {
  it('draws from a trace column or a list of integers, only values in the file', () => {
    const r = generateRequests(parseRequestSpec(`poisson:rate=1,n=200,prompt=sample(${fixture('azure-layout.csv')}),output=sample(${fixture('lengths.txt')})`));
    expect(new Set(r.map((x) => x.promptTokens))).toEqual(new Set([374, 396, 879, 91, 2000]));
    expect(new Set(r.map((x) => x.outputTokens))).toEqual(new Set([7, 300]));
  });
});

describe('trace replay', () => {
  it('reads the Azure LLM inference trace layout, rebased to 0, skipping empty outputs', () => {
    const rows = readTrace(fixture('azure-layout.csv'));
    expect(rows[0]).toEqual({ arrivalS: 0, promptTokens: 374, outputTokens: 44 });
    expect(rows[1]!.arrivalS).toBeCloseTo(4.314579, 6);
    const reqs = generateRequests(parseRequestSpec(`trace:${fixture('azure-layout.csv')}`));
    expect(reqs.map((r) => r.promptTokens)).toEqual([374, 396, 879, 2000]);
    const fast = generateRequests(parseRequestSpec(`trace:${fixture('azure-layout.csv')},speed=2,limit=2`));
    expect(fast.map((r) => r.arrivalS)).toEqual([0, rows[1]!.arrivalS / 2]);
  });
  it('reads JSONL and sorts by arrival', () => {
    expect(readTrace(fixture('requests.jsonl')).map((r) => r.promptTokens)).toEqual([50, 100, 300]);
  });
  it('parses date-times to the microsecond', () => {
    expect(parseTime('2023-11-16 18:15:46.6805900')! - parseTime('2023-11-16 18:15:46')!).toBeCloseTo(0.68059, 6);
    expect(parseTime('12.5')).toBe(12.5);
    expect(parseTime('yesterday')).toBeUndefined();
  });
  it('a bad row is one error naming the file and the line', () => {
    const dir = mkdtempSync(resolve(tmpdir(), 'serve-'));
    const f = resolve(dir, 't.csv');
    writeFileSync(f, 'TIMESTAMP,ContextTokens,GeneratedTokens\n1,10,5\n2,ten,5\n');
    const e = userError(() => readTrace(f));
    expect(e.file).toBe(f);
    expect(e.message).toBe('line 3: prompt tokens must be a non-negative integer ("ten")'.replace('("ten")', '(got "ten")'));
    writeFileSync(f, 'when,ContextTokens,GeneratedTokens\n1,10,5\n');
    expect(userError(() => readTrace(f)).message).toContain('header has no arrival column');
    expect(userError(() => readTrace(resolve(dir, 'missing.csv'))).message).toBe('no such file');
  });
});
