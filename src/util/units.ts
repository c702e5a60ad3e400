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

/**
 * Formatting lives in util/format.ts (d3-format, one formatter for the CLI and the reports);
 * these names stay so existing imports keep working. `formatSi(v, unit)` = formatQuantity.
 */
export { formatSeconds, formatBytes, formatQuantity as formatSi } from './format.ts';
