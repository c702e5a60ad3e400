/**
 * `check`: runs datapaths on seeded random and adversarial matrices and compares each with its
 * reference. A datapath passes when, on every case and every output, |computed − reference| is
 * within its stated bound (zero for integer datapaths) and no output is NaN/Inf where the
 * reference is finite. The datapath list is a parameter, so a test can hand in a broken one. A
 * datapath that claims a shape (a PIM unit accumulating K = 4096) runs at it; the others at the
 * check's shape.
 */
import type { CaseKind, CheckCase, Datapath } from './datapath.ts';
import { errorStats } from './metrics.ts';
import { DEFAULT_CHECK_SHAPE, makeCases } from './cases.ts';
import type { GemmShape } from './gemm.ts';

export interface CaseResult {
  case: CaseKind;
  maxAbsErr: number;
  maxRelErr: number;
  sqnrDb: number;
  /** max over outputs of |err| / bound (0 when exact; Infinity when a zero bound is missed). */
  boundRatio: number;
  violations: number;
  note?: string;
}

export interface DatapathResult {
  datapath: string;
  hardware: string;
  operands: string;
  exact: boolean;
  bound: string;
  /** The shape this datapath ran at (its claimed shape, or the check's). */
  shape: GemmShape;
  /** What the arch config claims, when the datapath came from a config. */
  claim?: string;
  maxAbsErr: number;
  maxRelErr: number;
  /** Lowest SQNR over the cases (Infinity when every case is exact). */
  sqnrDb: number;
  boundRatio: number;
  pass: boolean;
  /** Why it failed: the cases that missed the bound. */
  failures: string[];
  cases: CaseResult[];
}

export interface CheckReport {
  seed: number;
  shape: GemmShape;
  pass: boolean;
  datapaths: DatapathResult[];
}

export interface CheckOptions {
  seed?: number;
  shape?: GemmShape;
}

export function runCheck(datapaths: Datapath[], opts: CheckOptions = {}): CheckReport {
  const seed = opts.seed ?? 1;
  const shape = opts.shape ?? DEFAULT_CHECK_SHAPE;
  const byShape = new Map<string, CheckCase[]>();
  const casesFor = (s: GemmShape): CheckCase[] => {
    const key = `${s.M}x${s.N}x${s.K}`;
    let cs = byShape.get(key);
    if (!cs) byShape.set(key, (cs = makeCases(s, seed)));
    return cs;
  };
  const results = datapaths.map((d): DatapathResult => {
    const dShape = d.shape ?? shape;
    const cr = casesFor(dShape).map((c): CaseResult => {
      const o = d.run(c);
      const st = errorStats(o.computed, o.reference, o.absReference);
      let violations = st.nonFinite;
      let ratio = 0;
      for (let i = 0; i < o.reference.length; i++) {
        const r = o.reference[i]!;
        const v = o.computed[i]!;
        if (!Number.isFinite(r) || !Number.isFinite(v)) continue;
        const e = Math.abs(v - r);
        const b = d.exact ? 0 : o.bound[i]!;
        if (e > b) violations++;
        ratio = Math.max(ratio, e === 0 ? 0 : b === 0 ? Infinity : e / b);
      }
      if (st.nonFinite) ratio = Infinity;
      return { case: c.name, ...pick(st), boundRatio: ratio, violations, ...(o.note ? { note: o.note } : {}) };
    });
    const failures = cr.filter((c) => c.violations > 0).map((c) => `${c.case}: ${c.violations} output(s) outside the bound`);
    return {
      datapath: d.name,
      hardware: d.hardware,
      operands: d.operands,
      exact: d.exact,
      bound: d.boundText,
      shape: dShape,
      ...(d.claim ? { claim: d.claim } : {}),
      maxAbsErr: Math.max(...cr.map((c) => c.maxAbsErr)),
      maxRelErr: Math.max(...cr.map((c) => c.maxRelErr)),
      sqnrDb: Math.min(...cr.map((c) => c.sqnrDb)),
      boundRatio: Math.max(...cr.map((c) => c.boundRatio)),
      pass: failures.length === 0,
      failures,
      cases: cr,
    };
  });
  return { seed, shape, pass: results.every((r) => r.pass), datapaths: results };
}

function pick(s: { maxAbsErr: number; maxRelErr: number; sqnrDb: number }) {
  return { maxAbsErr: s.maxAbsErr, maxRelErr: s.maxRelErr, sqnrDb: s.sqnrDb };
}
