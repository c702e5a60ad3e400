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

function opFailure(op: Op, kind: string, field: string, value: unknown, need: string): never {
  check(false, `op '${op.id}' (${op.kind}) on ${kind}`, field, value, need);
  throw new Error('unreachable');
}

/**
 * Checks one op's result from a hardware model (kind names the model). It runs for every op of
 * every sweep point, so the passing path builds nothing: no entry arrays (for…in over the plain
 * objects), no message strings (`fail` builds them only for a violation).
 */
export function assertOpResult(op: Op, kind: string, r: OpResult): void {
  const fail = (field: string, value: unknown, need: string) => opFailure(op, kind, field, value, need);
  if (!positive(r.seconds)) fail('seconds', r.seconds, 'finite and > 0');
  if (!nonNegative(r.cycles)) fail('cycles', r.cycles, 'finite and ≥ 0');
  if (!nonNegative(r.flops)) fail('flops', r.flops, 'finite and ≥ 0');
  const bytes = r.bytes;
  for (const level in bytes) if (!nonNegative(bytes[level]!)) fail(`bytes.${level}`, bytes[level], 'finite and ≥ 0');
  let energy = 0;
  const pj = r.energyPj as unknown as Record<string, number>;
  for (const k in pj) {
    if (!nonNegative(pj[k]!)) fail(`energyPj.${k}`, pj[k], 'finite and ≥ 0');
    energy += pj[k]!;
  }
  if (!positive(energy)) fail('energyPj (total)', energy, 'finite and > 0');
  if (!(Number.isFinite(r.utilization) && r.utilization >= 0 && r.utilization <= 1 + UTILIZATION_SLACK)) fail('utilization', r.utilization, 'in [0, 1]');
  const b = r.breakdown;
  if (b) for (const k in b) if (!Number.isFinite(b[k])) fail(`breakdown.${k}`, b[k], 'finite');
}

/** Checks a step's or request's totals: every field finite, times/energies/rates > 0. */
export function assertTotals(what: string, totals: Record<string, unknown>, positiveKeys: readonly string[]): void {
  for (const [k, v] of Object.entries(totals)) {
    if (typeof v === 'number')
      check(positiveKeys.includes(k) ? positive(v) : nonNegative(v), what, k, v, positiveKeys.includes(k) ? 'finite and > 0' : 'finite and ≥ 0');
    else if (v && typeof v === 'object' && !Array.isArray(v)) assertTotals(what, v as Record<string, unknown>, []);
  }
}
