import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResultLines } from '../../src/sweep/merge.ts';
import { archPath, cli, modelPath } from '../helpers.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-results-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const line = (index: number) =>
  JSON.stringify({ id: `p${index}`, index, spec: 's', point: { params: {}, quant: 'w16a16', workload: {} }, ok: false, reason: 'x' });

describe('reading sweep results (merge, pareto)', () => {
  it('a pretty-printed JSON document (simulate --json) is named as such, not as a truncated sweep', async () => {
    const run = file('run.json', JSON.stringify({ workload: {}, totals: { seconds: 1 } }, null, 2));
    expect(() => readResultLines(run)).toThrow(/not a sweep results file \(JSON lines, one point per line\) but one JSON document/);
    const r = await cli('pareto', run);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/truncated/);
  });

  it('only a bad last line suggests --resume; a bad middle line is corruption', () => {
    expect(() => readResultLines(file('tail.jsonl', `${line(0)}\n{"id":"p1","ind`))).toThrow(
      /line 2 is not valid JSON \(a truncated file\? finish it with sweep --resume\)/,
    );
    let msg = '';
    try {
      readResultLines(file('mid.jsonl', `${line(0)}\n{oops\n${line(2)}\n`));
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toBe('line 2 is not valid JSON');
  });

  it('a JSON line that is not a result is an error naming its line', () => {
    expect(() => readResultLines(file('arr.jsonl', `${line(0)}\n[1,2]\n`))).toThrow(
      /^line 2 is not a sweep result \(an object with id, index, spec, ok, point\{params, quant, workload\}\)$/,
    );
    expect(() => readResultLines(file('num.jsonl', '42\n'))).toThrow(/line 1 is not a sweep result/);
    expect(readResultLines(file('ok.jsonl', `${line(0)}\n\n${line(1)}\n`)).map((l) => l.index)).toEqual([0, 1]);
  });

  it('a directory is named as one (was "no such file")', () => {
    const d = join(dir, 'results.jsonl');
    mkdirSync(d);
    expect(() => readResultLines(d)).toThrow(/^is a directory, not a results file$/);
  });
});

describe('sweep spec mistakes are spec errors, not silently lost points', () => {
  const spec = (name: string, extra: object) =>
    file(
      `${name}.json`,
      JSON.stringify({
        name,
        arch: archPath('gpu/h100-sxm'),
        parameters: [{ pointer: '/gpu/sms', values: [66, 132] }],
        quant: ['w16a16'],
        workloads: [{ model: modelPath('qwen2-0.5b'), phase: 'decode', batch: [1], context: [128] }],
        objectives: ['latency'],
        strategy: { kind: 'grid' },
        ...extra,
      }),
    );

  it('two parameters on one pointer (the second silently replaced the first: 1 point, not 2)', () => {
    const f = spec('dup', {
      parameters: [
        { pointer: '/gpu/sms', values: [66] },
        { pointer: '/gpu/sms', values: [132] },
      ],
    });
    expect(() => loadSweepSpec(f)).toThrow(/\/gpu\/sms is already swept by \/parameters\/0/);
    expect(loadSweepSpec(spec('ok', {})).parameters).toHaveLength(1);
  });

  it('a quant name that does not parse (every point was recorded infeasible)', () => {
    try {
      loadSweepSpec(spec('q', { quant: ['w16a16', 'w4a16-g0'] }));
      expect.unreachable();
    } catch (e) {
      expect((e as { pointer?: string }).pointer).toBe('/quant/1');
      expect((e as Error).message).toMatch(/group size must be a positive integer/);
    }
  });
});
