/**
 * `accelscope formats [NAME] [--codes] [--encode LIST] [--saturate] [--json]`: lists every number
 * format (bits, range, scale, overflow rule), the value of every code of one, or encodes numbers.
 */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { codeDecoder, codeValue, formatInfo, listedFormats, type FormatInfo } from '../../quant/catalog.ts';
import { minifloat } from '../../quant/minifloat.ts';
import { e8m0Decode, e8m0Encode } from '../../quant/e8m0.ts';
import { quantizeTensor, dequantize } from '../../quant/codec.ts';
import { renderTable } from '../table.ts';
import { AccelscopeError } from '../../util/errors.ts';
import { writeJsonWithArray } from '../json-stream.ts';
import { codeJsonWriter } from '../code-json.ts';

export interface FormatsArgs {
  name?: string;
  codes: boolean;
  encode?: string;
  saturate: boolean;
  json: boolean;
}

function parseNumbers(text: string): number[] {
  return text.split(',').map((t) => {
    const s = t.trim().toLowerCase();
    const inf = /^([+-]?)inf(inity)?$/.exec(s);
    const v = s === 'nan' ? NaN : inf ? (inf[1] === '-' ? -Infinity : Infinity) : s === '' ? NaN : Number(s);
    if (Number.isNaN(v) && s !== 'nan') throw new AccelscopeError('bad-flag', `--encode: '${t}' is not a number`);
    return v;
  });
}

const hex = (c: number, bits: number) => `0x${(c >>> 0).toString(16).padStart(Math.ceil(bits / 4), '0')}`;
const val = (v: number) => (Number.isFinite(v) ? v : null);
const special = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : undefined);

/** Encodes numbers: element formats one by one; tensor formats (int, block, ternary) as one row. */
export function encodeNumbers(name: string, xs: number[], saturate: boolean): object {
  const mf = minifloat(name);
  if (mf) {
    return {
      format: name,
      overflow: saturate ? 'saturate' : mf.spec.overflow,
      values: xs.map((x) => {
        const c = mf.encode(x, saturate ? 'saturate' : mf.spec.overflow);
        const v = mf.decode(c);
        return { input: val(x), code: c, hex: hex(c, mf.bits), value: val(v), ...(special(v) ? { special: special(v) } : {}) };
      }),
    };
  }
  if (name === 'e8m0') {
    return {
      format: name,
      values: xs.map((x) => {
        const c = e8m0Encode(x);
        const v = e8m0Decode(c);
        return { input: val(x), code: c, hex: hex(c, 8), value: val(v), ...(special(v) ? { special: special(v) } : {}) };
      }),
    };
  }
  const q = quantizeTensor(name, xs, 1, xs.length);
  const d = dequantize(q);
  return {
    format: name,
    scales: Array.from(q.scales, (s, i) => ({ value: val(s), code: q.scaleCodes[i], format: q.scaleFormat, ...(q.zeros ? { zero: q.zeros[i] } : {}) })),
    ...(q.tensorScale !== 1 ? { tensorScale: q.tensorScale } : {}),
    values: xs.map((x, i) => ({ input: val(x), code: q.codes[i], element: val(q.values[i]!), value: val(d[i]!) })),
  };
}

export const formatsCommand = {
  command: 'formats [name]',
  describe: 'list number formats; with NAME: --codes (value of every code) or --encode numbers',
  builder: (y: Argv) =>
    y
      .positional('name', { type: 'string', describe: 'a format (fp8-e4m3, mxfp4, int4-g128, e8m0 …)' })
      .option('codes', { type: 'boolean', default: false, describe: 'print the value of every code of NAME (block formats: of their element)' })
      .option('encode', { type: 'string', describe: 'comma-separated numbers to encode in NAME, e.g. 0.3,-7,1e9 (int/block formats: one row)' })
      .option('saturate', { type: 'boolean', default: false, describe: "element formats: saturate to ±max instead of the format's overflow rule" })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/cli.md)' }),
  handler: (a: FormatsArgs, io: Io): number => {
    if (!a.name) {
      if (a.codes || a.encode !== undefined) throw new AccelscopeError('bad-flag', '--codes and --encode need a format NAME');
      const infos = listedFormats().map(formatInfo);
      io.out(a.json ? JSON.stringify(infos, null, 2) + '\n' : renderInfos(infos));
      return 0;
    }
    if (a.codes && a.encode !== undefined) throw new AccelscopeError('bad-flag', 'give either --codes or --encode, not both');
    if (a.codes) {
      const d = codeDecoder(a.name);
      const listed: number[] = [];
      for (let c = 0; c < 2 ** d.bits; c++) if (!d.unused(c)) listed.push(c);
      // Up to 65,536 codes: streamed, one compact code per line (docs/cli.md).
      if (a.json) writeJsonWithArray(io, { format: a.name, element: d.element }, 'codes', listed, codeJsonWriter(d));
      else {
        const codes = listed.map((c) => codeValue(d, c));
        io.out(
          renderTable(
            ['code', 'bits', 'value'],
            codes.map((c) => [c.hex, c.bits, c.value === null ? c.special! : String(c.value)]),
            [1],
          ),
        );
      }
      return 0;
    }
    if (a.encode !== undefined) {
      const out = encodeNumbers(a.name, parseNumbers(a.encode), a.saturate) as {
        values: { input: number | null; hex?: string; code: number; value: number | null }[];
      };
      if (a.json) io.out(JSON.stringify(out, null, 2) + '\n');
      else
        io.out(
          renderTable(
            ['input', 'code', 'value'],
            out.values.map((v) => [String(v.input), v.hex ?? String(v.code), String(v.value)]),
            [],
          ),
        );
      return 0;
    }
    const info = formatInfo(a.name);
    io.out(a.json ? JSON.stringify(info, null, 2) + '\n' : renderInfos([info]));
    return 0;
  },
};

const num = (v: number | null) => (v === null ? '-' : Number.isInteger(v) && Math.abs(v) < 1e6 ? String(v) : v.toPrecision(6));

function renderInfos(infos: FormatInfo[]): string {
  return renderTable(
    ['format', 'bits', 'bits/elem', 'max', 'min normal', 'min subnormal', 'scale', 'overflow'],
    infos.map((f) => [f.name, f.bits, +f.bitsPerElement.toFixed(5), num(f.max), num(f.minNormal), num(f.minSubnormal), f.scale, f.overflow]),
    [0, 6, 7],
  );
}
