/**
 * One chart of the explorer page that redraws by swapping its data when only the data changed.
 *
 * Embedding a vega-lite spec compiles it to vega, parses the dataflow and builds the scene graph
 * from nothing: most of a redraw's time. When a control changes only the numbers (batch, context,
 * quant: same marks, same encodings, same titles), the slot keeps its vega view and replaces the
 * inline datasets instead: every `data: {values}` of the spec is named (`d0`, `d1`, … in document
 * order), and the spec without its values is the chart's *structure*. Same structure as the
 * drawn chart → `view.data(name, values)` for each dataset and one dataflow run; any other
 * difference (a title, an explicit scale domain, a layer) → a fresh embed. What is drawn is the
 * same either way: the view evaluates the same spec over the same rows.
 */

/** The part of a vega View the slot uses. */
export interface ChartView {
  data(name: string, values: unknown[]): ChartView;
  runAsync(): Promise<unknown>;
  finalize(): void;
}

export type Embed = (el: string | HTMLElement, spec: unknown, opts: unknown) => Promise<{ view: ChartView }>;

/** A spec with its inline datasets named, and those datasets. */
export interface SplitSpec {
  /** The spec with every `data: {values}` replaced by `data: {name}`. */
  spec: unknown;
  /** Dataset name → rows, in the order the spec holds them. */
  datasets: [string, unknown[]][];
  /** The spec without its rows, as text: two specs with equal structure differ only in data. */
  structure: string;
}

/** Names the spec's inline datasets (a copy; the argument is not changed). */
export function splitSpec(spec: unknown): SplitSpec {
  const datasets: [string, unknown[]][] = [];
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== 'object') return x;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
      const values = k === 'data' && v !== null && typeof v === 'object' ? (v as { values?: unknown }).values : undefined;
      if (Array.isArray(values)) {
        const name = `d${datasets.length}`;
        datasets.push([name, values]);
        const rest = { ...(v as Record<string, unknown>) };
        delete rest.values;
        out[k] = { ...rest, name };
      } else out[k] = walk(v);
    }
    return out;
  };
  const named = walk(spec);
  return { spec: named, datasets, structure: JSON.stringify(named) };
}

/** A chart element and what it shows now. */
export class ChartSlot {
  private view: ChartView | undefined;
  private structure: string | undefined;
  /** Resolves to the pending draw, so draws of one slot never interleave. */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly el: string,
    private readonly embed: Embed,
    private readonly opts: unknown,
  ) {}

  /** Draws `spec`, by a data swap when the structure equals what is drawn; resolves when drawn. */
  draw(spec: unknown): Promise<void> {
    const next = this.pending.then(() => this.drawNow(splitSpec(spec)));
    this.pending = next.catch(() => undefined);
    return next;
  }

  private async drawNow(s: SplitSpec): Promise<void> {
    if (this.view && s.structure === this.structure) {
      for (const [name, rows] of s.datasets) this.view.data(name, rows);
      await this.view.runAsync();
      return;
    }
    this.view?.finalize();
    this.view = undefined;
    this.structure = undefined;
    // vega-lite keeps a named data source's name in the vega spec; its rows come through `datasets`.
    const full = { ...(s.spec as Record<string, unknown>), datasets: Object.fromEntries(s.datasets) };
    const { view } = await this.embed(this.el, full, this.opts);
    this.view = view;
    this.structure = s.structure;
  }
}
