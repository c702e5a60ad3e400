/**
 * A datapath as data: what a hardware model says one arch config computes (its DSP slice,
 * cascade length and packing; its PIM unit's precision and reduction order), so that `check
 * --arch F` checks the datapath the config claims rather than its kind's defaults. Hardware
 * models return specs from `claimedDatapaths(c, q)` (src/hw/model.ts); `buildDatapath` turns one
 * into the numeric model here. The builder table is typed over the families, so a new family
 * without a builder fails to compile.
 */
import type { Datapath } from './datapath.ts';
import type { GemmShape } from './gemm.ts';
import { dsp48e2Int8x2, dsp58Int8x3, dspMac, type DspName } from './datapaths/dsp48.ts';
import { pimDatapath, type PimOptions } from './datapaths/pim.ts';

interface SpecBase {
  /** What the config claims, naming its fields (shown by check). */
  claim: string;
  /** The GEMM shape the claim is about (default: the check's shape). */
  shape?: GemmShape;
}

interface DspOperands {
  dsp: DspName;
  aFormat: string;
  wFormat: string;
}

/** Two INT8-class products per DSP along a cascade of chainLength (WP486 packing). */
export interface DspPackedSpec extends SpecBase, DspOperands {
  family: 'dsp-packed';
  chainLength: number;
  lowFieldBits: number;
  share: 'weight' | 'activation';
}
/** One product per DSP per cycle into P. */
export interface DspMacSpec extends SpecBase, DspOperands {
  family: 'dsp-mac';
}
/** An `elements`-long dot product per DSP per cycle into P (DSP58 INT8 vector mode). */
export interface DspDotSpec extends SpecBase, DspOperands {
  family: 'dsp-dot';
  elements: number;
}
/** PIM bank units: per-lane/per-bank partial sums in the unit's precision, fp32 across. */
export interface PimSpec extends SpecBase {
  family: 'pim';
  options: PimOptions;
}

export type DatapathSpec = DspPackedSpec | DspMacSpec | DspDotSpec | PimSpec;
type Family = DatapathSpec['family'];

const BUILDERS: { [F in Family]: (s: Extract<DatapathSpec, { family: F }>) => Datapath } = {
  'dsp-packed': (s) =>
    dsp48e2Int8x2({ dsp: s.dsp, chainLength: s.chainLength, lowFieldBits: s.lowFieldBits, share: s.share, aFormat: s.aFormat, wFormat: s.wFormat }),
  'dsp-mac': (s) => dspMac(s.dsp, s.aFormat, s.wFormat),
  'dsp-dot': (s) => dsp58Int8x3(s.aFormat, s.wFormat, s.elements, s.dsp),
  pim: (s) => pimDatapath(s.options),
};

export function buildDatapath(spec: DatapathSpec): Datapath {
  const build = BUILDERS[spec.family] as (s: DatapathSpec) => Datapath;
  const d = build(spec);
  return { ...d, claim: spec.claim, ...(spec.shape ? { shape: spec.shape } : {}) };
}
