/**
 * The one number formatter of accelscope: the CLI tables, the HTML reports (tables, tooltips,
 * axis labels) and the in-browser explorer all print numbers through this file, built on
 * d3-format (the library vega itself formats with), so a figure reads the same everywhere.
 *
 * Rules (docs/units.md):
 * - SI prefixes with the unit, three significant digits, trailing zeros dropped:
 *   `48.2 k tokens/s`, `1.08 kJ`, `1.55 ms`, `8 TB/s`, `1.2 TFLOP`. A symbol unit takes the prefix
 *   (`kJ`, `ms`, `TB/s`); a word unit (`tokens/s`, `params`) is set apart (`48.2 k tokens/s`).
 * - Never exponent notation, never a bare `m` for milli: below 1 a unitless number prints as a
 *   decimal (`0.00155`), with a unit it takes the prefix with the unit (`1.55 ms`).
 * - Durations of 1000 s and more print as whole seconds with digit grouping (`1,380 s`), not `ks`.
 * - Byte amounts (capacities, footprints) use binary prefixes (`15.2 GiB`); rates use decimal
 *   ones (`8 TB/s`, via `formatQuantity(v, 'B/s')`).
 * - ASCII `-` for negatives, so a CSV of printed figures parses.
 *
 * API (small on purpose, so every command adopts it): formatQuantity, formatSeconds, formatBytes,
 * formatNumber, formatPercent, formatCount, and vegaLabelExpr for chart axes.
 */
import { formatLocale } from 'd3-format';

export const SIGNIFICANT_DIGITS = 3;

const locale = formatLocale({ decimal: '.', thousands: ',', grouping: [3], currency: ['$', ''], minus: '-' });

const siCache = new Map<number, (v: number) => string>();
const decCache = new Map<number, (v: number) => string>();
function si(digits: number): (v: number) => string {
  let f = siCache.get(digits);
  if (!f) siCache.set(digits, (f = locale.format(`.${digits}~s`)));
  return f;
}
function dec(digits: number): (v: number) => string {
  let f = decCache.get(digits);
  if (!f) decCache.set(digits, (f = locale.format(`,.${digits}~r`)));
  return f;
}

/** d3's SI output split into mantissa and prefix: "48.2k" → ["48.2", "k"]. */
const SPLIT = /^(.*?)([yzafpnµmkMGTPEZY]?)$/;

/** True for a unit written as a word (tokens/s, params, ops): set apart from the prefix. */
function isWordUnit(unit: string): boolean {
  return /^[a-z]{2,}/.test(unit);
}

/**
 * A value with an SI prefix and its unit, to `digits` significant digits (default 3).
 * `formatQuantity(48230, 'tokens/s')` → `48.2 k tokens/s`; `formatQuantity(1080, 'J')` → `1.08 kJ`;
 * `formatQuantity(8e12, 'B/s')` → `8 TB/s`; `formatQuantity(0.5)` → `0.5`.
 */
export function formatQuantity(value: number, unit = '', opts: { digits?: number } = {}): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'n/a' : value > 0 ? '∞' : '-∞';
  const digits = opts.digits ?? SIGNIFICANT_DIGITS;
  const a = Math.abs(value);
  // Unitless below 1, or beyond the last SI prefix: a plain decimal (no bare 'm', no exponent).
  if (value === 0 || ((unit === '' || isWordUnit(unit)) && a < 1) || a >= 1e27) {
    return unit ? `${dec(digits)(value)} ${unit}` : dec(digits)(value);
  }
  const [, mantissa, prefix] = SPLIT.exec(si(digits)(value))!;
  if (!unit) return prefix ? `${mantissa} ${prefix}` : mantissa!;
  if (isWordUnit(unit)) return prefix ? `${mantissa} ${prefix} ${unit}` : `${mantissa} ${unit}`;
  return `${mantissa} ${prefix}${unit}`;
}

/** A duration: `1.55 ms`, `12.3 s`, `0 s`; 1000 s and more as grouped whole seconds (`1,380 s`). */
export function formatSeconds(s: number): string {
  if (Number.isFinite(s) && Math.abs(s) >= 999.5) return `${locale.format(',.0f')(s)} s`;
  return formatQuantity(s, 's');
}

const BINARY: [number, string][] = [
  [1024 ** 5, 'PiB'],
  [1024 ** 4, 'TiB'],
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
];

/** A byte amount with binary prefixes (capacities, footprints, traffic): `15.2 GiB`, `512 B`. */
export function formatBytes(b: number, opts: { digits?: number } = {}): string {
  if (!Number.isFinite(b)) return formatQuantity(b);
  const digits = opts.digits ?? SIGNIFICANT_DIGITS;
  const a = Math.abs(b);
  // A unit is used from where the next smaller one would print 1,000 or more (1000 MiB → 0.977 GiB).
  const edge = (10 ** digits - 0.5) / 1024;
  for (const [f, u] of BINARY) if (a >= f * edge) return `${dec(digits)(b / f)} ${u}`;
  return `${locale.format(',.0f')(b)} B`;
}

/** A plain number to `digits` significant digits, no prefix, no exponent: ratios, FLOP/B, dB. */
export function formatNumber(v: number, digits = SIGNIFICANT_DIGITS): string {
  if (!Number.isFinite(v)) return formatQuantity(v);
  return dec(digits)(v);
}

/** A fraction as a percentage with `decimals` decimals: 0.1234 → `12.3%`. */
export function formatPercent(fraction: number, decimals = 1): string {
  if (!Number.isFinite(fraction)) return formatQuantity(fraction);
  return locale.format(`.${decimals}%`)(fraction);
}

/** An integer count with digit grouping: `12,345`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return formatQuantity(n);
  return Number.isInteger(n) ? locale.format(',d')(n) : dec(SIGNIFICANT_DIGITS)(n);
}

/**
 * A vega expression that prints the number `ref` (default `datum.value`, what an axis `labelExpr`
 * sees) the way formatQuantity does: vega's own `format` (d3-format, the same specifier) with the
 * prefix moved next to the unit, plain decimals below 1 for unitless and word-unit numbers, so no
 * axis reads "0m0.5m" or "1e-3". Use it for axis labels (vegaLabelExpr) and for tooltip text
 * (a `calculate` transform). Symbol units (s, J, B/s, FLOP/s) take the prefix; pass '' when the
 * axis title carries the unit.
 */
export function vegaFormatExpr(unit = '', ref = 'datum.value', digits = SIGNIFICANT_DIGITS): string {
  const v = ref;
  const siFmt = `format(${v}, '.${digits}~s')`;
  const decFmt = `format(${v}, ',.${digits}~r')`;
  if (!unit || isWordUnit(unit)) {
    const tail = unit ? ` + ' ${unit}'` : '';
    return `(${v} == 0 || abs(${v}) < 1 ? ${decFmt} : replace(${siFmt}, /([kMGTPEZY])$/, ' $1'))${tail}`;
  }
  const symbol = `replace(${siFmt}, /([yzafpnµmkMGTPEZY]?)$/, ${JSON.stringify(' $1' + unit)})`;
  const base = `(${v} == 0 ? '0 ${unit}' : ${symbol})`;
  return unit === 's' ? `(abs(${v}) >= 999.5 ? format(${v}, ',.0f') + ' s' : ${base})` : base;
}

/**
 * Tick labels of a log axis: only the decades are labelled (1 ms, 10 ms, 100 ms), the minor ticks
 * stay unlabelled, so a log axis never crowds ("2 3 4 5 6 7 8 …").
 */
export function vegaLogLabelExpr(unit = '', digits = SIGNIFICANT_DIGITS): string {
  return `abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6 ? ${vegaFormatExpr(unit, 'datum.value', digits)} : ''`;
}

/** Axis tick labels as formatQuantity prints them (a vega-lite `axis.labelExpr`). */
export function vegaLabelExpr(unit = '', digits = SIGNIFICANT_DIGITS): string {
  return vegaFormatExpr(unit, 'datum.value', digits);
}
