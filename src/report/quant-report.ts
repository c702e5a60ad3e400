/**
 * The report of a quant comparison (`quant --json`): the formats side by side in a table, cost vs
 * accuracy scatters (latency and energy per token against SQNR) and memory bars per format.
 */
import type { QuantComparison } from './inputs.ts';
import { renderHtml, type ChartSection, type HtmlSection } from './html.ts';
import { quantTradeoffSpec, tradeoffRows } from './charts/quant-tradeoff.ts';
import { quantMemoryRows, quantMemorySpec } from './charts/quant-memory.ts';
import { quantTableHtml } from './summary.ts';

export function renderQuantReport(q: QuantComparison): string {
  const sections: (ChartSection | HtmlSection)[] = [];
  const scattered = tradeoffRows(q).length;
  if (scattered > 0) {
    const left = q.rows.length - scattered;
    sections.push({
      id: 'quant-tradeoff',
      title: 'Cost vs accuracy',
      spec: quantTradeoffSpec(q),
      note: left ? `${left} row(s) not drawn: unsupported on the arch, or no error figure (the exact reference format).` : undefined,
    });
  }
  if (quantMemoryRows(q).length > 0) sections.push({ id: 'quant-memory', title: 'Memory by format', spec: quantMemorySpec(q) });
  const shape = `${q.phase}, batch ${q.batch}${q.context !== undefined ? `, context ${q.context}` : ''}${q.seq !== undefined ? `, seq ${q.seq}` : ''}`;
  return renderHtml({
    title: `accelscope quant comparison: ${q.model}`,
    subtitle: shape,
    summaryHtml: quantTableHtml(q),
    sections,
  });
}
