/** The `serve --json` document (docs/cli.md#serve). */
import type { ServeSummary } from './metrics.ts';
import type { SchedulerConfig } from './scheduler.ts';
import type { DisaggConfig } from './simulate.ts';
import type { TimelinePoint } from './types.ts';
import type { Saturation } from './saturation.ts';

export interface ServeReport {
  kind: 'serve';
  model: string;
  arch: string;
  archKind: string;
  /** `serve --system`: the system, the plan of each replica and how requests are routed. */
  system?: { name: string; file?: string; device: string; devices: number; devicesPerReplica: number; replicas: number; plan: string; router: string };
  quant: string;
  /** `--stack`: the software stack every step ran under (its factors are in `calibration`, named `<stack>.<factor>`). */
  stack?: { name: string; file?: string; launch: string };
  requestsSpec: string;
  scheduler: SchedulerConfig;
  disagg?: DisaggConfig;
  kv: {
    blockTokens: number;
    blocksPerDevice: number;
    bytesPerToken: number;
    capacityBytes: number;
    usableBytes: number;
    weightsBytes: number;
    activationBytes: number;
  };
  summary: ServeSummary;
  /** The step model's throughput at saturation for the stream's mean lengths (continuous batching, one device). */
  saturation?: Saturation;
  /** Step-cost evaluations (memo misses) and the interpolation setting. */
  stepModel: { knotsPerOctave: number; evaluations: Record<string, number> };
  devices: { role: string; preemptions: number; prefixEvictions: number }[];
  /** Sampled system state (≤ ~4000 points per device). */
  timeline: TimelinePoint[];
  /** `--max-rate`: the search, and the highest rate that met the SLO attainment. */
  maxRate?: { rate: number; attainment: number; target: number; tried: { rate: number; attainment: number; goodputRps: number }[] };
  calibration: { name: string; value: number; source: string; description?: string }[];
}
