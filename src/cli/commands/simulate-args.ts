/** The flags of `accelscope simulate` as yargs hands them over (shared by simulate and its generate phase). */
import type { WorkloadArgs } from '../workload-args.ts';
import type { SystemArgs } from '../system-args.ts';

export interface SimulateArgs extends WorkloadArgs, SystemArgs {
  /** Required unless --system names the device (with --system it replaces the system's device). */
  arch: string;
  quant: string;
  json: boolean;
  'ignore-capacity': boolean;
  threads?: number;
  prompt?: number;
  output?: number;
  strict: boolean;
  html?: string;
}
