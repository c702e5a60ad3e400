/**
 * Every number that leaves the engine is finite and physically possible: times and energies
 * > 0, counts ≥ 0, utilizations in [0, 1]. User input cannot produce a violation (configs are
 * validated at load), so one is a bug in a model: it is raised as an internal error naming
 * the op and the field, never printed as an answer.
 */
import type { Op } from '../workload/graph.ts';
import type { OpResult } from '../hw/model.ts';

/** A result the engine refuses to report: a bug (the CLI exits 70), never a user error. */
export class ImplausibleResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImplausibleResultError';
  }
}

/** Rounding slack for a utilization computed as a ratio of sums. */
const UTILIZATION_SLACK = 1e-9;

function check(ok: boolean, what: string, field: string, value: unknown, need: string): void {
  if (!ok)
    throw new ImplausibleResultError(
      `${what}: ${field} = ${String(value)}, must be ${need} (a bug in the hardware model; please report it with the arch config)`,
    );
}

const positive = (v: number) => Number.isFinite(v) && v > 0;
const nonNegative = (v: number) => Number.isFinite(v) && v >= 0;

/** Checks one op's result from a hardware model (kind names the model). */
export function assertOpResult(op: Op, kind: string, r: OpResult): void {
  const what = `op '${op.id}' (${op.kind}) on ${kind}`;
  check(positive(r.seconds), what, 'seconds', r.seconds, 'finite and > 0');
  check(nonNegative(r.cycles), what, 'cycles', r.cycles, 'finite and ≥ 0');
  check(nonNegative(r.flops), what, 'flops', r.flops, 'finite and ≥ 0');
  for (const [level, b] of Object.entries(r.bytes)) check(nonNegative(b), what, `bytes.${level}`, b, 'finite and ≥ 0');
  let energy = 0;
  for (const [k, e] of Object.entries(r.energyPj) as [string, number][]) {
    check(nonNegative(e), what, `energyPj.${k}`, e, 'finite and ≥ 0');
    energy += e;
  }
  check(positive(energy), what, 'energyPj (total)', energy, 'finite and > 0');
  check(Number.isFinite(r.utilization) && r.utilization >= 0 && r.utilization <= 1 + UTILIZATION_SLACK, what, 'utilization', r.utilization, 'in [0, 1]');
  for (const [k, v] of Object.entries(r.breakdown ?? {})) check(Number.isFinite(v), what, `breakdown.${k}`, v, 'finite');
}

/** Checks a step's or request's totals: every field finite, times/energies/rates > 0. */
export function assertTotals(what: string, totals: Record<string, unknown>, positiveKeys: readonly string[]): void {
  for (const [k, v] of Object.entries(totals)) {
    if (typeof v === 'number')
      check(positiveKeys.includes(k) ? positive(v) : nonNegative(v), what, k, v, positiveKeys.includes(k) ? 'finite and > 0' : 'finite and ≥ 0');
    else if (v && typeof v === 'object' && !Array.isArray(v)) assertTotals(what, v as Record<string, unknown>, []);
  }
}
