/**
 * The `fpga` section of an fpga-dsp-chain arch config: the device (what the die offers) and the
 * accelerator built on it (FlightLLM-style: cores of matrix processing engines made of cascaded
 * DSP chains, a special-function unit, on-chip buffers, HBM/DDR placement). Units in names.
 */
import type { ArchConfig } from '../../arch/base.ts';

export type DspKind = 'DSP48E2' | 'DSP58';
export type OnChipMemory = 'bram' | 'uram';
export type OffChipMemory = 'hbm' | 'ddr';

export interface FpgaDevice {
  part: string;
  dsp: DspKind;
  dspSlices: number;
  bram36Blocks: number;
  uramBlocks: number;
  /** Data bytes one BRAM36 holds at the widths the buffers use (parity bits not used for data). */
  bram36DataBytes: number;
  /** Data bytes one URAM288 holds (72-bit words, 64 data bits). */
  uramDataBytes: number;
  /** Super logic regions: at most one accelerator core per SLR. */
  slrs: number;
}

/** N:M structured sparsity: n nonzeros kept per group of m (n may be an average over a mix of N:m groups). */
export interface NmSparsity {
  ops: string[];
  pattern: 'nm';
  n: number;
  m: number;
  /** Index bits stored and read per nonzero (log2 m for a position index). */
  indexBits: number;
}

/** Block sparsity: whole blockSize×blockSize weight blocks are zero; `density` of blocks kept. */
export interface BlockSparsity {
  ops: string[];
  pattern: 'block';
  blockSize: number;
  density: number;
  /** Index bits per block (kept or skipped), stored and read for every block. */
  indexBitsPerBlock: number;
}

export type SparsityRule = NmSparsity | BlockSparsity;

export interface Mpe {
  /** DSP chains per core (one output column or row per chain per pass). */
  chains: number;
  /** DSPs cascaded through PCIN/PCOUT in one chain: the K elements reduced per cycle. */
  chainLength: number;
  /** Products one DSP computes per cycle by compute dtype (INT8 packing: 2 on DSP48E2). A dtype not listed is unsupported. */
  productsPerDsp: Record<string, number>;
  /** Pipeline stages outside the cascade (operand registers, multiplier register, output register, buffer read). */
  extraPipelineStages: number;
  /** Weight-buffer read width in matrix-vector mode: weights reach the chains at this many bytes per cycle. */
  gemvWeightPortBytesPerCycle: number;
  /** Output columns one matrix-vector instruction computes (tiles are spread over the cores). */
  gemvColumnTile: number;
  /**
   * Where a DSP's several products go: 'shared-activation' (DSP48E2 INT8 packing, WP486: two
   * weights packed in the 27-bit port share one activation → products feed P output columns) or
   * 'dot-product' (DSP58 INT8 mode: P products along K summed in one DSP).
   */
  packing: 'shared-activation' | 'dot-product';
  /**
   * Width of the low product field when two products share one DSP (WP486: the second operand is
   * shifted by 18). A cascade of L packed DSPs stays exact only while L·max|a·w| < 2^(bits−1);
   * beyond that the chain runs one product per DSP.
   */
  packedLowFieldBits: number;
}

export interface Sfu {
  /** Elements the special-function unit of one core consumes per cycle. */
  elementsPerCycle: number;
  /** Passes over the data per op type (a norm reads once for statistics, once to scale). */
  passes: { norm: number; softmax: number; elementwise: number };
  /** Pipeline latency of one SFU op, cycles. */
  latencyCycles: number;
}

export interface BufferSpec {
  bytes: number;
  memory: OnChipMemory;
}

export interface FpgaAccelerator {
  clockHz: number;
  cores: number;
  hbmChannelsPerCore: number;
  mpe: Mpe;
  sparsity?: SparsityRule[];
  sfu: Sfu;
  /** Per-core buffers; `global` holds the activations kept on chip, `weight` the double-buffered weight tiles. */
  buffers: Record<string, BufferSpec> & { global: BufferSpec; weight: BufferSpec };
  /** Decode keeps activations on chip between ops (FlightLLM "always-on-chip decode"). */
  alwaysOnChipDecode: boolean;
  /** Where each class of off-chip data lives. */
  placement: { weights: OffChipMemory; kv: OffChipMemory; activations: OffChipMemory };
  /** Cycles of the barrier that ends each op across cores (cross-SLR handshake). */
  syncCyclesPerOp: number;
}

export interface FpgaSection {
  device: FpgaDevice;
  hbm: { pseudoChannels: number };
  ddr?: { type: string; capacityBytes: number; bandwidthBps: number };
  accelerator: FpgaAccelerator;
}

export interface FpgaArchConfig extends ArchConfig {
  fpga: FpgaSection;
}
