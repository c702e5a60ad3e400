/** The values one sweep parameter takes: a list, a linear range or a log range (spec.ts). */

/** A parameter's value description (structural: spec.ts's ParameterSpec is one). */
export interface ParameterValuesSpec {
  pointer?: string;
  values?: (number | string | boolean)[];
  range?: { start: number; stop: number; step: number };
  logRange?: { start: number; stop: number; num: number; integer?: boolean };
}

export function parameterValues(p: ParameterValuesSpec): (number | string | boolean)[] {
  if (p.values) return p.values;
  if (p.range) {
    const out: number[] = [];
    const { start, stop, step } = p.range;
    const n = Math.floor((stop - start) / step + 1e-9);
    for (let i = 0; i <= n; i++) out.push(Number((start + i * step).toPrecision(12)));
    return out;
  }
  const { start, stop, num, integer } = p.logRange!;
  const out: number[] = [];
  for (let i = 0; i < num; i++) {
    const v = num === 1 ? start : start * Math.pow(stop / start, i / (num - 1));
    out.push(integer ? Math.round(v) : Number(v.toPrecision(12)));
  }
  return integer ? [...new Set(out)] : out;
}
