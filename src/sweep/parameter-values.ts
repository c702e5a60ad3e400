/** The values one sweep parameter takes: a list, a linear range or a log range (spec.ts). */

/** A parameter's value description (structural: spec.ts's ParameterSpec is one). */
export interface ParameterValuesSpec {
  pointer?: string;
  values?: (number | string | boolean)[];
  range?: { start: number; stop: number; step: number };
  logRange?: { start: number; stop: number; num: number; integer?: boolean };
}

/**
 * The most values one parameter may take (checked at spec load, before any value is made):
 * a `range` of 10^12 steps or a `logRange` of num 10^9 must be an error, not a fatal
 * out-of-memory (docs/sweeps.md).
 */
export const MAX_PARAMETER_VALUES = 100_000;

/** How many values a parameter takes, counted without making them. */
export function parameterValueCount(p: ParameterValuesSpec): number {
  if (p.values) return p.values.length;
  if (p.range) {
    const { start, stop, step } = p.range;
    return Math.floor((stop - start) / step + 1e-9) + 1;
  }
  return p.logRange!.num;
}

export function parameterValues(p: ParameterValuesSpec): (number | string | boolean)[] {
  if (p.values) return p.values;
  const count = parameterValueCount(p);
  if (!(count <= MAX_PARAMETER_VALUES))
    throw new Error(`parameter ${p.pointer ?? ''} has ${count} values (the spec loader bounds it at ${MAX_PARAMETER_VALUES})`);
  if (p.range) {
    const out: number[] = [];
    const { start, step } = p.range;
    for (let i = 0; i < count; i++) out.push(Number((start + i * step).toPrecision(12)));
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
