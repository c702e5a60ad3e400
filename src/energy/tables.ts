/**
 * Energy reference tables. Every entry carries its source, process node and year. Values are at
 * the table's node and are scaled to an arch's node by scaling.ts.
 * (Issue 9 extends these tables; models read energy only through account.ts.)
 */
export interface EnergyEntry {
  /** pJ per operation, or per byte for memory levels. */
  valuePj: number;
  unit: 'pJ/op' | 'pJ/byte';
  nodeNm: number;
  year: number;
  source: string;
  verified: boolean;
  /** DRAM/IO energies do not scale with logic process. */
  scales: boolean;
}

const HOROWITZ = 'Horowitz, "Computing\'s Energy Problem", ISSCC 2014 (45 nm, 0.9 V)';
const ATTACC = 'scale-snu/attacc_simulator src/config.py (O\'Connor et al. MICRO 2017 breakdown)';

/** Compute energy per operation: key `${op}:${dtype}`. A MAC is a multiply plus an accumulate add. */
export const COMPUTE_PJ: Record<string, EnergyEntry> = {
  'mac:fp32': { valuePj: 3.7 + 0.9, unit: 'pJ/op', nodeNm: 45, year: 2014, source: `${HOROWITZ}: fp32 mult 3.7 + fp32 add 0.9`, verified: true, scales: true },
  'mac:tf32': { valuePj: 1.1 + 0.9, unit: 'pJ/op', nodeNm: 45, year: 2014, source: `${HOROWITZ}: taken as fp16 mult 1.1 + fp32 add 0.9 (tf32 mantissa ≈ fp16)`, verified: false, scales: true },
  'mac:fp16': { valuePj: 1.1 + 0.9, unit: 'pJ/op', nodeNm: 45, year: 2014, source: `${HOROWITZ}: fp16 mult 1.1 + fp32 add 0.9 (fp32 accumulate)`, verified: true, scales: true },
  'mac:bf16': { valuePj: 1.1 + 0.9, unit: 'pJ/op', nodeNm: 45, year: 2014, source: `${HOROWITZ}: fp16 mult 1.1 + fp32 add 0.9 (bf16 taken as fp16)`, verified: false, scales: true },
  'mac:fp8': { valuePj: 0.2 + 0.9, unit: 'pJ/op', nodeNm: 45, year: 2014, source: `${HOROWITZ}: int8 mult 0.2 as the 4-bit-mantissa multiplier + fp32 add 0.9`, verified: false, scales: true },
  'mac:int8': { valuePj: 0.2 + 0.1, unit: 'pJ/op', nodeNm: 45, year: 2014, source: `${HOROWITZ}: int8 mult 0.2 + int32 add 0.1`, verified: true, scales: true },
  'mac:fp4': { valuePj: 0.05 + 0.4, unit: 'pJ/op', nodeNm: 45, year: 2014, source: `derived from ${HOROWITZ}: multiplier ∝ bits² from int8 mult 0.2 → 0.05, fp16 add 0.4`, verified: false, scales: true },
  'mac:int4': { valuePj: 0.05 + 0.1, unit: 'pJ/op', nodeNm: 45, year: 2014, source: `derived from ${HOROWITZ}: multiplier ∝ bits² from int8 mult 0.2 → 0.05, int32 add 0.1`, verified: false, scales: true },
  'add:fp32': { valuePj: 0.9, unit: 'pJ/op', nodeNm: 45, year: 2014, source: HOROWITZ, verified: true, scales: true },
  'add:fp16': { valuePj: 0.4, unit: 'pJ/op', nodeNm: 45, year: 2014, source: HOROWITZ, verified: true, scales: true },
  'add:int32': { valuePj: 0.1, unit: 'pJ/op', nodeNm: 45, year: 2014, source: HOROWITZ, verified: true, scales: true },
  'add:int16': { valuePj: 0.05, unit: 'pJ/op', nodeNm: 45, year: 2014, source: HOROWITZ, verified: true, scales: true },
  'add:int8': { valuePj: 0.03, unit: 'pJ/op', nodeNm: 45, year: 2014, source: HOROWITZ, verified: true, scales: true },
  'mult:fp32': { valuePj: 3.7, unit: 'pJ/op', nodeNm: 45, year: 2014, source: HOROWITZ, verified: true, scales: true },
  'mult:fp16': { valuePj: 1.1, unit: 'pJ/op', nodeNm: 45, year: 2014, source: HOROWITZ, verified: true, scales: true },
  'mult:int8': { valuePj: 0.2, unit: 'pJ/op', nodeNm: 45, year: 2014, source: HOROWITZ, verified: true, scales: true },
  'mult:int32': { valuePj: 3.1, unit: 'pJ/op', nodeNm: 45, year: 2014, source: HOROWITZ, verified: true, scales: true },
  /** Vector-unit FLOPs (norms, activations) counted as fp32 add+mult pairs halved: 2.3 pJ/FLOP. */
  'vector:fp32': { valuePj: (3.7 + 0.9) / 2, unit: 'pJ/op', nodeNm: 45, year: 2014, source: `${HOROWITZ}: (fp32 mult + add) / 2 per FLOP`, verified: true, scales: true },
};

/** Memory energy per byte moved, by level. */
export const MEMORY_PJ_PER_BYTE: Record<string, EnergyEntry> = {
  register: { valuePj: 0.0675, unit: 'pJ/byte', nodeNm: 45, year: 2014, source: `${ATTACC}: ENERGY_TABLE GPU reg`, verified: true, scales: true },
  l1: { valuePj: 0.16 * 8, unit: 'pJ/byte', nodeNm: 45, year: 2015, source: `${ATTACC}: GPU L1 0.16 pJ/bit`, verified: true, scales: true },
  sram: { valuePj: 0.16 * 8, unit: 'pJ/byte', nodeNm: 45, year: 2015, source: `${ATTACC}: GPU L1 0.16 pJ/bit (small SRAM)`, verified: true, scales: true },
  l2: { valuePj: 0.3 * 8, unit: 'pJ/byte', nodeNm: 45, year: 2015, source: `${ATTACC}: GPU L2 0.3 pJ/bit`, verified: true, scales: true },
  HBM2: { valuePj: 3.59 * 8, unit: 'pJ/byte', nodeNm: 0, year: 2017, source: `${ATTACC}: HBM2 access total 3.59 pJ/bit`, verified: true, scales: false },
  HBM2e: { valuePj: 3.59 * 8, unit: 'pJ/byte', nodeNm: 0, year: 2017, source: `${ATTACC}: HBM2 3.59 pJ/bit taken for HBM2e`, verified: false, scales: false },
  HBM3: { valuePj: 3.59 * 8, unit: 'pJ/byte', nodeNm: 0, year: 2017, source: `${ATTACC}: HBM2 3.59 pJ/bit taken for HBM3 (placeholder)`, verified: false, scales: false },
  HBM3e: { valuePj: 3.59 * 8, unit: 'pJ/byte', nodeNm: 0, year: 2017, source: `${ATTACC}: HBM2 3.59 pJ/bit taken for HBM3e (placeholder)`, verified: false, scales: false },
  GDDR6: { valuePj: 10 * 8, unit: 'pJ/byte', nodeNm: 0, year: 2014, source: 'stillwater generic_45nm off-chip IO 10 pJ/bit (placeholder for GDDR6)', verified: false, scales: false },
  GDDR6X: { valuePj: 10 * 8, unit: 'pJ/byte', nodeNm: 0, year: 2014, source: 'stillwater generic_45nm off-chip IO 10 pJ/bit (placeholder for GDDR6X)', verified: false, scales: false },
  LPDDR5: { valuePj: 10 * 8, unit: 'pJ/byte', nodeNm: 0, year: 2014, source: 'stillwater generic_45nm off-chip IO 10 pJ/bit (placeholder for LPDDR5)', verified: false, scales: false },
  DDR4: { valuePj: 10 * 8, unit: 'pJ/byte', nodeNm: 0, year: 2014, source: 'stillwater generic_45nm off-chip IO 10 pJ/bit (placeholder for DDR4)', verified: false, scales: false },
  DDR5: { valuePj: 10 * 8, unit: 'pJ/byte', nodeNm: 0, year: 2014, source: 'stillwater generic_45nm off-chip IO 10 pJ/bit (placeholder for DDR5)', verified: false, scales: false },
};
