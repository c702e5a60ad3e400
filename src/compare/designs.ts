/**
 * Designs side by side: what differs between runs (or sweep specs) and the labels that name each
 * one by that difference, so a comparison is headed "H100 SXM5 · w16a16" vs "H200 · w16a16",
 * not "decode b1 ctx2048" twice. Used by `simulate --arch A --arch B`, the run report, `merge`
 * and the sweep report.
 */

/** One design as flat, printable fields (field name → value). */
export type DesignFields = Record<string, string>;

/** The fields whose values are not all the same, in the order of first appearance. */
export function differingFields(designs: readonly DesignFields[]): string[] {
  const keys = [...new Set(designs.flatMap((d) => Object.keys(d)))];
  return keys.filter((k) => new Set(designs.map((d) => d[k] ?? '—')).size > 1);
}

/**
 * A label per design from the values of the fields that differ (`H200 · w8a8`, in the order of
 * differingFields). Identical designs get `#1`, `#2`, … so columns stay apart.
 */
export function designLabels(designs: readonly DesignFields[]): string[] {
  const diff = differingFields(designs);
  const labels = designs.map((d) => diff.map((k) => d[k] ?? '—').join(' · '));
  return labels.map((l, i) => (labels.filter((x) => x === l).length > 1 || !l ? `${l ? `${l} ` : ''}#${i + 1}` : l));
}

/** The shape of a run's workload, as a run report and a comparison print it. */
interface RunLike {
  workload: { model: string; phase: string; batch: number; seq?: number; context?: number };
  arch: { name: string; kind?: string };
  quant: { name: string };
  generate?: { prompt?: number; output?: number };
  /** Multi-device runs (`simulate --system`): the system and its parallelism plan. */
  system?: { name: string; device: string; plan: { description: string } };
  stack?: { name: string };
}

/** The fields that identify a run as a design: system (multi-device runs), arch, quant, model, workload shape and plan. */
export function runDesign(r: RunLike): DesignFields {
  const w = r.workload;
  const f: DesignFields = {
    ...(r.system ? { system: r.system.name } : {}),
    // A system run's arch is named after the system; its device is the design's arch.
    arch: r.system ? r.system.device : r.arch.name,
    quant: r.quant.name,
    model: w.model,
    phase: r.generate ? 'generate' : w.phase,
    batch: String(w.batch),
    ...(r.system ? { plan: r.system.plan.description } : {}),
  };
  if (r.generate?.prompt !== undefined) f['prompt'] = String(r.generate.prompt);
  if (r.generate?.output !== undefined) f['output'] = String(r.generate.output);
  if (!r.generate && w.seq !== undefined) f['seq'] = String(w.seq);
  if (!r.generate && w.context !== undefined) f['context'] = String(w.context);
  if (r.stack) f['stack'] = r.stack.name;
  return f;
}
