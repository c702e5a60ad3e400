import { ownTable } from '../util/own.ts';
/**
 * Energy reference tables. Every entry carries its value, unit, source, process node, year and
 * whether the value was read in the named source (`verified`) or derived/recalled (a placeholder).
 * Logic and SRAM values are at the table's node and are scaled to an arch's node by scaling.ts;
 * DRAM and IO energies do not follow the logic node (`scales: false`).
 *
 * Keys:
 *   compute  `${op}:${dtype}`: op ∈ mac | mult | add | lookup | shift_add | compare | vector,
 *            plus 'instruction:cpu' (per instruction issued on a programmable core)
 *   memory   a level: register | l1 | smem | sram | l2 | bram | uram | noc | dram |
 *            dram-activate | nvlink (device-to-device link) | pim-bank | pim-bank-column | pim-bankgroup | pim-buffer,
 *            or a DRAM technology (HBM2 … DDR5) for designs with more than one main memory.
 * Models read these only through account.ts (energyOf); an unknown key is a bug and throws.
 */
export type EnergyUnit = 'pJ/op' | 'pJ/byte' | 'pJ/byte/mm' | 'pJ/byte-of-row-activated';

export interface EnergyEntry {
  /** pJ per operation, per byte moved, per byte per mm (noc) or per byte of DRAM row opened. */
  valuePj: number;
  unit: EnergyUnit;
  /** Process node of the value (0 for DRAM/IO energies, which do not scale with logic). */
  nodeNm: number;
  year: number;
  source: string;
  verified: boolean;
  /** Whether the value follows the logic process node (Stillmaker & Baas scaling). */
  scales: boolean;
}

const HOROWITZ =
  'Horowitz, "Computing\'s Energy Problem (and what we can do about it)", ISSCC 2014 keynote, 45 nm 0.9 V (via stillwater-sc universal generic_45nm.hpp; data/reference/energy.json horowitz_45nm)';
const ALADDIN =
  'Aladdin 40 nm library (Shao et al., ISCA 2014) via Accelergy-Project/accelergy-library-plug-in library/aladdin/aladdin_register.csv: register read 0.009 pJ/bit (data/reference/energy.json aladdin_40nm_library)';
const ATTACC = 'scale-snu/attacc_simulator @c600051 src/config.py ENERGY_TABLE (data/reference/energy.json, pim.json)';
const FGDRAM =
  'O\'Connor et al., "Fine-Grained DRAM", MICRO 2017, HBM2 breakdown via scale-snu/attacc_simulator @c600051 src/config.py (data/reference/pim.json dram_energy)';

function entry(valuePj: number, unit: EnergyUnit, nodeNm: number, year: number, source: string, verified: boolean, scales = true): EnergyEntry {
  return { valuePj, unit, nodeNm, year, source, verified, scales };
}
const h = (v: number, what: string, verified = true): EnergyEntry => entry(v, 'pJ/op', 45, 2014, `${HOROWITZ}: ${what}`, verified);

// ---- Horowitz 45 nm primitives (verified) ------------------------------------------------------
const ADD = { int8: 0.03, int16: 0.05, int32: 0.1, fp16: 0.4, fp32: 0.9 } as const;
const MULT = { int8: 0.2, int32: 3.1, fp16: 1.1, fp32: 3.7 } as const;

/**
 * Derived multipliers. An array multiplier's energy grows with the product of its operand widths
 * (bits²); checked on Horowitz's own points: int8 0.2 pJ × (32/8)² = 3.2 ≈ int32 3.1 pJ.
 * Integer widths scale from int8; float multipliers scale from fp16 by significand width
 * (hidden bit included: fp16 11, bf16 8, fp8 E4M3 4, fp6 E3M2 3, fp4 E2M1 2).
 */
const intMult = (bits: number) => MULT.int8 * (bits / 8) ** 2;
const fpMult = (sigBits: number) => MULT.fp16 * (sigBits / 11) ** 2;
const QUAD = 'derived: multiplier energy ∝ operand bits² (check: int8 0.2 × 16 = 3.2 ≈ int32 3.1)';

/** Compute energy per operation: key `${op}:${dtype}`. A MAC is a multiply plus the accumulator add. */
export const COMPUTE_PJ: Record<string, EnergyEntry> = ownTable({
  // multiplies
  'mult:fp32': h(MULT.fp32, 'fp32 mult 3.7'),
  'mult:tf32': h(fpMult(11), 'tf32 mult taken as fp16 mult 1.1 (same 11-bit significand)', false),
  'mult:fp16': h(MULT.fp16, 'fp16 mult 1.1'),
  'mult:bf16': h(fpMult(8), `fp16 mult 1.1 × (8/11)² (${QUAD})`, false),
  'mult:fp8': h(fpMult(4), `fp16 mult 1.1 × (4/11)², E4M3 (${QUAD})`, false),
  'mult:fp6': h(fpMult(3), `fp16 mult 1.1 × (3/11)², E3M2 (${QUAD})`, false),
  'mult:fp4': h(fpMult(2), `fp16 mult 1.1 × (2/11)², E2M1 (${QUAD})`, false),
  'mult:int32': h(MULT.int32, 'int32 mult 3.1'),
  'mult:int16': h(intMult(16), `int8 mult 0.2 × (16/8)² (${QUAD}; Horowitz gives no int16 mult)`, false),
  'mult:int8': h(MULT.int8, 'int8 mult 0.2'),
  'mult:int4': h(intMult(4), `int8 mult 0.2 × (4/8)² (${QUAD})`, false),
  'mult:int2': h(intMult(2), `int8 mult 0.2 × (2/8)² (${QUAD})`, false),
  // adds
  'add:fp32': h(ADD.fp32, 'fp32 add 0.9'),
  'add:fp16': h(ADD.fp16, 'fp16 add 0.4'),
  'add:bf16': h(ADD.fp16, 'bf16 add taken as fp16 add 0.4 (alignment/normalize dominate; not in the table)', false),
  'add:int32': h(ADD.int32, 'int32 add 0.1'),
  'add:int16': h(ADD.int16, 'int16 add 0.05'),
  'add:int8': h(ADD.int8, 'int8 add 0.03'),
  'add:int4': h(ADD.int8 / 2, 'derived: int8 add 0.03 / 2 (ripple adder energy ∝ width)', false),
  // MACs: multiply + accumulate. Float inputs accumulate in fp32 (tensor cores, DSP float
  // chains); integer inputs accumulate in int32.
  'mac:fp64': h(4 * MULT.fp32 + 2 * ADD.fp32, 'derived: fp64 taken as 4× fp32 mult + 2× fp32 add (Horowitz has no fp64 row)', false),
  'mac:fp32': h(MULT.fp32 + ADD.fp32, 'fp32 mult 3.7 + fp32 add 0.9'),
  'mac:tf32': h(MULT.fp16 + ADD.fp32, 'tf32 mult taken as fp16 mult 1.1 + fp32 add 0.9', false),
  'mac:fp16': h(MULT.fp16 + ADD.fp32, 'fp16 mult 1.1 + fp32 add 0.9 (fp32 accumulate)'),
  'mac:bf16': h(fpMult(8) + ADD.fp32, `bf16 mult (fp16 1.1 × (8/11)²) + fp32 add 0.9 (${QUAD})`, false),
  'mac:fp8': h(fpMult(4) + ADD.fp32, `fp8 E4M3 mult (fp16 1.1 × (4/11)²) + fp32 add 0.9 (${QUAD})`, false),
  'mac:fp6': h(fpMult(3) + ADD.fp32, `fp6 E3M2 mult (fp16 1.1 × (3/11)²) + fp32 add 0.9 (${QUAD})`, false),
  'mac:fp4': h(fpMult(2) + ADD.fp32, `fp4 E2M1 mult (fp16 1.1 × (2/11)²) + fp32 add 0.9 (${QUAD})`, false),
  'mac:int8': h(MULT.int8 + ADD.int32, 'int8 mult 0.2 + int32 add 0.1'),
  'mac:int4': h(intMult(4) + ADD.int32, `int4 mult (int8 0.2 × (4/8)²) + int32 add 0.1 (${QUAD})`, false),
  'mac:int2': h(intMult(2) + ADD.int32, `int2 mult (int8 0.2 × (2/8)²) + int32 add 0.1 (${QUAD})`, false),
  'mac:int1': h(intMult(1) + ADD.int32, `1-bit mult (an AND/XNOR: int8 0.2 × (1/8)²) + int32 add 0.1 (${QUAD})`, false),
  'mac:ternary': h(ADD.int32, 'derived: a ×{-1,0,+1} is a conditional negate/select, so the MAC is the int32 accumulate add 0.1', false),
  // table lookups: one entry read from a small register-file table (LUT tensor cores, T-MAC)
  'lookup:int8': entry(8 * 0.009, 'pJ/op', 40, 2014, `${ALADDIN}: 8 bits × 0.009`, true),
  'lookup:int16': entry(16 * 0.009, 'pJ/op', 40, 2014, `${ALADDIN}: 16 bits × 0.009`, true),
  'lookup:fp16': entry(16 * 0.009, 'pJ/op', 40, 2014, `${ALADDIN}: 16 bits × 0.009`, true),
  'lookup:int32': entry(32 * 0.009, 'pJ/op', 40, 2014, `${ALADDIN}: 32 bits × 0.009`, true),
  'lookup:fp32': entry(32 * 0.009, 'pJ/op', 40, 2014, `${ALADDIN}: 32 bits × 0.009`, true),
  // shift-and-add (bit-serial weight planes, LUT partial-sum combine): a barrel shift of the
  // operand width costs about one add of that width (log-depth mux tree), plus the add.
  'shift_add:int16': h(2 * ADD.int16, 'derived: int16 add 0.05 + an int16 shift taken as one more add', false),
  'shift_add:int32': h(2 * ADD.int32, 'derived: int32 add 0.1 + an int32 shift taken as one more add', false),
  'shift_add:fp16': h(ADD.int8 + ADD.fp16, 'derived: ×2^k on fp16 is an exponent add (int8 add 0.03) + fp16 add 0.4', false),
  'shift_add:fp32': h(ADD.int8 + ADD.fp32, 'derived: ×2^k on fp32 is an exponent add (int8 add 0.03) + fp32 add 0.9', false),
  // comparators (max in softmax, top-k in MoE routing): a subtract of the operand width
  'compare:int8': h(ADD.int8, 'derived: a comparator is a subtract: int8 add 0.03', false),
  'compare:int16': h(ADD.int16, 'derived: a comparator is a subtract: int16 add 0.05', false),
  'compare:int32': h(ADD.int32, 'derived: a comparator is a subtract: int32 add 0.1', false),
  'compare:fp16': h(ADD.int16, 'derived: fp16 ordering is a sign-magnitude integer compare: int16 add 0.05', false),
  'compare:fp32': h(ADD.int32, 'derived: fp32 ordering is a sign-magnitude integer compare: int32 add 0.1', false),
  // instruction overhead of a programmable core (fetch, decode, register file, control), charged
  // per instruction issued; the instruction's ALU work is counted separately by its own key
  'instruction:cpu': h(
    70,
    'instruction energy breakdown of a 32-bit add on a RISC core: I-cache 25 + register file 6 + control ≈39 pJ ≈ 70 pJ (the add itself 0.1 pJ); slide as reproduced in public repos (find_string "Instruction Energy Breakdown")',
  ),
  // vector/scalar-unit FLOPs (norms, activations, softmax): per FLOP, a mult+add pair halved
  'vector:fp32': h((MULT.fp32 + ADD.fp32) / 2, '(fp32 mult 3.7 + fp32 add 0.9) / 2 per FLOP'),
  'vector:fp16': h((MULT.fp16 + ADD.fp16) / 2, '(fp16 mult 1.1 + fp16 add 0.4) / 2 per FLOP'),
});

/** SRAM read energy per byte by array size: Horowitz 64-bit reads (8 KB 10 pJ; 32 KB 20 pJ; 1 MB 100 pJ). */
export const SRAM_SIZE_POINTS: { bytes: number; pjPerByte: number; verified: boolean }[] = [
  { bytes: 8 * 1024, pjPerByte: 10 / 8, verified: true },
  { bytes: 32 * 1024, pjPerByte: 20 / 8, verified: false },
  { bytes: 1024 * 1024, pjPerByte: 100 / 8, verified: false },
];
export const SRAM_SIZE_SOURCE = `${HOROWITZ}: 64-bit SRAM read 8 KB 10 pJ (verified), 32 KB 20 pJ, 1 MB 100 pJ (not verified); log-log interpolation between points, extrapolated with the nearest segment's slope`;

/** Per-bit main-memory access energy by DRAM technology (array + IO), pJ per byte. */
export const DRAM_PJ_PER_BYTE: Record<string, EnergyEntry> = ownTable({
  HBM2: entry(
    3.59 * 8,
    'pJ/byte',
    0,
    2017,
    `${FGDRAM}: ACT/PRE 0.11 + cell RD/WR 0.44 + on-die 1.01 + 1.23 + TSV 0.5 + interposer IO 0.3 = 3.59 pJ/bit`,
    true,
    false,
  ),
  HBM2e: entry(3.59 * 8, 'pJ/byte', 0, 2017, `placeholder: HBM2 3.59 pJ/bit (${FGDRAM}) taken for HBM2e (same core and IO design, faster pins)`, false, false),
  HBM3: entry(
    3.59 * 8,
    'pJ/byte',
    0,
    2017,
    `placeholder: HBM2 3.59 pJ/bit (${FGDRAM}) taken for HBM3 (no verified HBM3 per-bit figure in data/reference)`,
    false,
    false,
  ),
  HBM3e: entry(
    3.59 * 8,
    'pJ/byte',
    0,
    2017,
    `placeholder: HBM2 3.59 pJ/bit (${FGDRAM}) taken for HBM3e (no verified HBM3e per-bit figure in data/reference)`,
    false,
    false,
  ),
  GDDR6: entry(
    7.5 * 8,
    'pJ/byte',
    0,
    2018,
    'placeholder: ~7.5 pJ/bit commonly quoted for a GDDR6 device + PHY (Micron GDDR6 material; not verified)',
    false,
    false,
  ),
  GDDR6X: entry(
    7.5 * 0.85 * 8,
    'pJ/byte',
    0,
    2020,
    'Micron: GDDR6X at 21 Gb/s uses 15% less power per bit than GDDR6 at 14 Gb/s (announcement as reported by VentureBeat/GamesBeat, Sept 2020) × the GDDR6 placeholder 7.5 pJ/bit',
    false,
    false,
  ),
  LPDDR4: entry(
    13.5 * 8,
    'pJ/byte',
    0,
    2020,
    'H. Ha, Stanford PhD thesis (DramDSE simulation): 32 Gb LPDDR4 13–14 pJ/bit at 3.2 Gb/s/pin, as tabulated in the public repo Dongyunkam/DRAM_info README (secondary; not verified: thesis not read)',
    false,
    false,
  ),
  LPDDR5: entry(
    13.5 * 8,
    'pJ/byte',
    0,
    2020,
    'placeholder: the LPDDR4 value 13.5 pJ/bit (H. Ha thesis via Dongyunkam/DRAM_info) taken for LPDDR5 (no LPDDR5 per-bit figure in data/reference: a GAP in pim.json dram_energy)',
    false,
    false,
  ),
  DDR4: entry(
    (1300 / 64) * 8,
    'pJ/byte',
    0,
    2014,
    `${HOROWITZ}: DRAM 64-bit read 1.3–2.6 nJ, the low end (20.3 pJ/bit) taken for a DDR4 DIMM access incl. IO`,
    false,
    false,
  ),
  DDR5: entry((1300 / 64) * 8, 'pJ/byte', 0, 2014, `placeholder: the DDR4 value (${HOROWITZ}: DRAM 64-bit read 1.3 nJ) taken for DDR5`, false, false),
});

/** Memory energy per byte moved, by on-chip level and DRAM-internal path. */
export const MEMORY_PJ_PER_BYTE: Record<string, EnergyEntry> = ownTable({
  register: entry(0.0675, 'pJ/byte', 45, 2014, `${ATTACC}: ENERGY_TABLE GPU reg 0.0675 pJ/byte`, true),
  l1: entry(0.16 * 8, 'pJ/byte', 45, 2015, `${ATTACC}: GPU L1 0.16 pJ/bit (ref arXiv 1509.02308); node taken as 45 nm`, true),
  smem: entry(0.16 * 8, 'pJ/byte', 45, 2015, `${ATTACC}: GPU L1 0.16 pJ/bit (shared memory is the same array); node taken as 45 nm`, true),
  sram: entry(
    SRAM_SIZE_POINTS[0]!.pjPerByte,
    'pJ/byte',
    45,
    2014,
    `${HOROWITZ}: 8 KB SRAM 64-bit read 10 pJ (give sramBytes for a size-dependent value)`,
    true,
  ),
  l2: entry(0.3 * 8, 'pJ/byte', 45, 2015, `${ATTACC}: GPU L2 0.3 pJ/bit; node taken as 45 nm`, true),
  bram: entry(SRAM_SIZE_POINTS[0]!.pjPerByte * Math.sqrt(4608 / 8192), 'pJ/byte', 45, 2014, `FPGA BRAM36 (4.5 KB) from ${SRAM_SIZE_SOURCE}`, false),
  uram: entry(SRAM_SIZE_POINTS[1]!.pjPerByte * Math.sqrt(36864 / 32768), 'pJ/byte', 45, 2014, `FPGA URAM288 (36 KB) from ${SRAM_SIZE_SOURCE}`, false),
  // Wire energy per mm is set by wire capacitance per mm (about constant across nodes) and V²,
  // so it is not scaled with the logic node.
  noc: entry(
    0.15 * 8,
    'pJ/byte/mm',
    0,
    2011,
    'placeholder: on-chip wire ~0.1–0.2 pJ/bit/mm at 28–45 nm (Dally/Keckler, commonly quoted; data/reference/energy.json onchip_wire_pJ_per_bit_per_mm is a GAP); 0.15 pJ/bit/mm used; not node-scaled (wire C per mm ~constant)',
    false,
    false,
  ),
  nvlink: entry(1.3 * 8, 'pJ/byte', 0, 2023, `${ATTACC}: ENERGY_TABLE GPU comm (NVLink) 1.3 pJ/bit (ref IEEE 10067395)`, true, false),
  'pim-bank': entry(
    0.55 * 8,
    'pJ/byte',
    0,
    2017,
    `${ATTACC}: PIMType.BA mem = cell ACT/PRE 0.11 + cell RD/WR 0.44 pJ/bit (bank-local, no TSV/IO; activation amortized)`,
    true,
    false,
  ),
  'pim-bank-column': entry(
    0.44 * 8,
    'pJ/byte',
    0,
    2017,
    `${FGDRAM}: cell RD/WR 0.44 pJ/bit only (pair with dram-activate when activations are counted)`,
    true,
    false,
  ),
  'pim-bankgroup': entry(1.56 * 8, 'pJ/byte', 0, 2017, `${ATTACC}: PIMType.BG mem 1.56 pJ/bit`, true, false),
  'pim-buffer': entry(3.29 * 8, 'pJ/byte', 0, 2017, `${ATTACC}: PIMType.BUFFER mem 3.29 pJ/bit (buffer die, after TSV)`, true, false),
});

/** Levels whose energy is main-memory (DRAM device) energy: reported as offChip. */
export const OFFCHIP_LEVELS = new Set([
  'dram',
  'dram-activate',
  'nvlink',
  'pim-bank',
  'pim-bank-column',
  'pim-bankgroup',
  'pim-buffer',
  ...Object.keys(DRAM_PJ_PER_BYTE),
]);

/** Every memory level a model may name (DRAM technologies included). */
export function memoryLevels(): string[] {
  return ['dram', 'dram-activate', ...Object.keys(MEMORY_PJ_PER_BYTE), ...Object.keys(DRAM_PJ_PER_BYTE)];
}

/**
 * Activation energy from a DRAM device's IDD currents, the DRAMsim3 formula
 * (src/configuration.cc): E_act = VDD · (IDD0·tRC − (IDD3N·tRAS + IDD2N·tRP)), mA·ns·V = pJ.
 */
export function activateEnergyPj(p: { vdd: number; idd0mA: number; idd3nmA: number; idd2nmA: number; tRasNs: number; tRpNs: number }): number {
  const tRc = p.tRasNs + p.tRpNs;
  return p.vdd * (p.idd0mA * tRc - (p.idd3nmA * p.tRasNs + p.idd2nmA * p.tRpNs));
}

const DRAMSIM3 = 'DRAMsim3 @29817593 IDD model VDD·(IDD0·tRC − (IDD3N·tRAS + IDD2N·tRP)) (data/reference/pim.json dram_timing)';
const HBM2_ACT = activateEnergyPj({ vdd: 1.2, idd0mA: 65, idd3nmA: 55, idd2nmA: 40, tRasNs: 34, tRpNs: 14 }) / 1024;
// GDDR6_8Gb_x16.ini gives no IDD2N: IDD3N is used for the precharge term (an upper bound on the
// standby current, so a lower bound on E_act). Page 2 KB per x16 channel (1024 columns × 16 bit).
const GDDR6_ACT = activateEnergyPj({ vdd: 1.35, idd0mA: 71, idd3nmA: 61, idd2nmA: 61, tRasNs: 54 * 0.66, tRpNs: 24 * 0.66 }) / 2048;
// LPDDR4_8Gb_x16_2400.ini gives no IDD2N either (same treatment); page 2 KB (1024 columns × 16 bit).
const LPDDR4_ACT = activateEnergyPj({ vdd: 1.2, idd0mA: 80, idd3nmA: 47, idd2nmA: 47, tRasNs: 32 * 0.83, tRpNs: 15 * 0.83 }) / 2048;
const act = (v: number, src: string, verified: boolean, year: number) => entry(v, 'pJ/byte-of-row-activated', 0, year, src, verified, false);
const HBM2_ACT_SRC = `${DRAMSIM3}: HBM2_8Gb_x128.ini VDD 1.2, IDD0 65, IDD3N 55, IDD2N 40 mA, tRAS 34, tRP 14 ns → 828 pJ per 1 KB page`;
const GDDR6_ACT_SRC = `${DRAMSIM3}: GDDR6_8Gb_x16.ini VDD 1.35, IDD0 71, IDD3N 61 mA (IDD2N not given: IDD3N used), tRAS 54, tRP 24 × 0.66 ns, per 2 KB page`;
const LPDDR4_ACT_SRC = `${DRAMSIM3}: LPDDR4_8Gb_x16_2400.ini VDD 1.2, IDD0 80, IDD3N 47 mA (IDD2N not given: IDD3N used), tRAS 32, tRP 15 × 0.83 ns, per 2 KB page`;
/**
 * DRAM row activation (ACT + PRE), pJ per byte of row opened: a model that counts activations
 * reports `{level: 'dram-activate', bytes: activations × rowBytes}`. Per-byte keeps the entry
 * independent of page size (an activate of a 2 KB page costs twice a 1 KB one).
 */
export const DRAM_ACTIVATE_PJ_PER_ROW_BYTE: Record<string, EnergyEntry> = ownTable({
  HBM2: act(HBM2_ACT, HBM2_ACT_SRC, true, 2019),
  HBM2e: act(HBM2_ACT, `placeholder: HBM2 value taken for HBM2e (${HBM2_ACT_SRC})`, false, 2019),
  HBM3: act(HBM2_ACT, `placeholder: HBM2 value taken for HBM3 (${HBM2_ACT_SRC})`, false, 2019),
  HBM3e: act(HBM2_ACT, `placeholder: HBM2 value taken for HBM3e (${HBM2_ACT_SRC})`, false, 2019),
  GDDR6: act(GDDR6_ACT, GDDR6_ACT_SRC, false, 2019),
  GDDR6X: act(GDDR6_ACT, `placeholder: GDDR6 value taken for GDDR6X (${GDDR6_ACT_SRC})`, false, 2019),
  LPDDR4: act(LPDDR4_ACT, LPDDR4_ACT_SRC, false, 2019),
  LPDDR5: act(LPDDR4_ACT, `placeholder: LPDDR4 value taken for LPDDR5 (${LPDDR4_ACT_SRC})`, false, 2019),
  DDR4: act(LPDDR4_ACT, `placeholder: LPDDR4 per-byte value taken for DDR4 (${LPDDR4_ACT_SRC})`, false, 2019),
  DDR5: act(LPDDR4_ACT, `placeholder: LPDDR4 per-byte value taken for DDR5 (${LPDDR4_ACT_SRC})`, false, 2019),
});
