/**
 * FPGA DSP-chain accelerator (FlightLLM-style, FPGA'24): cores of matrix processing engines built
 * from cascaded DSP chains, a special-function unit, on-chip BRAM/URAM buffers, HBM + DDR.
 * Equations and a worked decode layer: src/hw/fpga-dsp-chain/README.md, docs/models/fpga-dsp-chain.md.
 *
 *   op cycles = max(stream, memory) + fill/drain + sync        (matrix ops on the MPE)
 *             = max(sfu, memory) + sfu latency + sync          (norms, softmax, elementwise on the SFU)
 *             = memory + sync                                   (embedding row gather)
 *   memory    = HBM bytes / (cores · hbmChannelsPerCore · BW/pseudoChannel · hbmEfficiency)
 *               in parallel with DDR bytes / (DDR BW · ddrEfficiency)
 * In decode with alwaysOnChipDecode, an op whose activations fit the per-core global buffer moves
 * none of them off chip; the bytes saved are reported per op.
 */
import type { QuantScheme, ComputeDtype } from '../../quant/types.ts';
import type { Op, AttentionOp } from '../../workload/graph.ts';
import { attendedPairs, attentionScores, instances, MAX_VECTOR_FLOPS_PER_ELEMENT, opFlops, opMacs, opTraffic } from '../../workload/ops.ts';
import { energyOf } from '../../energy/account.ts';
import { calibrationOf } from '../../arch/calibration.ts';
import { FPGA_CALIBRATION } from './calibration.ts';
import { fpgaDatapaths } from './kind-datapaths.ts';
import { InfeasibleError } from '../../util/errors.ts';
import type { Bound, Ceilings, HardwareModel, OpResult } from '../model.ts';
import type { FpgaArchConfig, OffChipMemory } from './config.ts';
import { fpgaArchSchema } from './schema.ts';
import { matmulTiming, packingOf, type MatmulTiming } from './chain.ts';
import { sparseWeights, sparsityRuleFor } from './sparsity.ts';
import { checkMappingBuffers, validateFpga } from './resources.ts';
import { claimedDatapathSpecs } from './datapath.ts';
import { macDtype } from './mac-dtype.ts';
export { macDtype, packingFits } from './mac-dtype.ts';

export function hbmBandwidthBps(c: FpgaArchConfig): number {
  const a = c.fpga.accelerator;
  const perChannel = c.memory.bandwidthBps / c.fpga.hbm.pseudoChannels;
  return a.cores * a.hbmChannelsPerCore * perChannel * calibrationOf(c, FPGA_CALIBRATION, 'hbmEfficiency');
}

export function ddrBandwidthBps(c: FpgaArchConfig): number {
  const ddr = c.fpga.ddr;
  if (!ddr) return 0;
  return ddr.bandwidthBps * calibrationOf(c, FPGA_CALIBRATION, 'ddrEfficiency');
}

interface Traffic {
  weights: number;
  kv: number;
  activations: number;
}

function placeBytes(t: Traffic, c: FpgaArchConfig): { hbm: number; ddr: number } {
  const p = c.fpga.accelerator.placement;
  const out = { hbm: 0, ddr: 0 };
  const put = (where: OffChipMemory, bytes: number) => {
    out[where] += bytes;
  };
  put(p.weights, t.weights);
  put(p.kv, t.kv);
  put(p.activations, t.activations);
  if (out.ddr > 0 && !c.fpga.ddr) {
    throw new InfeasibleError('placement puts data in DDR but the config has no fpga.ddr section', { pointer: '/fpga/accelerator/placement' });
  }
  return out;
}

function memoryCycles(bytes: { hbm: number; ddr: number }, c: FpgaArchConfig): number {
  const clk = c.fpga.accelerator.clockHz;
  const hbmS = bytes.hbm > 0 ? bytes.hbm / hbmBandwidthBps(c) : 0;
  const ddrS = bytes.ddr > 0 ? bytes.ddr / ddrBandwidthBps(c) : 0;
  return Math.ceil(Math.max(hbmS, ddrS) * clk);
}

/** Whether an op's activations stay on chip: decode, the option on, and they fit the per-core global buffer. */
export function activationsOnChip(op: Op, activationBytes: number, c: FpgaArchConfig): boolean {
  const a = c.fpga.accelerator;
  return op.phase === 'decode' && a.alwaysOnChipDecode && activationBytes <= a.buffers.global.bytes;
}

function syncCycles(c: FpgaArchConfig): number {
  return c.fpga.accelerator.cores > 1 ? c.fpga.accelerator.syncCyclesPerOp : 0;
}

interface MatrixPart {
  name: string;
  timing: MatmulTiming;
}

export function fpgaCeilings(c: FpgaArchConfig): Ceilings {
  const a = c.fpga.accelerator;
  const matrix: Ceilings['matrix'] = {};
  for (const [d, p] of Object.entries(a.mpe.productsPerDsp)) {
    matrix[d as ComputeDtype] = 2 * a.cores * a.mpe.chains * a.mpe.chainLength * p * a.clockHz;
  }
  const buffersBytes = Object.values(a.buffers).reduce((s, b) => s + b.bytes, 0) * a.cores;
  return {
    matrix,
    // The SFU retires elements, not FLOPs: its optimistic FLOP rate is elements/s times the most
    // FLOPs ops.ts counts per element of any vector op.
    vector: a.cores * a.sfu.elementsPerCycle * a.clockHz * MAX_VECTOR_FLOPS_PER_ELEMENT,
    memory: [
      { level: 'dram', bandwidthBps: c.memory.bandwidthBps, capacityBytes: c.memory.capacityBytes },
      ...(c.fpga.ddr ? [{ level: c.fpga.ddr.type, bandwidthBps: c.fpga.ddr.bandwidthBps, capacityBytes: c.fpga.ddr.capacityBytes }] : []),
      { level: 'weight-port', bandwidthBps: a.cores * a.mpe.gemvWeightPortBytesPerCycle * a.clockHz, capacityBytes: buffersBytes },
    ],
  };
}

function peakMacsPerCycle(c: FpgaArchConfig, products: number): number {
  const a = c.fpga.accelerator;
  return a.cores * a.mpe.chains * a.mpe.chainLength * products;
}

export function simulateFpga(op: Op, c: FpgaArchConfig, q: QuantScheme): OpResult {
  validateFpga(c);
  const a = c.fpga.accelerator;
  const clk = a.clockHz;
  const compulsory = opTraffic(op, q);
  const flops = opFlops(op);
  const notes: string[] = [];
  const breakdown: Record<string, number> = {};

  // --- off-chip traffic this mapping really moves ---------------------------------------------
  let weights = compulsory.weights;
  let indexBytes = 0;
  let density = 1;
  let kEff = 0;
  let macs = opMacs(op);
  if (op.kind === 'gemm' && op.weight !== 'none') {
    const fmt = op.weight === 'aux' ? q.embeddings : q.weights;
    const sw = sparseWeights(op.name, op.k, op.n, fmt.bitsPerElement, c);
    const c0 = instances(op);
    const bias = op.bias ? op.n * 2 : 0;
    weights = (sw.dataBytes + sw.indexBytes + bias) * c0;
    indexBytes = sw.indexBytes * c0;
    density = sw.density;
    kEff = sw.kEff;
    macs = opMacs(op) * density;
    if (sw.rule)
      notes.push(
        `sparse chain: ${sw.rule.pattern === 'nm' ? `${sw.rule.n}:${sw.rule.m}` : `block ${sw.rule.blockSize} at ${sw.rule.density}`} keeps ${(density * 100).toFixed(1)}% of MACs; index ${indexBytes.toFixed(0)} B`,
      );
  } else if (op.kind === 'gemm') {
    kEff = op.k;
  }
  const onChip = activationsOnChip(op, compulsory.activations, c);
  const activations = onChip ? 0 : compulsory.activations;
  if (onChip && compulsory.activations > 0) {
    breakdown['offChipBytesSaved'] = compulsory.activations;
    notes.push(`always-on-chip decode: ${compulsory.activations} B of activations stay in the global buffer`);
  } else if (op.phase === 'decode' && a.alwaysOnChipDecode && compulsory.activations > a.buffers.global.bytes) {
    notes.push(`activations (${compulsory.activations} B) exceed the ${a.buffers.global.bytes} B global buffer: moved off chip`);
  }
  const placed = placeBytes({ weights, kv: compulsory.kv, activations }, c);
  const memCycles = memoryCycles(placed, c);

  // --- work on the MPE or the SFU ---------------------------------------------------------------
  let streamCycles = 0;
  let sfuCycles = 0;
  let fixedCycles = syncCycles(c);
  let dtype = 'vector';
  let products = 0;
  let macSlots = 0;
  let vectorOps = 0;
  const parts: MatrixPart[] = [];
  const sfu = a.sfu;
  const sfuCyclesFor = (elements: number, passes: number) => Math.ceil((elements * passes) / (sfu.elementsPerCycle * a.cores));

  switch (op.kind) {
    case 'gemm': {
      const aFmt = q.activations;
      const bFmt = op.weight === 'layer' ? q.weights : op.weight === 'aux' ? q.embeddings : q.activations;
      let md: ReturnType<typeof macDtype>;
      try {
        md = macDtype(aFmt, bFmt, c);
      } catch (e) {
        if (!(e instanceof InfeasibleError)) throw e;
        const hint =
          op.weight === 'aux'
            ? ` — ${op.name} weights take the scheme's embeddings format (${bFmt.name}); use a quant file with integer embeddings, e.g. workloads/quant/flightllm-w4a8.json`
            : ' — use an integer scheme such as w4a8 or w8a8';
        throw new InfeasibleError(`${op.name}: ${e.message}${hint}`, { pointer: e.pointer });
      }
      dtype = md.dtype;
      products = md.products;
      if (md.packingOverflow)
        notes.push(
          `packing off: ${a.mpe.chainLength} packed ${aFmt.name}×${bFmt.name} products would overflow the ${a.mpe.packedLowFieldBits}-bit low field; 1 product per DSP`,
        );
      const pk = packingOf(a.mpe, md.products);
      checkMappingBuffers(c, {
        tileCols: Math.min(op.n, a.mpe.gemvColumnTile),
        kPerPass: a.mpe.chainLength * pk.k,
        weightBits: bFmt.elementBits,
        inputBytes: Math.ceil((op.k * aFmt.elementBits) / 8),
      });
      const t = matmulTiming({ m: op.m, n: op.n, kEff, instances: op.batch, weightBits: bFmt.elementBits }, c, md.products);
      const count = instances(op);
      streamCycles = Math.ceil(t.streamCycles * count);
      macSlots = t.macSlots * count;
      fixedCycles += t.fillDrainCycles;
      parts.push({ name: 'mpe', timing: t });
      if (op.bias) vectorOps += op.m * op.n * op.batch * count;
      break;
    }
    case 'attention': {
      const md = macDtype(q.activations, q.kv, c);
      dtype = md.dtype;
      products = md.products;
      const t = attentionTiming(op, c, q, md.products);
      streamCycles = t.qk.streamCycles + t.pv.streamCycles;
      macSlots = t.qk.macSlots + t.pv.macSlots;
      fixedCycles += t.qk.fillDrainCycles + t.pv.fillDrainCycles + sfu.latencyCycles;
      sfuCycles = sfuCyclesFor(attentionScores(op), sfu.passes.softmax);
      parts.push({ name: 'qk', timing: t.qk }, { name: 'pv', timing: t.pv });
      breakdown['qkCycles'] = t.qk.streamCycles;
      breakdown['pvCycles'] = t.pv.streamCycles;
      breakdown['softmaxCycles'] = sfuCycles;
      vectorOps += attentionScores(op) * 5;
      break;
    }
    case 'norm':
      sfuCycles = sfuCyclesFor(op.rows * op.dim * instances(op), sfu.passes.norm);
      fixedCycles += sfu.latencyCycles;
      vectorOps += flops;
      break;
    case 'softmax':
      sfuCycles = sfuCyclesFor(op.rows * op.dim * instances(op), sfu.passes.softmax);
      fixedCycles += sfu.latencyCycles;
      vectorOps += flops;
      break;
    case 'elementwise':
      sfuCycles = sfuCyclesFor(op.elements * instances(op), sfu.passes.elementwise);
      fixedCycles += sfu.latencyCycles;
      vectorOps += flops;
      break;
    case 'embedding':
      break;
  }

  // MPE and SFU of a core work one op at a time; an attention op's softmax sits between QK and PV.
  const workCycles = op.kind === 'attention' ? streamCycles + sfuCycles : Math.max(streamCycles, sfuCycles);
  const busy = Math.max(workCycles, memCycles);
  const cycles = busy + fixedCycles;
  const seconds = cycles / clk;

  const peak = products > 0 ? peakMacsPerCycle(c, products) : 0;
  const dspUtilization = peak > 0 && cycles > 0 ? macs / (cycles * peak) : 0;
  const offBytes = placed.hbm + placed.ddr;
  const hbmPeakBps = a.cores * a.hbmChannelsPerCore * (c.memory.bandwidthBps / c.fpga.hbm.pseudoChannels);
  const bwUtilization = seconds > 0 ? placed.hbm / seconds / hbmPeakBps : 0;
  let bound: Bound;
  if (fixedCycles > busy) bound = 'latency';
  else if (memCycles > workCycles) bound = 'memory';
  else bound = 'compute';

  Object.assign(breakdown, {
    streamCycles,
    sfuCycles,
    memoryCycles: memCycles,
    fixedCycles,
    hbmBytes: placed.hbm,
    ddrBytes: placed.ddr,
    indexBytes,
    usefulMacs: macs,
    skippedMacs: opMacs(op) - macs,
    dspUtilization,
  });
  for (const p of parts) if (p.timing.mode === 'gemv') breakdown[p.name === 'mpe' ? 'colsPerPass' : `${p.name}ColsPerPass`] = p.timing.colsPerPass;
  if (products > 0)
    notes.push(
      `${parts.map((p) => `${p.name} ${p.timing.mode}`).join(', ')} at ${dtype}; DSP utilization ${(dspUtilization * 100).toFixed(1)}%${density < 1 ? ` (${(macSlots > 0 ? (macs / macSlots) * 100 : 0).toFixed(1)}% while streaming)` : ''}`,
    );

  // --- energy, only through energy/ ---------------------------------------------------------------
  const wBuf = a.buffers.weight.memory;
  const gBuf = a.buffers.global.memory;
  const compute = [
    ...(macs > 0 ? [{ key: `mac:${dtype === 'int4' ? 'int4' : dtype}`, count: macs }] : []),
    ...(vectorOps > 0 ? [{ key: 'vector:fp32', count: vectorOps }] : []),
  ];
  const traffic = [
    { level: 'dram', bytes: placed.hbm },
    ...(placed.ddr > 0 ? [{ level: c.fpga.ddr!.type, bytes: placed.ddr }] : []),
    // Weights and KV are written into and read out of the weight buffer; activations into and out of the global buffer.
    { level: wBuf, bytes: 2 * (weights + compulsory.kv) },
    { level: gBuf, bytes: 2 * compulsory.activations },
  ];
  const energyPj = energyOf({ compute, traffic, seconds }, c);

  return {
    cycles,
    seconds,
    flops,
    bytes: {
      dram: placed.hbm + placed.ddr,
      hbm: placed.hbm,
      ddr: placed.ddr,
      [wBuf === gBuf ? wBuf : 'weightBuffer']: 2 * (weights + compulsory.kv),
      ...(wBuf === gBuf ? {} : { globalBuffer: 2 * compulsory.activations }),
    },
    energyPj,
    bound,
    utilization:
      bound === 'memory' ? Math.min(1, bwUtilization) : bound === 'compute' ? dspUtilization : Math.min(1, offBytes > 0 ? bwUtilization : dspUtilization),
    breakdown,
    dtype,
    notes,
  };
}

/** QKᵀ and PV of an attention op as matrix-vector/matrix-matrix work over (batch × heads) instances. */
export function attentionTiming(op: AttentionOp, c: FpgaArchConfig, q: QuantScheme, products: number): { qk: MatmulTiming; pv: MatmulTiming } {
  const keys = op.window > 0 ? Math.min(op.kvLen, op.window + op.qLen - 1) : op.kvLen;
  // Causal masking skips the pairs never attended: scale the key extent by the attended fraction.
  const frac = attendedPairs(op) / (op.qLen * keys);
  const inst = op.batch * op.heads * instances(op);
  const kvBits = q.kv.elementBits;
  const qk = matmulTiming({ m: op.qLen, n: Math.ceil(keys * frac), kEff: op.headDim, instances: inst, weightBits: kvBits }, c, products);
  const pv = matmulTiming({ m: op.qLen, n: op.headDim, kEff: Math.ceil(keys * frac), instances: inst, weightBits: kvBits }, c, products);
  return { qk, pv };
}

export const fpgaDspChainModel: HardwareModel<FpgaArchConfig> & { validate(c: FpgaArchConfig, file?: string): void } = {
  kind: 'fpga-dsp-chain',
  description: 'FPGA accelerator of cascaded DSP chains (FlightLLM-style): MPE, sparse DSP chain, SFU, BRAM/URAM buffers, HBM + DDR.',
  schema: fpgaArchSchema,
  calibration: FPGA_CALIBRATION,
  datapaths: fpgaDatapaths,
  presetScheme: 'workloads/quant/flightllm-w4a8.json',
  ceilings: fpgaCeilings,
  clockHz: (c) => c.fpga.accelerator.clockHz,
  simulate: (op, c, q) => simulateFpga(op, c, q),
  memoKey: (op, c) => (op.kind === 'gemm' && sparsityRuleFor(op.name, c) ? `|sparse:${op.name}` : ''),
  validate: (c, file) => {
    validateFpga(c, file);
  },
  claimedDatapaths: (c, q) => claimedDatapathSpecs(c, q),
};
