/**
 * Unit conventions (decided once, see docs/units.md):
 * - SI inside: seconds, bytes, Hz, W; energy in pJ where a name says `Pj`, J where it says `J`.
 * - Bandwidth and FLOP rates use decimal prefixes (1 GB/s = 1e9 B/s, 1 TFLOP/s = 1e12).
 * - DRAM capacities use binary prefixes, as DRAM is built (an "80 GB" H100 has 80 GiB).
 */
export const KiB = 1024;
export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;
export const GB = 1e9;
export const TB = 1e12;

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  const a = Math.abs(s);
  if (a === 0) return '0 s';
  if (a < 1e-6) return `${(s * 1e9).toPrecision(3)} ns`;
  if (a < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (a < 1) return `${(s * 1e3).toPrecision(3)} ms`;
  // toPrecision(3) turns 1380 s into '1.38e+3 s'; long runs read better as whole seconds.
  if (a >= 999.5) return `${Math.round(s)} s`;
  return `${s.toPrecision(3)} s`;
}

export function formatBytes(b: number): string {
  const a = Math.abs(b);
  if (a >= GiB) return `${(b / GiB).toFixed(2)} GiB`;
  if (a >= MiB) return `${(b / MiB).toFixed(2)} MiB`;
  if (a >= KiB) return `${(b / KiB).toFixed(2)} KiB`;
  return `${b.toFixed(0)} B`;
}

/** Engineering notation with an SI prefix: 1.23 T, 456 G. */
export function formatSi(v: number, unit = ''): string {
  const a = Math.abs(v);
  const prefixes: [number, string][] = [
    [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'],
  ];
  for (const [f, p] of prefixes) if (a >= f) return `${(v / f).toPrecision(3)} ${p}${unit}`;
  if (a === 0) return `0 ${unit}`.trim();
  return `${v.toPrecision(3)} ${unit}`.trim();
}
