/**
 * The contract every hardware model meets. A model is pure: (op, arch, quant, options) → OpResult,
 * deterministic, JSON in and out, so results are identical in 1 or N workers.
 */
import type { ArchConfig } from '../arch/base.ts';
import type { CalibrationDeclaration } from '../arch/calibration.ts';
import type { Op, OpGraph } from '../workload/graph.ts';
import type { QuantScheme } from '../quant/types.ts';
import type { ComputeDtype } from '../quant/types.ts';
import type { DatapathSpec } from '../numeric/spec.ts';
import type { Datapath } from '../numeric/datapath.ts';
import type { Stack } from '../stack/schema.ts';

/** 'interconnect': a communication op limited by link bandwidth between devices (src/collective/). */
export type Bound = 'compute' | 'memory' | 'latency' | 'overhead' | 'interconnect';

export type { EnergyBreakdownPj } from '../energy/account.ts';
import type { EnergyBreakdownPj } from '../energy/account.ts';

/** Peak rates of a design: what the roofline is drawn from. memory[0] is the main memory. */
export interface Ceilings {
  matrix: Partial<Record<ComputeDtype, number>>;
  vector: number;
  /**
   * memory[0] is the main memory as the host sees it. A level with `servesMainMemory` reads the
   * same data faster (PIM's bank-internal bandwidth): the roofline takes the fastest such level.
   */
  memory: { level: string; bandwidthBps: number; capacityBytes?: number; servesMainMemory?: boolean }[];
}

export interface OpResult {
  cycles: number;
  seconds: number;
  /** From workload/ops.ts, never recounted. */
  flops: number;
  /** Traffic actually moved at each memory level, bytes (main memory is 'dram'). */
  bytes: Record<string, number>;
  energyPj: EnergyBreakdownPj;
  bound: Bound;
  /** Achieved / peak of the bound resource, 0..1. */
  utilization: number;
  /** Model-specific cycle or second terms (e.g. activate, precompute, launch). */
  breakdown?: Record<string, number>;
  /** The compute dtype the op ran at, and whether it was emulated. */
  dtype?: string;
  notes?: string[];
}

/** Run-wide options a model may read (e.g. CPU thread count). Part of the memo key. */
export interface SimOptions {
  threads?: number;
  /** The software stack the ops run under (src/stack/; docs/models/software-stacks.md); absent: the arch's own kernel assumptions. */
  stack?: Stack;
  /** Die temperature of the run, °C (GPU thermal state: set from the run's heating history, gpu-tensor-core/thermal.ts); absent: the arch's sustained junction temperature. */
  dieTempC?: number;
  /** How long the run had loaded the board when it is timed, s (its history, as for dieTempC; Infinity: sustained); where the model has a sustained power limit the limit is the average that history allows (gpu-tensor-core/limiter.ts). Absent: no history (the board limit itself). The engine sets it (engine/power-history.ts). */
  loadedSeconds?: number;
  [key: string]: unknown;
}

/**
 * A calibration factor as a run used it: `origin` says whether the arch config set it or the
 * kind's declared default applied (src/arch/calibration.ts); `source` is the config's source
 * text or the declaration's. (unit/origin are optional only so older run files still load.)
 */
export interface CalibrationUse {
  name: string;
  value: number;
  source: string;
  description?: string;
  unit?: string;
  origin?: 'config' | 'default';
}

/** A model's step-level schedule: wall seconds and its own terms (e.g. busy time per resource). */
export interface StepSchedule {
  seconds: number;
  breakdown: Record<string, number>;
}

/** Where a run's history lowers a model's power limit (HardwareModel.powerHistory). */
export interface PowerLimitCurve {
  /** The average power a long history settles at, W. */
  sustainedW: number;
  /** The power limit after `loadedSeconds` of load, W (Infinity: sustained). */
  limitW(loadedSeconds: number): number;
}

export interface HardwareModel<C extends ArchConfig = ArchConfig> {
  kind: string;
  description: string;
  /** JSON Schema (draft 2020-12) of this kind's arch config. */
  schema: object;
  /** The calibration factors the model reads (name, unit, range, default, meaning, source); the schema accepts only these. */
  calibration: CalibrationDeclaration;
  ceilings(c: C): Ceilings;
  simulate(op: Op, c: C, q: QuantScheme, options?: SimOptions): OpResult;
  /** Whether the model splits work over SimOptions.threads for this config (CPU models); absent: never. */
  usesThreads?(c: C): boolean;
  /** Clock used to turn seconds into cycles where the model reports both. */
  clockHz(c: C): number;
  /** Extra memo-key text for ops whose result depends on more than their shape (e.g. per-op-name sparsity). */
  memoKey?(op: Op, c: C): string;
  /**
   * Optional: where a run's history lowers the power limit (the GPU's limiter,
   * gpu-tensor-core/limiter.ts), the sustained limit and the limit after a history; absent or
   * undefined: SimOptions.loadedSeconds changes nothing. The engine settles each run's history from
   * how it is timed (engine/power-history.ts), comparing the ops' breakdown `powerW` with it.
   */
  powerHistory?(c: C): PowerLimitCurve | undefined;
  /** Checks a schema-valid config against the device (resources); throws an AccelscopeError naming `file` and a pointer. */
  validate?(c: C, file?: string): void;
  /**
   * Optional: the step's wall time when the device overlaps work across ops (e.g. PIM's host and
   * banks running different sub-batches). The engine reports it as the total and keeps the plain
   * sum of op times beside it (totals.sequentialSeconds). Absent or undefined: the sum.
   */
  schedule?(graph: OpGraph, c: C, q: QuantScheme, sequentialSeconds: number): StepSchedule | undefined;
  /** A quant scheme (name, or a quant file relative to the repository root) the kind's shipped presets run natively; the meta tests run every preset with it. Absent: w16a16. */
  presetScheme?: string;
  /** The numeric datapaths the kind claims for a scheme, or its default set (`accelscope check`; src/hw/datapaths.ts). */
  datapaths(q?: QuantScheme): Datapath[];
  /** The numeric datapaths this config claims for a scheme (its own default schemes when none); `check --arch` runs them. */
  claimedDatapaths?(c: C, q?: QuantScheme): DatapathSpec[];
}
