/**
 * Resources an fpga-dsp-chain accelerator uses (DSP slices, BRAM36/URAM blocks, SLRs, HBM
 * pseudo-channels) checked against its device. Over-subscription is an InfeasibleError naming the
 * JSON pointer of the value to change, so a sweep records it and `simulate` prints it.
 */
import { InfeasibleError } from '../../util/errors.ts';
import type { FpgaArchConfig, OnChipMemory } from './config.ts';

export interface ResourceUsage {
  dsps: number;
  dspFraction: number;
  bramBlocks: number;
  uramBlocks: number;
  bramFraction: number;
  uramFraction: number;
  hbmChannels: number;
}

/** Blocks one buffer of `bytes` needs in `memory` (whole blocks: a buffer never shares a block). */
export function blocksFor(bytes: number, memory: OnChipMemory, c: FpgaArchConfig): number {
  const per = memory === 'uram' ? c.fpga.device.uramDataBytes : c.fpga.device.bram36DataBytes;
  return Math.ceil(bytes / per);
}

export function resourceUsage(c: FpgaArchConfig): ResourceUsage {
  const { device, accelerator: a } = c.fpga;
  const dsps = a.cores * a.mpe.chains * a.mpe.chainLength;
  let bram = 0;
  let uram = 0;
  for (const b of Object.values(a.buffers)) {
    const n = blocksFor(b.bytes, b.memory, c) * a.cores;
    if (b.memory === 'uram') uram += n;
    else bram += n;
  }
  return {
    dsps,
    dspFraction: dsps / device.dspSlices,
    bramBlocks: bram,
    uramBlocks: uram,
    bramFraction: device.bram36Blocks > 0 ? bram / device.bram36Blocks : bram > 0 ? Infinity : 0,
    uramFraction: device.uramBlocks > 0 ? uram / device.uramBlocks : uram > 0 ? Infinity : 0,
    hbmChannels: a.cores * a.hbmChannelsPerCore,
  };
}

const checked = new WeakSet<object>();

/**
 * Throws an InfeasibleError for the first over-subscribed resource. `file` names the arch file
 * when the loader calls it. Results are cached per config object (configs are immutable).
 */
export function validateFpga(c: FpgaArchConfig, file?: string): ResourceUsage {
  const u = resourceUsage(c);
  if (checked.has(c)) return u;
  const { device, accelerator: a } = c.fpga;
  const at = (pointer: string) => ({ file, pointer });
  if (a.cores > device.slrs) {
    throw new InfeasibleError(`${a.cores} cores need ${a.cores} SLRs but ${device.part} has ${device.slrs}`, at('/fpga/accelerator/cores'));
  }
  if (u.dsps > device.dspSlices) {
    throw new InfeasibleError(
      `DSP slices over-subscribed: ${a.cores} cores × ${a.mpe.chains} chains × ${a.mpe.chainLength} DSPs = ${u.dsps} but ${device.part} has ${device.dspSlices} ${device.dsp}`,
      at('/fpga/accelerator/mpe/chains'),
    );
  }
  if (u.hbmChannels > c.fpga.hbm.pseudoChannels) {
    throw new InfeasibleError(
      `HBM pseudo-channels over-subscribed: ${a.cores} cores × ${a.hbmChannelsPerCore} = ${u.hbmChannels} but the device has ${c.fpga.hbm.pseudoChannels}`,
      at('/fpga/accelerator/hbmChannelsPerCore'),
    );
  }
  for (const [kind, used, avail] of [
    ['uram', u.uramBlocks, device.uramBlocks],
    ['bram', u.bramBlocks, device.bram36Blocks],
  ] as const) {
    if (used <= avail) continue;
    // Point at the largest buffer of that kind: the one worth shrinking first.
    const [name] = Object.entries(a.buffers)
      .filter(([, b]) => b.memory === kind)
      .sort((x, y) => y[1].bytes - x[1].bytes)[0]!;
    const label = kind === 'uram' ? 'URAM288' : 'BRAM36';
    throw new InfeasibleError(
      `on-chip buffers need ${used} ${label} blocks (${a.cores} cores) but ${device.part} has ${avail}`,
      at(`/fpga/accelerator/buffers/${name}/bytes`),
    );
  }
  const maxP = device.dsp === 'DSP48E2' ? 2 : 3;
  const p8 = a.mpe.productsPerDsp['int8'];
  if (p8 !== undefined && p8 > maxP) {
    throw new InfeasibleError(`${device.dsp} computes at most ${maxP} INT8 products per cycle (got ${p8})`, at('/fpga/accelerator/mpe/productsPerDsp/int8'));
  }
  (a.sparsity ?? []).forEach((r, i) => {
    if (r.pattern === 'nm' && r.n > r.m) throw new InfeasibleError(`N:M sparsity needs n <= m (got ${r.n}:${r.m})`, at(`/fpga/accelerator/sparsity/${i}/n`));
  });
  checked.add(c);
  return u;
}

/**
 * Buffers a matrix op's mapping needs in one core, checked against the declared ones:
 * the weight buffer holds two K-chunks of one column tile in flight (double buffering: the
 * smallest chunk is one pass of the chain, chainLength·Pk weights per column), and the input
 * buffer, when declared, holds the activation row the chains broadcast (k elements).
 */
export function checkMappingBuffers(c: FpgaArchConfig, need: { tileCols: number; kPerPass: number; weightBits: number; inputBytes: number }): void {
  const b = c.fpga.accelerator.buffers;
  const chunk = Math.ceil((need.tileCols * need.kPerPass * need.weightBits) / 8);
  if (2 * chunk > b.weight.bytes) {
    throw new InfeasibleError(
      `the weight buffer (${b.weight.bytes} B) cannot double-buffer one chain pass of a ${need.tileCols}-column tile (2 × ${chunk} B)`,
      { pointer: '/fpga/accelerator/buffers/weight/bytes' },
    );
  }
  const input = b['input'];
  if (input && need.inputBytes > input.bytes) {
    throw new InfeasibleError(`the input buffer (${input.bytes} B) cannot hold the ${need.inputBytes} B activation row`, {
      pointer: '/fpga/accelerator/buffers/input/bytes',
    });
  }
}
