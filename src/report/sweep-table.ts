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
  distinct: number;
}

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
  const seen = new Map<string, Map<string, unknown>>();
  const order: string[] = [];
  for (const l of lines) {
    for (const [k, v] of pointValues(l)) {
      let m = seen.get(k);
      if (!m) {
        seen.set(k, (m = new Map<string, unknown>()));
        order.push(k);
      }
      m.set(show(v), v);
    }
  }
  const params: SweepParam[] = [];
  const constants: SweepTable['constants'] = [];
  for (const k of order) {
    const m = seen.get(k)!;
    if (m.size <= 1) constants.push({ label: k, value: [...m.values()][0] });
    else params.push({ field: `p${params.length}`, label: k, numeric: [...m.values()].every((v) => typeof v === 'number'), distinct: m.size });
  }
  const byLabel = new Map(params.map((p) => [p.label, p]));

  const objectives: string[] = [];
  const objSeen = new Set<string>();
  for (const l of lines) {
    if (!l.objectives) continue;
    for (const [k, v] of Object.entries(l.objectives)) {
      if (typeof v === 'number' && !objSeen.has(k)) {
        objSeen.add(k);
        objectives.push(k);
      }
    }
  }

  const rows: SweepRow[] = lines.map((l) => {
    // An infeasible point is never on a front: it counts as not fitting even if it ran.
    const row: SweepRow = { id: l.id, index: l.index, ok: l.ok, drawable: l.objectives !== undefined, fits: l.ok && l.objectives['fits'] !== false, label: '' };
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
