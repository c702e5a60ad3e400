/** Input detection and one-line errors naming the file (and line or pointer). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userError } from '../helpers.ts';
import { describe, expect, it } from 'vitest';
import { loadReportInput, parseSweepJsonl } from '../../src/report/load.ts';
import { quantFixture, runFixture, sweepFixture } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-report-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
const errorOf = userError;

describe('loadReportInput', () => {
  it('detectsRunSweepAndQuant', () => {
    expect(loadReportInput(file('run.json', JSON.stringify(runFixture('decode')))).kind).toBe('run');
    expect(
      loadReportInput(
        file(
          's.jsonl',
          sweepFixture()
            .map((l) => JSON.stringify(l))
            .join('\n') + '\n',
        ),
      ).kind,
    ).toBe('sweep');
    expect(loadReportInput(file('q.json', JSON.stringify(quantFixture()))).kind).toBe('quant');
  });

  it('missingFileNamesTheFile', () => {
    const e = errorOf(() => loadReportInput(join(dir, 'nope.json')));
    expect(e.code).toBe('file-not-found');
    expect(e.toLine()).toBe(`error: ${join(dir, 'nope.json')}: no such file`);
    expect(errorOf(() => loadReportInput(join(dir, 'nope.jsonl'))).code).toBe('file-not-found');
  });

  it('malformedJsonAndWrongShapes', () => {
    expect(errorOf(() => loadReportInput(file('bad.json', '{"a":'))).code).toBe('malformed-json');
    const e = errorOf(() => loadReportInput(file('other.json', '{"hello": 1}')));
    expect(e.code).toBe('schema');
    expect(e.message).toMatch(/not a report input/);
    const q = errorOf(() => loadReportInput(file('q2.json', '{"kind":"quant-comparison"}')));
    expect(q.pointer).toBe('/rows');
  });

  it('runMissingARequiredFieldIsASchemaErrorWithItsPointer', () => {
    const r = runFixture('decode') as unknown as Record<string, Record<string, unknown>>;
    delete r['totals']!['tokensPerSecond'];
    const e = errorOf(() => loadReportInput(file('r2.json', JSON.stringify(r))));
    expect(e.code).toBe('schema');
    expect(e.pointer).toBe('/totals');
  });
});

describe('parseSweepJsonl', () => {
  const ok = '{"id":"a","index":0,"point":{"params":{"/x":1}},"ok":true,"objectives":{"latencySeconds":1}}';
  it('skipsBlankLinesAndNamesTheBadLine', () => {
    expect(parseSweepJsonl(`${ok}\n\n${ok}\n`)).toHaveLength(2);
    const e = errorOf(() => parseSweepJsonl(`${ok}\n{oops\n`, 's.jsonl'));
    expect(e.toLine()).toMatch(/^error: s\.jsonl: line 2: malformed JSON/);
  });

  it('requiresObjectivesOrReason', () => {
    expect(errorOf(() => parseSweepJsonl('{"id":"a","index":0,"point":{},"ok":true}')).message).toMatch(
      /line 1: a feasible point needs an 'objectives' object/,
    );
    expect(errorOf(() => parseSweepJsonl('{"id":"a","index":0,"point":{},"ok":false}')).message).toMatch(/line 1: an infeasible point needs a string 'reason'/);
    expect(errorOf(() => parseSweepJsonl('\n\n')).message).toMatch(/no results/);
  });
});
