/** Resume reads the partial file line by line: the done indices, a cut last line dropped (the file truncated to its last whole line), corruption named. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExisting } from '../../src/sweep/results-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-read-existing-'));
const line = (index: number, spec = 'h') => JSON.stringify({ id: `p${index}`, index, spec, point: {}, ok: true, objectives: { é: 1 } });
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('readExisting', () => {
  it('every whole line counts; a last line without newline is cut off, byte-exact (multi-byte characters included)', () => {
    const whole = [5, 1, 9, 1].map((i) => line(i) + '\n').join('');
    const f = file('cut.jsonl', whole + line(7).slice(0, 20));
    const r = readExisting(f, 'h');
    expect([...r.done]).toEqual([1, 5, 9]);
    expect(r.done.size).toBe(3);
    expect(r.truncatedBytes).toBe(20);
    expect(readFileSync(f, 'utf8')).toBe(whole);
  });

  it('a whole file keeps every byte; a malformed last line is dropped; a malformed line before a whole one is corruption', () => {
    const text = [0, 1, 2].map((i) => line(i) + '\n').join('');
    expect(readExisting(file('whole.jsonl', text), 'h')).toMatchObject({ truncatedBytes: 0 });
    const bad = file('bad-last.jsonl', text + '{"id":"p3"\n');
    expect(readExisting(bad, 'h').truncatedBytes).toBe('{"id":"p3"\n'.length);
    expect(() => readExisting(file('mid.jsonl', line(0) + '\n{oops\n' + line(2) + '\n'), 'h')).toThrow('line 2 is not valid JSON');
    // a broken line followed only by a cut one: a kill mid-write, not corruption
    expect(readExisting(file('mid-cut.jsonl', line(0) + '\n{oops\n' + line(2).slice(0, 9)), 'h').done.size).toBe(1);
  });

  it('a line of another spec, or without an index, is an error naming it', () => {
    expect(() => readExisting(file('other.jsonl', line(0) + '\n' + line(1, 'x') + '\n'), 'h')).toThrow('line 2 comes from another sweep spec (x ≠ h)');
    expect(() => readExisting(file('noindex.jsonl', '{"spec":"h"}\n'), 'h')).toThrow('line 1 has no point index');
  });
});
