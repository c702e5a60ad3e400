/**
 * The small state a builder threads through one step: shapes, and `add`/`gemm` that append an
 * op with the step's phase and (by default) a dependency on the previous op.
 */
import type { GemmOp, Op, OpClass, Phase, WeightRole } from '../graph.ts';
import type { ModelSpec } from '../model-config.ts';

/** An op before the builder fills in phase and (by default) deps; distributes over the union. */
export type OpInput = Op extends infer O ? (O extends Op ? Omit<O, 'phase' | 'deps'> & { deps?: string[] } : never) : never;

export interface BuildContext {
  spec: ModelSpec;
  phase: Phase;
  batch: number;
  qLen: number;
  kvLen: number;
  /** Tokens in flight: batch · qLen. */
  T: number;
  ops: Op[];
  /** ids of the ops the next op depends on by default. */
  last: string[];
  add(op: OpInput): string;
  gemm(
    id: string,
    name: string,
    cls: OpClass,
    layer: number,
    m: number,
    n: number,
    k: number,
    weight: WeightRole,
    bias: boolean,
    deps?: string[],
    count?: number,
  ): string;
}

export function newContext(spec: ModelSpec, phase: Phase, batch: number, qLen: number, kvLen: number): BuildContext {
  const ctx: BuildContext = {
    spec,
    phase,
    batch,
    qLen,
    kvLen,
    T: batch * qLen,
    ops: [],
    last: [],
    add(op) {
      const full = { ...op, phase, deps: op.deps ?? ctx.last };
      ctx.ops.push(full);
      ctx.last = [full.id];
      return full.id;
    },
    gemm(id, name, cls, layer, m, n, k, weight, bias, deps, count) {
      const g: Omit<GemmOp, 'phase' | 'deps'> & { deps?: string[] } = { id, name, kind: 'gemm', cls, layer, m, n, k, batch: 1, weight, bias, deps };
      if (count !== undefined) g.count = count;
      return ctx.add(g);
    },
  };
  return ctx;
}
