/**
 * Counting helpers shared by every tiled model (GPU CTAs, FPGA PE arrays, LUT units): how many
 * tiles cover a problem, how many waves they take over a number of parallel units, and how much
 * of the tiled work is padding. Pure integer arithmetic, no hardware assumptions.
 */

/** ⌈a / b⌉ for positive integers (b > 0). */
export function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}

/** Tiles of size `tile` that cover `extent` along one dimension (0 when extent is 0). */
export function tilesAlong(extent: number, tile: number): number {
  if (!(tile > 0)) throw new RangeError(`tile size must be positive (got ${tile})`);
  return extent <= 0 ? 0 : Math.ceil(extent / tile);
}

/** Tiles covering a multi-dimensional extent: ∏ ⌈extentᵢ / tileᵢ⌉. */
export function tileCount(extent: readonly number[], tile: readonly number[]): number {
  if (extent.length !== tile.length) throw new RangeError('extent and tile must have the same rank');
  let n = 1;
  for (let i = 0; i < extent.length; i++) n *= tilesAlong(extent[i]!, tile[i]!);
  return n;
}

/** Fraction of the tiled work that is useful: ∏ extentᵢ / ∏ (⌈extentᵢ/tileᵢ⌉·tileᵢ). */
export function tileUtilization(extent: readonly number[], tile: readonly number[]): number {
  let useful = 1;
  let padded = 1;
  for (let i = 0; i < extent.length; i++) {
    useful *= extent[i]!;
    padded *= tilesAlong(extent[i]!, tile[i]!) * tile[i]!;
  }
  return padded > 0 ? useful / padded : 0;
}

export interface Waves {
  /** Work items (tiles, CTAs). */
  items: number;
  /** Items that run at once (units × items resident per unit). */
  slots: number;
  /** ⌈items / slots⌉. */
  waves: number;
  /** Items in the last wave (= slots when it is full). */
  lastWaveItems: number;
  /** items / (waves · slots): the fraction of slot-time doing work (wave quantization). */
  efficiency: number;
}

/** Waves of `items` over `units` parallel units holding `perUnit` items each. */
export function waves(items: number, units: number, perUnit = 1): Waves {
  if (!(units >= 1) || !(perUnit >= 1)) throw new RangeError(`units and perUnit must be ≥ 1 (got ${units}, ${perUnit})`);
  const slots = units * perUnit;
  if (items <= 0) return { items: 0, slots, waves: 0, lastWaveItems: 0, efficiency: 0 };
  const w = Math.ceil(items / slots);
  return { items, slots, waves: w, lastWaveItems: items - (w - 1) * slots, efficiency: items / (w * slots) };
}

/**
 * Rounds of work of the busiest unit when `items` equal items are spread evenly over `units`
 * units: ⌈items / units⌉. This is the time, in item-times, of a throughput-bound unit that
 * time-shares its resident items (e.g. CTAs sharing an SM's tensor cores).
 */
export function busiestUnitItems(items: number, units: number): number {
  return items <= 0 ? 0 : Math.ceil(items / units);
}
