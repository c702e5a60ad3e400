/**
 * The PIM model's calibration factors: none. Every PIM time comes from DRAM command timing
 * (memory/presets.ts) and the unit's structure; a `calibration` entry in a pim-dram config is
 * an error.
 */
import type { CalibrationDeclaration } from '../../arch/calibration.ts';

export const PIM_CALIBRATION = [] as const satisfies CalibrationDeclaration;
