/**
 * Process-node energy scaling after Stillmaker & Baas, Integration 58 (2017) 74–81, as used by
 * the Accelergy library plug-in (scaling.py): E(node) ∝ a·V² + b·V + c at V = 0.8 V; below 7 nm
 * multiply by sqrt(node_Y / node_X) (IRDS).
 */
const COEFFS: Record<number, [number, number, number]> = {
  130: [7.171, -6.709, 2.904],
  90: [4.762, -4.781, 2.092],
  65: [3.755, -4.398, 1.975],
  45: [1.103, -0.362, 0.2767],
  32: [0.9559, -0.7823, 0.471],
  20: [0.373, -0.1582, 0.04104],
  16: [0.2958, -0.1241, 0.03024],
  14: [0.2363, -0.09675, 0.02239],
  10: [0.2068, -0.09311, 0.02375],
  7: [0.1776, -0.09097, 0.02447],
};
const V = 0.8;
/** The supply voltage the scaled logic/SRAM energies of the tables hold at (Stillmaker & Baas polynomials evaluated at V). */
export const TABLE_VOLTAGE_V = V;
const NODES = Object.keys(COEFFS)
  .map(Number)
  .sort((a, b) => b - a);

function poly(node: number): number {
  const c = COEFFS[node]!;
  return c[0] * V * V + c[1] * V + c[2];
}

/**
 * Relative energy of a node (the Stillmaker & Baas polynomial at V), log-interpolated between
 * tabulated nodes; below 7 nm the IRDS sqrt rule, no further scaling below 1 nm; above 130 nm held
 * at 130 nm (no data).
 */
export function relativeNodeEnergy(node: number): number {
  let e = byNode.get(node);
  if (e === undefined) {
    if (!(node > 0) || !Number.isFinite(node)) throw new Error(`energy: process node must be a positive number of nm (got ${node})`);
    e = relative(node);
    if (byNode.size < 256) byNode.set(node, e); // a config has a few nodes; every op of every point asks again
  }
  return e;
}
const byNode = new Map<number, number>();

function relative(node: number): number {
  if (node <= 7) return poly(7) * Math.sqrt(Math.max(node, 1) / 7);
  if (node >= 130) return poly(130);
  for (let i = 0; i < NODES.length - 1; i++) {
    const hi = NODES[i]!;
    const lo = NODES[i + 1]!;
    if (node <= hi && node >= lo) {
      const t = Math.log(node / lo) / Math.log(hi / lo);
      return Math.exp(Math.log(poly(lo)) + t * (Math.log(poly(hi)) - Math.log(poly(lo))));
    }
  }
  return poly(45);
}

/** Factor that scales an energy at `fromNm` to `toNm`. */
export function nodeEnergyScale(fromNm: number, toNm: number): number {
  return relativeNodeEnergy(toNm) / relativeNodeEnergy(fromNm);
}
