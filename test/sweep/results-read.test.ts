import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResultLines } from '../../src/sweep/merge.ts';
import { cli } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-results-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const line = (index: number) => JSON.stringify({ id: `p${index}`, index, spec: 's', point: { params: {}, quant: 'w16a16', workload: {} }, ok: false, reason: 'x' });

describe('reading sweep results (merge, pareto)', () => {
  it('a pretty-printed JSON document (simulate --json) is named as such, not as a truncated sweep', async () => {
    const run = file('run.json', JSON.stringify({ workload: {}, totals: { seconds: 1 } }, null, 2));
    expect(() => readResultLines(run)).toThrow(/not a sweep results file \(JSON lines, one point per line\) but one JSON document/);
    const r = await cli('pareto', run);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/truncated/);
  });

  it('only a bad last line suggests --resume; a bad middle line is corruption', () => {
    expect(() => readResultLines(file('tail.jsonl', `${line(0)}\n{"id":"p1","ind`))).toThrow(/line 2 is not valid JSON \(a truncated file\? finish it with sweep --resume\)/);
    let msg = '';
    try {
      readResultLines(file('mid.jsonl', `${line(0)}\n{oops\n${line(2)}\n`));
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toBe('line 2 is not valid JSON');
  });

  it('a JSON line that is not a result is an error naming its line', () => {
    expect(() => readResultLines(file('arr.jsonl', `${line(0)}\n[1,2]\n`))).toThrow(/^line 2 is not a sweep result \(an object with id, index, spec, ok, point\{params, quant, workload\}\)$/);
    expect(() => readResultLines(file('num.jsonl', '42\n'))).toThrow(/line 1 is not a sweep result/);
    expect(readResultLines(file('ok.jsonl', `${line(0)}\n\n${line(1)}\n`)).map((l) => l.index)).toEqual([0, 1]);
  });

  it('a directory is named as one (was "no such file")', () => {
    const d = join(dir, 'results.jsonl');
    mkdirSync(d);
    expect(() => readResultLines(d)).toThrow(/^is a directory, not a results file$/);
  });
});
