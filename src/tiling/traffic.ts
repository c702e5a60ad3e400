/**
 * Loop-nest traffic of a tiled matrix product C[M,N] += A[M,K]·B[K,N]: how many bytes each
 * level moves for a given output tile (tm × tn) and the reuse a cache of a given size gives.
 * Generic: any model that tiles a GEMM (GPU CTAs, FPGA arrays, LUT units) can use it.
 */
import { tilesAlong } from './tiles.ts';

export interface GemmExtent {
  m: number;
  n: number;
  k: number;
  /** Independent products (batched GEMM). */
  batch: number;
}

export interface OperandBytes {
  /** Bytes per element of A, B and C as stored. */
  a: number;
  b: number;
  c: number;
  /** B is shared by every batch instance (a weight); otherwise each instance has its own. */
  bShared: boolean;
}

/** Compulsory bytes: each operand read once, C written once. */
export function compulsoryBytes(e: GemmExtent, o: OperandBytes): { a: number; b: number; c: number } {
  return {
    a: e.batch * e.m * e.k * o.a,
    b: (o.bShared ? 1 : e.batch) * e.k * e.n * o.b,
    c: e.batch * e.m * e.n * o.c,
  };
}

/**
 * Bytes the tiles pull into the compute units' local memory: each output tile streams a tm×K
 * panel of A and a K×tn panel of B (output-stationary loop nest). A is re-read once per column
 * of tiles and B once per row of tiles.
 */
export function tileStreamBytes(e: GemmExtent, tm: number, tn: number, o: OperandBytes): { a: number; b: number } {
  const rows = tilesAlong(e.m, tm);
  const cols = tilesAlong(e.n, tn);
  return {
    a: e.batch * cols * e.m * e.k * o.a,
    b: e.batch * rows * e.n * e.k * o.b,
  };
}

/**
 * Bytes read from the level behind a cache of `cacheBytes` (e.g. DRAM behind the L2) when the
 * output tiles run in waves of `concurrentTiles`, each wave covering a near-square block of
 * tiles (swizzled rasterization). If both operands fit in the cache together they are read
 * once (compulsory); otherwise each wave brings in the A rows and B columns it touches, and
 * the total is bounded below by the compulsory bytes and above by the tile-stream bytes.
 */
export function cachedOperandBytes(
  e: GemmExtent,
  tm: number,
  tn: number,
  o: OperandBytes,
  concurrentTiles: number,
  cacheBytes: number,
): { a: number; b: number } {
  // compulsoryBytes' a and b, without its object: this runs for every tile candidate of every GEMM plan.
  const comp = { a: e.batch * e.m * e.k * o.a, b: (o.bShared ? 1 : e.batch) * e.k * e.n * o.b };
  if (comp.a + comp.b <= cacheBytes) return comp;
  const stream = tileStreamBytes(e, tm, tn, o);
  const rows = tilesAlong(e.m, tm);
  const cols = tilesAlong(e.n, tn);
  const perInstance = rows * cols;
  const w = Math.max(1, Math.min(concurrentTiles, perInstance));
  // A wave covers r rows × c columns of tiles, r·c ≈ w, as square as the grid allows.
  let r = Math.min(rows, Math.max(1, Math.round(Math.sqrt(w))));
  const c = Math.min(cols, Math.max(1, Math.ceil(w / r)));
  r = Math.min(rows, Math.max(1, Math.ceil(w / c)));
  // Per instance: every wave of r×c tiles loads r row-panels of A and c column-panels of B.
  // An operand that fits in half the cache on its own stays resident and is read once.
  const a = comp.a <= cacheBytes / 2 ? comp.a : Math.min(stream.a, Math.max(comp.a, e.batch * (cols / c) * e.m * e.k * o.a));
  const b = comp.b <= cacheBytes / 2 ? comp.b : Math.min(stream.b, Math.max(comp.b, e.batch * (rows / r) * e.n * e.k * o.b));
  return { a, b };
}
