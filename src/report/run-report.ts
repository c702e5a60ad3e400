/**
 * The report of one or more runs (`simulate --json`; several runs, e.g. the prefill and decode of
 * one model, share the latency and energy charts as facet rows): summary table, roofline per run,
 * latency and energy breakdowns, and the per-step series of a generate run when present.
 */
import type { RunInput } from './inputs.ts';
import { renderHtml, type ChartSection, type HtmlSection } from './html.ts';
import { rooflineData, rooflineSpec } from './charts/roofline.ts';
import { latencySpec, runLabel } from './charts/latency.ts';
import { energySpec } from './charts/energy.ts';
import { generateSpec } from './charts/generate.ts';
import { runSummaryHtml } from './summary.ts';
import { systemSection } from './system-section.ts';
import { icicleSpec } from './charts/icicle.ts';
import { opRows, opTableHtml } from './op-table.ts';
import { designLabels, differingFields, runDesign } from '../compare/designs.ts';

export function renderRunReport(input: RunInput | RunInput[]): string {
  const runs = Array.isArray(input) ? input : [input];
  if (runs.length === 0) throw new Error('renderRunReport needs at least one run');
  const labels = uniqueLabels(runs);
  const sections: (ChartSection | HtmlSection)[] = [];
  runs.forEach((r, i) => {
    const d = rooflineData(r);
    sections.push({
      id: `roofline-${i}`,
      title: runs.length > 1 ? `Roofline — ${labels[i]}` : 'Roofline',
      spec: rooflineSpec(r, `${r.arch.name} — ${r.workload.model} ${labels[i]}`),
      note: `Ops of one class on one spot are one mark (area = their total time; hover for the count): filled circle = cycle model (${r.arch.kind}), cross = roofline estimate; a grey rule joins the two where they differ. ${d.ops} ops drawn as ${d.points.length / 2} groups${d.excluded ? `, ${d.excluded} with no FLOPs or no bytes left out` : ''}. Click a class in the legend to hide it; click again to show it.`,
      renderer: d.points.length > 3000 ? 'canvas' : 'svg',
    });
  });
  runs.forEach((r, i) => {
    const s = systemSection(r as { system?: Parameters<typeof systemSection>[0]['system'] }, `system-${i}`, runs.length > 1 ? labels[i] : undefined);
    if (s) sections.push(s);
    const suffix = runs.length > 1 ? ` — ${labels[i]}` : '';
    sections.push({ id: `icicle-time-${i}`, title: `Time by layer, op class and op${suffix}`, spec: icicleSpec(r, 'time', 'Where the step time goes') });
    sections.push({
      id: `icicle-energy-${i}`,
      title: `Energy by layer, op class and op${suffix}`,
      spec: icicleSpec(r, 'energy', 'Where the step energy goes'),
    });
  });
  sections.push({
    id: 'latency',
    title: 'Latency breakdown',
    spec: latencySpec(runs, labels),
    note: 'Time per step by op class: the cycle model beside the roofline estimate.',
  });
  sections.push({
    id: 'energy',
    title: 'Energy breakdown',
    spec: energySpec(runs, labels),
    note: 'Joules per step by op class, split into compute, on-chip, off-chip and static energy.',
  });
  runs.forEach((r, i) => {
    if (r.generate && r.generate.steps.length > 0) {
      sections.push({ id: `generate-${i}`, title: runs.length > 1 ? `Generation steps — ${labels[i]}` : 'Generation steps', spec: generateSpec(r.generate) });
    }
  });
  runs.forEach((r, i) => {
    const rows = opRows(r);
    sections.push({
      id: `ops-${i}`,
      title: runs.length > 1 ? `Every op — ${labels[i]}` : 'Every op',
      html: `<p class="note">${rows.length} ops; click a column heading to sort (again to reverse).</p><div class="scroll">${opTableHtml(rows, `ops-table-${i}`)}</div>`,
      download: rows,
    });
  });
  const first = runs[0]!;
  const title =
    runs.length === 1
      ? `${first.workload.model} on ${first.arch.name}`
      : `${[...new Set(runs.map((r) => r.workload.model))].join(', ')} on ${[...new Set(runs.map((r) => r.arch.name))].join(', ')}`;
  return renderHtml({
    title: `accelscope report: ${title}`,
    subtitle: runs.map((r, i) => `${labels[i]} · ${r.quant.name}`).join(' | '),
    summaryHtml: runSummaryHtml(runs, labels),
    sections,
  });
}

/**
 * Run labels: one run keeps its workload label; several are named by what differs between them
 * (arch, quant, phase, …: compare/designs.ts), so two archs on one workload read "H100 · …" and
 * "H200 · …", not the same "decode b1 ctx2048" twice.
 */
export function uniqueLabels(runs: RunInput[]): string[] {
  if (runs.length === 1) return [runLabel(runs[0]!)];
  const designs = runs.map(runDesign);
  const diff = differingFields(designs);
  // Only the workload differs (prefill and decode of one model): the workload label says it best.
  if (diff.every((k) => ['phase', 'batch', 'seq', 'context', 'prompt', 'output'].includes(k))) {
    const base = runs.map(runLabel);
    if (new Set(base).size === base.length) return base;
  }
  return designLabels(designs);
}
