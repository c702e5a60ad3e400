/**
 * A systolic-array host (NeuPIMs' NPU) running one GEMM instance y[M×N] = x[M×K] · W[K×N]:
 *   1. L2 tiles: the scratchpad holds one (m, k, n) tile of x, W and y in half its bytes (the other
 *      half prefetches the next: double buffering); the largest dimension is halved (rounded up)
 *      until the tile, padded to the array's rows/cols, fits.
 *   2. Stationary tiles: a rows × cols slice of the stationary operand (K × tokens for
 *      'activations', K × N for 'weights') is preloaded into the PEs — `rows` cycles — then the
 *      other operand's rows stream through, one per cycle.
 *      'broadcast': every array holds the same stationary tile and takes 1/arrays of the streamed
 *      rows, issued as instructions of `cols` rows; as in NeuPIMs' `issue_ex_inst`, the next
 *      preload starts `rows` cycles after the previous instruction's start, so the last
 *      instruction's stream (⌈cols / arrays⌉ cycles at most) hides under it: a tile costs
 *      rows + ⌈S / arrays⌉ − min(⌈S / arrays⌉, ⌈cols / arrays⌉), and the GEMM's last tile pays
 *      its hidden part once. 'independent': stationary tiles spread over the arrays in waves.
 *   3. Pipeline fill and drain (rows + cols − 2) once per GEMM.
 *   4. Memory: every L2 tile loads its x and W slices (loop order tokens → N → K, partial sums kept
 *      in the accumulator), so W is read once per token tile and x once per N tile; y is written
 *      once. seconds = max(compute, bytes / the DRAM's sustained streaming bandwidth).
 * A stationary tile only partly filled (fewer tokens than columns) costs the same cycles: that is
 * why a batch smaller than the array width wastes the NPU, and why two sub-batches of half the
 * array width each cost a whole batch's GEMM time.
 */
import type { GemmOp } from '../../workload/graph.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { activationStorageBytes, instances } from '../../workload/ops.ts';
import type { SystolicHost } from './schema.ts';

export interface SystolicGemm {
  /** Tokens (rows of x), reduction depth, outputs. */
  m: number;
  k: number;
  n: number;
  /** Bytes per element of x/y and of W as stored. */
  actBytes: number;
  weightBytes: number;
}

export interface SystolicResult {
  cycles: number;
  computeSeconds: number;
  /** Bytes moved between DRAM and the scratchpad. */
  bytes: number;
  l2: { m: number; k: number; n: number };
  l2Tiles: number;
  stationaryTiles: number;
  /** Useful MACs / (PEs × cycles). */
  utilization: number;
}

const padTo = (x: number, t: number) => Math.ceil(x / t) * t;

/** L2 tile (inner sizes) and how many of them cover the GEMM (outer counts). */
export function l2Tile(g: SystolicGemm, s: SystolicHost): { inner: [number, number, number]; outer: [number, number, number] } {
  const inner: [number, number, number] = [g.m, g.k, g.n];
  const outer: [number, number, number] = [1, 1, 1];
  const quantum: [number, number, number] = s.stationary === 'weights' ? [1, s.rows, s.cols] : [s.cols, s.rows, 1];
  const bytes = () => {
    const [m, k, n] = inner.map((v, i) => padTo(v, quantum[i]!)) as [number, number, number];
    return m * k * g.actBytes + k * n * g.weightBytes + m * n * g.actBytes;
  };
  while (bytes() > s.scratchpadBytes / 2) {
    let i = 0;
    for (let j = 1; j < 3; j++) if (inner[j]! > inner[i]!) i = j;
    if (inner[i]! <= 1) break;
    inner[i] = Math.ceil(inner[i]! / 2);
    outer[i] = outer[i]! * 2;
  }
  return { inner, outer };
}

export function systolicGemm(g: SystolicGemm, s: SystolicHost): SystolicResult {
  if (g.m <= 0 || g.k <= 0 || g.n <= 0)
    return { cycles: 0, computeSeconds: 0, bytes: 0, l2: { m: 0, k: 0, n: 0 }, l2Tiles: 0, stationaryTiles: 0, utilization: 0 };
  const {
    inner: [mi, ki, ni],
    outer: [mo, ko, no],
  } = l2Tile(g, s);
  const l2Tiles = mo * ko * no;
  // Stationary tile: K along the rows, tokens (activations) or outputs (weights) along the columns.
  const statOther = s.stationary === 'activations' ? mi : ni;
  const streamed = s.stationary === 'activations' ? ni : mi;
  const perL2Stationary = Math.ceil(ki / s.rows) * Math.ceil(statOther / s.cols);
  // Broadcast: the streamed rows issue as instructions of `cols` rows (⌈cols / arrays⌉ cycles each);
  // the next tile's preload starts `rows` cycles after the last instruction's start, so that
  // instruction's stream hides under it — paid once, by the GEMM's last tile.
  const streamCycles = Math.ceil(streamed / s.arrays);
  const hiddenCycles = Math.min(streamCycles, Math.ceil(s.cols / s.arrays));
  const perL2Cycles =
    s.arrayMode === 'broadcast' ? perL2Stationary * (s.rows + streamCycles - hiddenCycles) : Math.ceil(perL2Stationary / s.arrays) * (s.rows + streamed);
  const lastStream = s.arrayMode === 'broadcast' ? hiddenCycles : 0;
  const cycles = l2Tiles * perL2Cycles + lastStream + s.rows + s.cols - 2;
  const bytes = g.k * g.n * g.weightBytes * mo + g.m * g.k * g.actBytes * no + g.m * g.n * g.actBytes;
  const macs = g.m * g.k * g.n;
  return {
    cycles,
    computeSeconds: cycles / s.clockHz,
    bytes,
    l2: { m: mi, k: ki, n: ni },
    l2Tiles,
    stationaryTiles: l2Tiles * perL2Stationary,
    utilization: macs / (s.arrays * s.rows * s.cols * cycles),
  };
}

/** A graph GEMM op on the systolic host: every instance (count × batch of weight-free matmuls) timed as above. */
export function systolicGemmOp(op: GemmOp, s: SystolicHost, q: QuantScheme): { computeSeconds: number; bytes: number; breakdown: Record<string, number> } {
  const act = activationStorageBytes(q);
  const weightBytes = (op.weight === 'layer' ? q.weights.bitsPerElement : op.weight === 'aux' ? q.embeddings.bitsPerElement : act * 8) / 8;
  // A weight matrix is shared by the whole batch (M = tokens); weight-free matmuls are `batch` separate GEMMs.
  const shared = op.weight !== 'none';
  const r = systolicGemm({ m: shared ? op.m * op.batch : op.m, k: op.k, n: op.n, actBytes: act, weightBytes }, s);
  const reps = instances(op) * (shared ? 1 : op.batch);
  return {
    computeSeconds: r.computeSeconds * reps,
    bytes: r.bytes * reps,
    breakdown: { npuCycles: r.cycles * reps, npuStationaryTiles: r.stationaryTiles * reps, npuL2Tiles: r.l2Tiles * reps, npuArrayUtilization: r.utilization },
  };
}
