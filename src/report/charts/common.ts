/**
 * What every chart shares: the vega-lite spec type, the schema URL (a string, never fetched),
 * sizes and the look. Each chart kind is its own file beside this one and returns a spec.
 */
import type { TopLevelSpec } from 'vega-lite';

export type VlSpec = TopLevelSpec;

export const VL_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export const WIDTH = 640;
export const HEIGHT = 400;

/** Op-class and energy-component colours, fixed so the same class looks the same in every chart. */
export const ENERGY_COMPONENTS = ['compute', 'on-chip', 'off-chip', 'static'] as const;
export type EnergyComponent = (typeof ENERGY_COMPONENTS)[number];

export const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const, gridColor: '#e8e8e8', labelOverlap: 'greedy' as const, labelSeparation: 6 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  view: { stroke: '#ccc' },
};

/**
 * A number to 6 significant digits, for data embedded in a page: charts and tooltips show 3–4,
 * and full float64 digits would double the size of a report.
 */
export function sig6(v: number): number {
  return Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(6)) : v;
}

/** Largest power of ten ≤ v (and smallest ≥ v): log-axis domains that start and end on a decade. */
export function decadeFloor(v: number): number {
  return 10 ** Math.floor(Math.log10(v));
}
export function decadeCeil(v: number): number {
  return 10 ** Math.ceil(Math.log10(v));
}

/** True when positive finite values span at least `decades` powers of ten (a log axis reads better). */
export function spansDecades(values: number[], decades: number): boolean {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length < 2 || pos.length !== values.length) return false;
  return Math.log10(Math.max(...pos) / Math.min(...pos)) >= decades;
}
