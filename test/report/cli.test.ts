/** `accelscope report` and `simulate --html`: files written atomically, errors as one line. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archPath, cli, modelPath } from '../helpers.ts';
import { quantFixture, runFixture, sweepFixture } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-report-cli-'));

describe('accelscope report', () => {
  it('writesOneHtmlFileForARun', async () => {
    const input = join(dir, 'run.json');
    writeFileSync(input, JSON.stringify(runFixture('decode')));
    const out = join(dir, 'out', 'run.html');
    const r = await cli('report', input, '-o', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${out} \\([\\d.]+ [KM]iB, run report\\)\\n$`));
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    expect(readdirSync(join(dir, 'out'))).toEqual(['run.html']); // no temp file left behind
  });

  it('sweepWithChosenObjectivesAndQuant', async () => {
    const s = join(dir, 'sweep.jsonl');
    writeFileSync(
      s,
      sweepFixture()
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    const r = await cli('report', s, '-o', join(dir, 's.html'), '--x', 'latencySeconds', '--y', 'tokensPerSecond');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 's.html'), 'utf8')).toContain('Pareto front: latencySeconds vs tokensPerSecond');
    const q = join(dir, 'q.json');
    writeFileSync(q, JSON.stringify(quantFixture()));
    expect((await cli('report', q, '-o', join(dir, 'q.html'))).stdout).toMatch(/quant report/);
  });

  it('severalRunsInOneReportAndMaximizeFlipsAGoal', async () => {
    const a = join(dir, 'prefill.json');
    const b = join(dir, 'decode.json');
    writeFileSync(a, JSON.stringify(runFixture('prefill')));
    writeFileSync(b, JSON.stringify(runFixture('decode')));
    expect((await cli('report', a, b, '-o', join(dir, 'pd.html'))).code).toBe(0);
    const html = readFileSync(join(dir, 'pd.html'), 'utf8');
    expect(html).toContain('Roofline — prefill b1 seq512');
    expect(html).toContain('Roofline — decode b8 ctx2048');
    const s = join(dir, 'sweep3.jsonl');
    writeFileSync(
      s,
      sweepFixture()
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    expect((await cli('report', s, '--y', 'averagePowerW', '-o', join(dir, 'p.html'))).code).toBe(0);
    expect(readFileSync(join(dir, 'p.html'), 'utf8')).toContain('averagePowerW is minimized');
    expect((await cli('report', s, '--y', 'averagePowerW', '--maximize', 'averagePowerW', '-o', join(dir, 'p.html'))).code).toBe(0);
    expect(readFileSync(join(dir, 'p.html'), 'utf8')).toContain('averagePowerW is maximized');
  });

  it('errorsAreOneLineWithTheFileAndExit2', async () => {
    const missing = join(dir, 'missing.json');
    const r = await cli('report', missing, '-o', join(dir, 'never.html'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${missing}: no such file\n`);
    expect(existsSync(join(dir, 'never.html'))).toBe(false);
    const s = join(dir, 'sweep2.jsonl');
    writeFileSync(
      s,
      sweepFixture()
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const bad = await cli('report', s, '--x', 'nope', '-o', join(dir, 'never.html'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*sweep2\.jsonl: --x nope: not a numeric objective of this sweep \(it has latencySeconds, /);
    const mixed = await cli('report', join(dir, 'run.json'), s, '-o', join(dir, 'never.html'));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/one report combines files of one kind \(runs, or sweep results\); this is a sweep file beside a run file/);
  });
});

describe('simulate --html', () => {
  it('writesTheReportAndKeepsJsonOnStdout', async () => {
    const out = join(dir, 'sim.html');
    const r = await cli(
      'simulate',
      '--arch',
      archPath('gpu/h100-sxm'),
      '--model',
      modelPath('qwen2-0.5b'),
      '--phase',
      'decode',
      '--batch',
      '4',
      '--context',
      '512',
      '--json',
      '--html',
      out,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).workload.batch).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`wrote ${out} `));
    expect(readFileSync(out, 'utf8')).toContain('Qwen/Qwen2-0.5B on NVIDIA H100');
  });
});
