/**
 * The numeric datapath (numeric/datapaths/pim.ts) a pim-dram config claims: per-bank operand and
 * accumulator precision from `pim.unit`, lane structure from `pim.reduction.location` (lane
 * partials read out → SIMD lanes; reduced in the unit → adder tree), and the reduction order
 * from the mapping: each output accumulates its whole K inside one unit (mapping.ts steps 2–4),
 * so K is split only by kSplit (channels sharing a small matrix) and, input-stationary, by the
 * input tiles whose partial sums are read out and added by the host.
 */
import { AccelscopeError } from '../../util/errors.ts';
import type { PimOptions } from '../../numeric/datapaths/pim.ts';
import { resolveDram } from './dram.ts';
import { mapGemv, type GemvJob } from './mapping.ts';
import type { PimArchConfig } from './schema.ts';
import type { QuantScheme } from '../../quant/types.ts';
import type { DatapathSpec } from '../../numeric/spec.ts';
import { DEFAULT_CHECK_SHAPE } from '../../numeric/cases.ts';

export function pimDatapathOptions(
  c: PimArchConfig,
  job: GemvJob = { groups: 1, inputs: 4096, outputs: 4096, vectors: 1, weightBits: 16, inputBits: 16 },
): PimOptions {
  const u = c.pim.unit;
  if (u.dtype === 'int8') throw new AccelscopeError('unsupported', `no numeric PIM datapath for int8 units (${c.name})`, { pointer: '/pim/unit/dtype' });
  if (u.accumulatorDtype === 'int32')
    throw new AccelscopeError('unsupported', `no numeric PIM datapath for int32 accumulators (${c.name})`, { pointer: '/pim/unit/accumulatorDtype' });
  const m = mapGemv(job, c, resolveDram(c));
  return {
    name: `pim-${u.dtype}-${c.pim.reduction.location === 'bank' ? 'tree' : 'simd'}-acc-${u.accumulatorDtype}`,
    hardware: c.name,
    operandDtype: u.dtype,
    structure: c.pim.reduction.location === 'bank' ? 'tree' : 'simd',
    bankDtype: u.accumulatorDtype,
    lanes: u.lanes,
    // Slices of K accumulated separately in the unit's precision, then added in fp32.
    banks: m.kSplit * (m.loopOrder === 'input-stationary' ? m.inputTiles : 1),
  };
}

/** The GEMV a PIM config's claim is checked at: a 4096 × 4096 projection (LLaMA-7B-class). */
const CLAIM_JOB: GemvJob = { groups: 1, inputs: 4096, outputs: 4096, vectors: 1, weightBits: 16, inputBits: 16 };

/**
 * The numeric datapath (numeric/spec.ts) this config claims: its unit's operand/accumulator
 * precision and lanes, with the reduction order the mapping gives a 4096-input GEMV, checked at
 * K = 4096 (the K that order accumulates). A scheme whose weights and activations are not the
 * unit's dtype claims nothing.
 */
export function claimedPimDatapaths(c: PimArchConfig, q?: QuantScheme): DatapathSpec[] {
  const u = c.pim.unit;
  if (q && (q.weights.name !== u.dtype || q.activations.name !== u.dtype)) return [];
  const o = pimDatapathOptions(c, CLAIM_JOB);
  const slice = Math.ceil(CLAIM_JOB.inputs / o.banks);
  const claim = `${c.name}: ${u.dtype} × ${u.dtype} in ${u.lanes} lanes (/pim/unit), ${u.accumulatorDtype} accumulation (/pim/unit/accumulatorDtype), reduced ${o.structure === 'tree' ? 'by an adder tree in the unit' : 'per lane, read out'} (/pim/reduction/location); a ${CLAIM_JOB.inputs}-input GEMV accumulates ${slice} terms per unit (${o.banks} partial sum(s) per output added in fp32)`;
  return [{ family: 'pim', options: o, claim, shape: { ...DEFAULT_CHECK_SHAPE, K: CLAIM_JOB.inputs } }];
}
