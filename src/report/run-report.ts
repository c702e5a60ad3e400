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
      note: `Every op is a point: filled circle = cycle model (${r.arch.kind}), cross = roofline estimate; a grey rule joins the two where they differ. ${d.points.length / 2} ops drawn${d.excluded ? `, ${d.excluded} with no FLOPs or bytes left out` : ''}.`,
      renderer: d.points.length > 3000 ? 'canvas' : 'svg',
    });
  });
  runs.forEach((r, i) => {
    const s = systemSection(r as { system?: Parameters<typeof systemSection>[0]['system'] }, `system-${i}`, runs.length > 1 ? labels[i] : undefined);
    if (s) sections.push(s);
  });
  sections.push({ id: 'latency', title: 'Latency breakdown', spec: latencySpec(runs, labels), note: 'Time per step by op class: the cycle model beside the roofline estimate.' });
  sections.push({ id: 'energy', title: 'Energy breakdown', spec: energySpec(runs, labels), note: 'Joules per step by op class, split into compute, on-chip, off-chip and static energy.' });
  runs.forEach((r, i) => {
    if (r.generate && r.generate.steps.length > 0) {
      sections.push({ id: `generate-${i}`, title: runs.length > 1 ? `Generation steps — ${labels[i]}` : 'Generation steps', spec: generateSpec(r.generate) });
    }
  });
  const first = runs[0]!;
  const title = runs.length === 1
    ? `${first.workload.model} on ${first.arch.name}`
    : `${[...new Set(runs.map((r) => r.workload.model))].join(', ')} on ${[...new Set(runs.map((r) => r.arch.name))].join(', ')}`;
  return renderHtml({
    title: `accelscope report: ${title}`,
    subtitle: runs.map((r, i) => `${labels[i]} · ${r.quant.name}`).join(' | '),
    summaryHtml: runSummaryHtml(runs),
    sections,
  });
}

/** Run labels, made unique when two runs share a phase and shape (different archs or quants). */
function uniqueLabels(runs: RunInput[]): string[] {
  const base = runs.map(runLabel);
  return base.map((l, i) => (base.filter((b) => b === l).length > 1 ? `${l} · ${runs[i]!.arch.name} · ${runs[i]!.quant.name} #${i + 1}` : l));
}
