/**
 * The mapping of a (batched) GEMV onto channels, processing units, banks and rows, chosen to
 * make every column command a row-buffer hit except the first of each row:
 *
 *   y[g][v][n] = Σ_k x[g][v][k] · W[g][k][n]    g < groups, v < vectors, n < outputs, k < inputs
 *
 * 1. Matrices (groups) spread over channels: a channel holds ⌈G / C⌉ whole matrices when G ≥ C;
 *    otherwise each matrix gets ⌊C / G⌋ channels, split first by outputs n and, when outputs
 *    cannot fill those channels' accumulator slots, also by inputs k (kSplit partial sums that
 *    are reduced at `reduction.location`).
 * 2. In a channel, each of the U = banks / banksPerUnit units owns `accumulatorRegisters` output
 *    rows per output tile (outputs padded up to U · regs, as PIMSimulator does).
 * 3. Inputs are consumed in tiles of the global buffer (broadcast once per tile to all units);
 *    tile i is stored in the unit's bank (i mod banksPerUnit), so the other bank's row stays open.
 * 4. In each bank a unit's weights are laid out in consumption order — for each input tile, its
 *    regs output rows' bursts of that tile — so a row is read column after column to its end:
 *    row hits = bursts − row activations, activations = ⌈bytes per bank / rowBytes⌉.
 * Loop order (`pim.mapping.loopOrder`): output-stationary (HBM-PIM, PIMSimulator) broadcasts every
 *    input tile once per output tile and reads each output once; input-stationary (AiM-style)
 *    broadcasts each input tile once and reads partial sums after every output tile, which the
 *    host adds (inputTiles partials per output).
 * Kernel program (`pim.kernel`, issue 26): with outputTile 'system' (HBM-PIM as PIMSimulator's
 *    executeGemv runs it) one output tile spans every channel's units and inputs are never split
 *    across channels, so a matrix with fewer outputs than channels × units × regs is padded to
 *    the tile; with padTiles the last input tile runs the whole tile's commands.
 * 5. Vectors (batch) are the outermost loop: a unit accumulates one vector at a time, so weights
 *    are re-streamed once per vector (PIM has no reuse across the batch: this is what lets a
 *    host GEMM overtake PIM as the batch grows).
 */
import type { ResolvedDram } from './dram.ts';
import type { PimArchConfig } from './schema.ts';

export interface GemvJob {
  groups: number;
  inputs: number;
  outputs: number;
  vectors: number;
  /** Storage bits per weight element (incl. scales) and per input element. */
  weightBits: number;
  inputBits: number;
}

export type LoopOrder = 'output-stationary' | 'input-stationary';

export interface GemvMapping {
  /** output-stationary: a pass is one output tile over all inputs; input-stationary: one input tile over all outputs. */
  loopOrder: LoopOrder;
  unitsPerChannel: number;
  elemsPerBurst: number;
  inputTileElems: number;
  groupsPerChannel: number;
  channelsPerGroup: number;
  kSplit: number;
  outputsPerChannel: number;
  inputsPerChannel: number;
  outputTiles: number;
  inputTiles: number;
  /** Passes a channel runs: groupsPerChannel × vectors × (outputTiles | inputTiles). */
  passes: number;
  /** MAC column commands per pass (each moves one burst in each addressed bank). */
  macCommandsPerPass: number;
  /** Partial sums per output reaching the host: lanes (when the host reduces them) × kSplit (× inputTiles, input-stationary). */
  partialsPerOutput: number;
  /** Channels doing work. */
  activeChannels: number;
  /** Inputs each pass's commands cover: inputsPerChannel, or whole input tiles when the program pads them. */
  paddedInputsPerChannel: number;
}

export function mapGemv(job: GemvJob, c: PimArchConfig, d: ResolvedDram): GemvMapping {
  const C = d.channels;
  const U = d.banksPerChannel / c.pim.unit.banksPerUnit;
  const regs = c.pim.unit.accumulatorRegisters;
  const elemsPerBurst = Math.max(1, Math.floor((d.org.burstBytes * 8) / job.weightBits));
  const bufElems = Math.floor((c.pim.globalBuffer.bytes * 8) / job.inputBits);
  const inputTileElems = Math.max(elemsPerBurst, Math.floor(bufElems / elemsPerBurst) * elemsPerBurst);

  let groupsPerChannel: number;
  let channelsPerGroup: number;
  let kSplit = 1;
  let outputsPerChannel: number;
  let inputsPerChannel = job.inputs;
  let activeChannels: number;
  const systemTile = c.pim.kernel?.outputTile === 'system';
  if (job.groups >= C) {
    groupsPerChannel = Math.ceil(job.groups / C);
    channelsPerGroup = 1;
    outputsPerChannel = job.outputs;
    activeChannels = C;
  } else if (systemTile) {
    // One output tile spans all the group's channels (U · regs outputs each); K is never split.
    groupsPerChannel = 1;
    channelsPerGroup = Math.floor(C / job.groups);
    outputsPerChannel = Math.ceil(job.outputs / (channelsPerGroup * U * regs)) * U * regs;
    activeChannels = job.groups * channelsPerGroup;
  } else {
    groupsPerChannel = 1;
    channelsPerGroup = Math.floor(C / job.groups);
    const slots = U * regs;
    // Channels the outputs alone can fill; the rest split the inputs.
    const outChannels = Math.min(channelsPerGroup, Math.ceil(job.outputs / slots));
    kSplit = Math.max(1, Math.min(Math.floor(channelsPerGroup / outChannels), Math.ceil(job.inputs / inputTileElems)));
    outputsPerChannel = Math.ceil(job.outputs / Math.floor(channelsPerGroup / kSplit));
    inputsPerChannel = Math.ceil(job.inputs / kSplit);
    activeChannels = job.groups * Math.floor(channelsPerGroup / kSplit) * kSplit;
  }
  const outputTiles = Math.ceil(outputsPerChannel / (U * regs));
  const inputTiles = Math.ceil(inputsPerChannel / inputTileElems);
  const paddedInputsPerChannel = c.pim.kernel?.padTiles ? inputTiles * inputTileElems : inputsPerChannel;
  const burstsPerOutputRow = Math.ceil(paddedInputsPerChannel / elemsPerBurst);
  // Lanes are reduced by the unit's adder tree ('bank') or the buffer die; the host adds the rest.
  const lanes = c.pim.reduction.location === 'host' ? elemsPerBurst : 1;
  const loopOrder: LoopOrder = c.pim.mapping?.loopOrder ?? 'output-stationary';
  const inputStationary = loopOrder === 'input-stationary';
  return {
    loopOrder,
    unitsPerChannel: U,
    elemsPerBurst,
    inputTileElems,
    groupsPerChannel,
    channelsPerGroup,
    kSplit,
    outputsPerChannel,
    inputsPerChannel,
    outputTiles,
    inputTiles,
    passes: groupsPerChannel * job.vectors * (inputStationary ? inputTiles : outputTiles),
    macCommandsPerPass: inputStationary ? (regs * burstsPerOutputRow * outputTiles) / inputTiles : regs * burstsPerOutputRow,
    partialsPerOutput: lanes * kSplit * (inputStationary ? inputTiles : 1),
    activeChannels,
    paddedInputsPerChannel,
  };
}
