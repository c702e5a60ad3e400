/**
 * The JSON text of one code of `formats NAME --codes --json`, written straight from the decoder:
 * the same text as JSON.stringify(codeValue(d, c)) (test/cli/formats.test.ts checks every code of
 * several formats), without the 65,536 intermediate objects and their garbage for fp16. Hex and
 * bit strings come from 256-entry tables of the code's low and high byte.
 */
import type { CodeDecoder } from '../quant/catalog.ts';

const HEX8 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const BIN8 = Array.from({ length: 256 }, (_, i) => i.toString(2).padStart(8, '0'));

/** A function from code to its JSON text, for one decoder (tables for its width built once). */
export function codeJsonWriter(d: CodeDecoder): (code: number) => string {
  const { bits } = d;
  const hexDigits = Math.ceil(bits / 4);
  // Codes of more than 8 bits: the high byte's digits from a table of its own width.
  const hiHex = bits > 8 ? Array.from({ length: 1 << (bits - 8) }, (_, i) => i.toString(16).padStart(hexDigits - 2, '0')) : [];
  const hiBin = bits > 8 ? Array.from({ length: 1 << (bits - 8) }, (_, i) => i.toString(2).padStart(bits - 8, '0')) : [];
  const hex = (c: number) => (bits > 8 ? hiHex[c >> 8]! + HEX8[c & 255]! : HEX8[c]!.slice(2 - hexDigits));
  const bin = (c: number) => (bits > 8 ? hiBin[c >> 8]! + BIN8[c & 255]! : BIN8[c]!.slice(8 - bits));
  return (c) => {
    const v = d.decode(c);
    const head = `{"code":${c},"hex":"0x${hex(c)}","bits":"${bin(c)}","value":`;
    if (Number.isFinite(v)) return `${head}${v}}`;
    return `${head}null,"special":"${v !== v ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}"}`;
  };
}
