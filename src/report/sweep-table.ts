/**
 * Flattens sweep results into one row per point with safe field names for charts: the swept
 * parameters that vary (arch JSON pointers, quant scheme, workload fields) become p0, p1, …;
 * numeric objectives become o_<name>. Parameters that hold one value across the sweep are
 * constants, shown in the summary rather than as empty panels.
 */
import type { SweepLine } from './inputs.ts';

export interface SweepParam {
  field: string;
  /** What the user swept: a JSON pointer into the arch, 'quant', or 'workload.batch' …. */
  label: string;
  numeric: boolean;
  /** Distinct values (at most FIELD_VALUES_LIMIT: then `capped`, and there are more). */
  distinct: number;
  capped?: boolean;
}

/** Distinct values of one field a sweep table tracks at most (so a file of any size is read in bounded memory). */
export const FIELD_VALUES_LIMIT = 10_000;

export interface SweepRow {
  id: string;
  index: number;
  ok: boolean;
  /** Has numeric objectives to draw: every feasible point, and infeasible ones that ran (over capacity). */
  drawable: boolean;
  fits: boolean;
  label: string;
  reason?: string;
  [field: string]: unknown;
}

export interface SweepTable {
  params: SweepParam[];
  constants: { label: string; value: unknown }[];
  objectives: string[];
  rows: SweepRow[];
}

export function objectiveField(name: string): string {
  return `o_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** A point's fields as a report names them: arch, system and stack (when several are swept), the pointers, quant, workload fields. */
export function pointFields(l: SweepLine): [string, unknown][] {
  const out: [string, unknown][] = [];
  if (typeof l.point.arch === 'string') out.push(['arch', l.point.arch]);
  if (typeof l.point.system === 'string') out.push(['system', l.point.system]);
  if (typeof l.point.stack === 'string') out.push(['stack', l.point.stack]);
  out.push(...Object.entries(l.point.params ?? {}));
  if (l.point.quant !== undefined) out.push(['quant', l.point.quant]);
  for (const [k, v] of Object.entries(l.point.workload ?? {})) if (v !== undefined) out.push([`workload.${k}`, v]);
  return out;
}

function pointValues(l: SweepLine): [string, unknown][] {
  // Lines of several specs (merged) name their spec.
  const spec = (l as { spec?: unknown }).spec;
  return typeof spec === 'string' ? [['spec', spec], ...pointFields(l)] : pointFields(l);
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A value as a reader wants it in a label: numbers to 6 significant digits. */
function label(v: unknown): string {
  return typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(6))) : show(v);
}

export function sweepTable(lines: readonly SweepLine[]): SweepTable {
  const columns = new SweepColumns();
  for (const l of lines) columns.add(l);
  return columns.table(lines);
}

/**
 * The columns of a sweep table gathered one line at a time (a results file streamed through
 * once, report/sweep-report.ts): which point fields vary and which numeric objectives exist.
 * It holds the distinct values of each field (a sweep's fields take the values its spec lists), up
 * to FIELD_VALUES_LIMIT per field (beyond it the field counts as having more), never the lines.
 */
export class SweepColumns {
  private readonly seen = new Map<string, Map<string, unknown>>();
  /** Fields with a value that is not a number, and fields with more than FIELD_VALUES_LIMIT values. */
  private readonly nonNumeric = new Set<string>();
  private readonly capped = new Set<string>();
  private readonly order: string[] = [];
  private readonly objectiveNames: string[] = [];
  private readonly objSeen = new Set<string>();

  add(l: SweepLine): void {
    for (const [k, v] of pointValues(l)) {
      let m = this.seen.get(k);
      if (!m) {
        this.seen.set(k, (m = new Map<string, unknown>()));
        this.order.push(k);
      }
      if (typeof v !== 'number') this.nonNumeric.add(k);
      const key = show(v);
      if (m.size < FIELD_VALUES_LIMIT || m.has(key)) m.set(key, v);
      else this.capped.add(k);
    }
    if (!l.objectives) return;
    for (const k in l.objectives) {
      if (typeof l.objectives[k] === 'number' && !this.objSeen.has(k)) {
        this.objSeen.add(k);
        this.objectiveNames.push(k);
      }
    }
  }

  /** Numeric objectives in the order they first appear. */
  get objectives(): string[] {
    return this.objectiveNames;
  }

  /** The table of `lines` (any subset of the lines added) with the columns of every line added. */
  table(lines: readonly SweepLine[]): SweepTable {
    const params: SweepParam[] = [];
    const constants: SweepTable['constants'] = [];
    for (const k of this.order) {
      const m = this.seen.get(k)!;
      if (m.size <= 1) constants.push({ label: k, value: [...m.values()][0] });
      else
        params.push({
          field: `p${params.length}`,
          label: k,
          numeric: !this.nonNumeric.has(k),
          distinct: m.size,
          ...(this.capped.has(k) ? { capped: true } : {}),
        });
    }
    const byLabel = new Map(params.map((p) => [p.label, p]));
    const objectives = [...this.objectiveNames];
    const rows: SweepRow[] = lines.map((l) => {
      // An infeasible point is never on a front: it counts as not fitting even if it ran.
      const row: SweepRow = {
        id: l.id,
        index: l.index,
        ok: l.ok,
        drawable: l.objectives !== undefined,
        fits: l.ok && l.objectives['fits'] !== false,
        label: '',
      };
      const parts: string[] = [];
      for (const [k, v] of pointValues(l)) {
        const p = byLabel.get(k);
        if (!p) continue;
        row[p.field] = p.numeric ? v : show(v);
        parts.push(`${k}=${label(v)}`);
      }
      row.label = parts.join(', ');
      for (const k of objectives) {
        const v = l.objectives?.[k];
        if (typeof v === 'number') row[objectiveField(k)] = v;
      }
      if (!l.ok) row.reason = l.reason;
      return row;
    });
    return { params, constants, objectives, rows };
  }
}
