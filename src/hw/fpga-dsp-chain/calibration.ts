/** The FPGA model's calibration factors: achievable fractions of the off-chip memories' peak bandwidth. */
import type { CalibrationDeclaration } from '../../arch/calibration.ts';

export const FPGA_CALIBRATION = [
  {
    name: 'hbmEfficiency',
    unit: 'fraction',
    min: 0,
    minExclusive: true,
    max: 1,
    default: 1,
    meaning: "Achieved fraction of an HBM pseudo-channel's peak bandwidth for the accelerator's streaming loads.",
    source: "accelscope default: none applied (the peak); FlightLLM presets set the authors' 0.7 (flightllm_test_demo profile/config.yaml)",
  },
  {
    name: 'ddrEfficiency',
    unit: 'fraction',
    min: 0,
    minExclusive: true,
    max: 1,
    default: 1,
    meaning: "Achieved fraction of the DDR peak bandwidth for the accelerator's streaming loads.",
    source: 'accelscope default: none applied (the peak)',
    usedBy: (c) => (c['fpga'] as { ddr?: unknown } | undefined)?.ddr !== undefined,
  },
] as const satisfies CalibrationDeclaration;
