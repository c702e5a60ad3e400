/**
 * Sweep results of several specs in one report (`merge`d or passed together): what each spec
 * swept and what differs between them — per spec, the values each point field takes (arch,
 * system, stack, pointers, quant, workload fields); a field whose value sets differ between specs is what
 * differs. Read from the result lines only.
 */
import type { SweepLine } from './inputs.ts';
import { FIELD_VALUES_LIMIT, pointFields } from './sweep-table.ts';

export interface SpecSummary {
  spec: string;
  points: number;
  /** Field → sorted distinct values (as text) over the spec's points; past FIELD_VALUES_LIMIT of them, the first ones and '…'. */
  values: Record<string, string[]>;
}

export function specSummaries(lines: Iterable<SweepLine>): SpecSummary[] {
  const tally = new SpecTally();
  for (const l of lines) tally.add(l);
  return tally.summaries();
}

/** Spec summaries gathered one line at a time (a results file streamed through once): counts and distinct values, never the lines. */
export class SpecTally {
  private readonly by = new Map<string, { points: number; values: Map<string, Set<string>>; capped: Set<string> }>();

  add(l: SweepLine): void {
    const spec = (l as { spec?: string }).spec ?? '';
    const s = this.by.get(spec) ?? { points: 0, values: new Map<string, Set<string>>(), capped: new Set<string>() };
    this.by.set(spec, s);
    s.points++;
    for (const [k, v] of pointFields(l)) {
      const set = s.values.get(k) ?? new Set<string>();
      s.values.set(k, set);
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      if (set.size < FIELD_VALUES_LIMIT) set.add(text);
      else if (!set.has(text)) s.capped.add(k);
    }
  }

  summaries(): SpecSummary[] {
    return [...this.by].map(([spec, s]) => ({
      spec,
      points: s.points,
      values: Object.fromEntries(
        [...s.values].map(([k, set]) => [k, [...[...set].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b)), ...(s.capped.has(k) ? ['…'] : [])]]),
      ),
    }));
  }
}

/** Fields whose value sets differ between specs (a field one spec lacks differs too). */
export function specDifferences(specs: readonly SpecSummary[]): string[] {
  const keys = [...new Set(specs.flatMap((s) => Object.keys(s.values)))];
  return keys.filter((k) => new Set(specs.map((s) => JSON.stringify(s.values[k] ?? null))).size > 1);
}
