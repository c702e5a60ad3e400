/** The example kind's calibration factors: name, unit, range, default, meaning, source. */
import type { CalibrationDeclaration } from '../../src/arch/calibration.ts';

export const EXAMPLE_CALIBRATION = [
  {
    name: 'dramBandwidthEfficiency',
    unit: 'fraction',
    min: 0,
    minExclusive: true,
    max: 1,
    default: 0.9,
    meaning: 'Fraction of the peak DRAM bandwidth the array sustains while streaming weights.',
    source: 'example value for the walkthrough (not a measurement)',
  },
] as const satisfies CalibrationDeclaration;
