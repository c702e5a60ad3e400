/**
 * `formats NAME --codes --json` is written as it is produced (src/cli/json-stream.ts, one code per
 * line, text from src/cli/code-json.ts): it must stay one valid JSON document whose every line is
 * exactly JSON.stringify of the code object the catalog defines.
 */
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.ts';
import { writeJsonWithArray } from '../../src/cli/json-stream.ts';
import { codeJsonWriter } from '../../src/cli/code-json.ts';
import { codeDecoder, codeValue, formatCodes } from '../../src/quant/catalog.ts';
import { cli } from '../helpers.ts';

describe('writeJsonWithArray', () => {
  it('an empty array, one element, and many elements across chunks: JSON equal to the object', () => {
    const cases: unknown[][] = [[], [{ a: 1 }], Array.from({ length: 5000 }, (_, i) => ({ i, s: 'x'.repeat(i % 40), v: i / 7 }))];
    for (const items of cases) {
      const io = captureIo();
      const chunks: string[] = [];
      const out = io.out.bind(io);
      io.out = (t: string) => {
        chunks.push(t);
        out(t);
      };
      writeJsonWithArray<unknown>(io, { kind: 'k', n: null }, 'items', items);
      expect(JSON.parse(io.stdout)).toEqual({ kind: 'k', n: null, items });
      expect(io.stdout.endsWith(']}\n')).toBe(true);
      // Written in chunks of about 64 KB, never as one string of the whole document.
      if (items.length === 5000) {
        expect(chunks.length).toBeGreaterThan(2);
        expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70_000);
      }
    }
  });

  it('one element per line, the head fields on the first', () => {
    const io = captureIo();
    writeJsonWithArray(io, { format: 'x' }, 'codes', [1, 2, 3]);
    expect(io.stdout).toBe('{"format":"x","codes":[\n1,\n2,\n3\n]}\n');
  });

  it('an element with no JSON form is an error, not a hole in the output', () => {
    expect(() => writeJsonWithArray(captureIo(), {}, 'xs', [() => 1])).toThrow(/xs: an element has no JSON form/);
  });
});

describe('codeJsonWriter', () => {
  for (const name of ['fp16', 'bf16', 'fp8-e4m3', 'fp8-e5m2', 'fp6-e2m3', 'mxfp4', 'mxint8', 'e8m0', 'int4', 'int3-asym', 'int8', 'ternary', 'binary']) {
    it(`${name}: every code's text is JSON.stringify of its catalog object`, () => {
      const d = codeDecoder(name);
      const text = codeJsonWriter(d);
      const wrong: string[] = [];
      for (let c = 0; c < 2 ** d.bits; c++) {
        const want = JSON.stringify(codeValue(d, c));
        if (text(c) !== want) wrong.push(`${c}: ${text(c)} ≠ ${want}`);
      }
      expect(wrong.slice(0, 3)).toEqual([]);
    });
  }
});

describe('formats fp16 --codes --json', () => {
  it('65,536 codes, one per line, the same document as formatCodes', async () => {
    const r = await cli('formats', 'fp16', '--codes', '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(65536 + 2);
    expect(lines[0]).toBe('{"format":"fp16","element":"fp16","codes":[');
    expect(lines[1 + 0x7c00]).toBe('{"code":31744,"hex":"0x7c00","bits":"0111110000000000","value":null,"special":"+Inf"},');
    expect(lines[1 + 0x3c00]).toBe('{"code":15360,"hex":"0x3c00","bits":"0011110000000000","value":1},');
    const ref = formatCodes('fp16');
    // Same content as the whole object stringified at once (compared as text: -0 prints as 0 in both).
    expect(JSON.stringify(JSON.parse(r.stdout))).toBe(JSON.stringify({ format: 'fp16', element: ref.element, codes: ref.codes }));
  });
});
