import { ownTable } from '../util/own.ts';
import type { GenerateBlock } from '../engine/generate.ts';
/** Objectives a sweep records and optimizes; each names its result key and its goal. */
export interface ObjectiveDef {
  key: string;
  goal: 'min' | 'max';
  unit: string;
}

export const OBJECTIVES: Record<string, ObjectiveDef> = ownTable({
  latency: { key: 'latencySeconds', goal: 'min', unit: 's' },
  tokensPerSecond: { key: 'tokensPerSecond', goal: 'max', unit: 'token/s' },
  energyPerToken: { key: 'energyPerTokenJ', goal: 'min', unit: 'J/token' },
  energy: { key: 'energyPerTokenJ', goal: 'min', unit: 'J/token' },
  memory: { key: 'memoryBytes', goal: 'min', unit: 'B' },
  power: { key: 'averagePowerW', goal: 'min', unit: 'W' },
  ttft: { key: 'ttftSeconds', goal: 'min', unit: 's' },
  tpot: { key: 'tpotSeconds', goal: 'min', unit: 's' },
  // serve workloads (sweep/serve-point.ts)
  goodput: { key: 'goodputRps', goal: 'max', unit: 'req/s' },
  requestsPerSecond: { key: 'requestsPerSecond', goal: 'max', unit: 'req/s' },
  ttftP99: { key: 'ttftP99Seconds', goal: 'min', unit: 's' },
  tpotP99: { key: 'tpotP99Seconds', goal: 'min', unit: 's' },
  sloAttainment: { key: 'sloAttainment', goal: 'max', unit: '' },
});

export const OBJECTIVE_NAMES = Object.keys(OBJECTIVES);

/** Keys every result line may carry (evaluate.ts): a custom objective must not reuse one. */
export const RESULT_KEYS: readonly string[] = [
  'latencySeconds',
  'tokensPerSecond',
  'energyPerTokenJ',
  'memoryBytes',
  'averagePowerW',
  'rooflineSeconds',
  'ttftSeconds',
  'tpotSeconds',
  'energyPerRequestJ',
  'fits',
];

/** True when `name` is a built-in objective's alias or result key. */
export function isBuiltinObjective(name: string): boolean {
  return Object.hasOwn(OBJECTIVES, name) || RESULT_KEYS.includes(name);
}

/** An objective by alias (latency) or by result key (latencySeconds); custom ones pass their def. */
export function objectiveDef(name: string, custom: { name: string; goal: 'min' | 'max' }[] = []): ObjectiveDef | undefined {
  const byAlias = OBJECTIVES[name];
  if (byAlias) return byAlias;
  const byKey = Object.values(OBJECTIVES).find((o) => o.key === name);
  if (byKey) return byKey;
  const c = custom.find((o) => o.name === name);
  return c ? { key: c.name, goal: c.goal, unit: '' } : undefined;
}

/** The objectives of a whole request (a `generate` workload), on one device or a system: one mapping for both. */
export function generateObjectives(g: GenerateBlock, averagePowerW: number): Record<string, number> {
  return {
    latencySeconds: g.e2eSeconds,
    tokensPerSecond: g.outputTokensPerSecond,
    energyPerTokenJ: g.energyPerOutputTokenJ,
    memoryBytes: g.peakMemoryBytes,
    averagePowerW,
    ttftSeconds: g.ttftSeconds,
    tpotSeconds: g.tpotSeconds.mean,
    energyPerRequestJ: g.energyPerRequestJ,
  };
}
