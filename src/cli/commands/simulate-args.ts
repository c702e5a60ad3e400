/** The flags of `accelscope simulate` as yargs hands them over (shared by simulate and its generate phase). */
import type { WorkloadArgs } from '../workload-args.ts';
import type { SystemArgs } from '../system-args.ts';

export interface SimulateArgs extends WorkloadArgs, Omit<SystemArgs, 'system'> {
  /** Repeated (`--system A --system B`) compares systems: every combination with --arch/--quant is one column. */
  system?: string | string[];
  /** Required unless --system names the device. Repeated (`--arch A --arch B`) compares designs: every combination is one column. */
  arch: string | string[];
  quant: string | string[];
  json: boolean;
  'ignore-capacity': boolean;
  threads?: number;
  prompt?: number;
  output?: number;
  strict: boolean;
  html?: string;
  /** Software stack name or file; repeated compares stacks (docs/models/software-stacks.md). */
  stack?: string | string[];
  /** Host name or file (hosts/*.json): the stack's host launch costs on that CPU (src/stack/host.ts). */
  host?: string;
  /** How the run is timed where the arch has a sustained power limit: bench | sustained | idle | seconds (src/engine/power-history.ts). */
  'power-history'?: string;
}

/** The flags of one design (one --arch, one --quant): what the single-design paths take. */
export type OneDesignArgs = Omit<SimulateArgs, 'arch' | 'quant' | 'system' | 'stack'> & { arch?: string; quant: string; system?: string; stack?: string };
