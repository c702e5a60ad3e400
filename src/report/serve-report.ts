/** The `serve --html` page: summary table, latency CDFs, and batch / KV / queue timelines. */
import { renderHtml, escapeHtml } from './html.ts';
import { serveCdfSpec } from './charts/serve-cdf.ts';
import { serveTimelineSpec } from './charts/serve-timeline.ts';
import { sig6 } from './charts/common.ts';
import type { ServeReport } from '../serve/report-data.ts';
import { formatNumber, formatPercent, formatQuantity, formatSeconds } from '../util/format.ts';

export function renderServeReport(r: ServeReport, records: { ttftS: number; tpotS: number; e2eS: number; outputTokens: number }[]): string {
  const s = r.summary;
  const row = (k: string, v: string) => `<tr><th>${escapeHtml(k)}</th><td class="num">${escapeHtml(v)}</td></tr>`;
  const d = (x: { p50: number; p90: number; p99: number; mean: number }) =>
    `p50 ${formatSeconds(x.p50)} · p90 ${formatSeconds(x.p90)} · p99 ${formatSeconds(x.p99)} · mean ${formatSeconds(x.mean)}`;
  const summaryHtml = `<table>${[
    row('requests', `${s.requests} (offered ${formatQuantity(s.offeredRate, 'req/s')})`),
    row('throughput', `${formatQuantity(s.requestsPerSecond, 'req/s')} · ${formatQuantity(s.outputTokensPerSecond, 'output tokens/s')}`),
    row('goodput', `${formatQuantity(s.goodputRps, 'req/s')} (${formatPercent(s.sloAttainment)} meet the SLO)`),
    row('TTFT', d(s.ttftS)),
    row('TPOT', d(s.tpotS)),
    row('end-to-end', d(s.e2eS)),
    row('queueing', d(s.queueS)),
    row('energy', `${formatQuantity(s.energyPerRequestJ, 'J')} per request · ${formatQuantity(s.energyPerOutputTokenJ, 'J')} per output token`),
    row('batch', `mean ${formatNumber(s.batch.mean)} · max ${s.batch.max}`),
    row('KV cache use', `mean ${formatPercent(s.kvUse.mean)} · max ${formatPercent(s.kvUse.max)} of ${r.kv.blocksPerDevice} blocks`),
    row('preemptions', String(s.preemptions)),
  ].join('')}</table>`;
  const series = (f: (p: ServeReport['timeline'][number]) => number) => r.timeline.map((p) => ({ t: sig6(p.t), value: sig6(f(p)), device: `${p.device}` }));
  const multi = records.filter((x) => x.outputTokens > 1);
  return renderHtml({
    title: `Serving ${r.model} on ${r.arch}`,
    subtitle: `${r.requestsSpec} · ${r.scheduler.policy} batching${r.stack ? ` · stack ${r.stack.name} (${r.stack.launch})` : ''}${r.disagg ? ` · disaggregated ${r.disagg.prefillDevices}P:${r.disagg.decodeDevices}D over ${r.disagg.link}` : ''}`,
    summaryHtml,
    sections: [
      {
        id: 'cdf',
        title: 'Latency CDFs',
        spec: serveCdfSpec(
          { ttft: records.map((x) => x.ttftS), tpot: multi.map((x) => x.tpotS), e2e: records.map((x) => x.e2eS) },
          { ttft: s.slo.ttftS, tpot: s.slo.tpotS, e2e: s.slo.e2eS },
        ),
      },
      {
        id: 'batch',
        title: 'Batch size over time',
        spec: serveTimelineSpec(
          series((p) => p.batch),
          'Sequences per step',
          'sequences',
        ),
        renderer: 'canvas',
      },
      {
        id: 'kv',
        title: 'KV cache use over time',
        spec: serveTimelineSpec(
          series((p) => p.kvBlocksUsed / p.kvBlocksTotal),
          'KV blocks in use / pool',
          'fraction',
        ),
        renderer: 'canvas',
      },
      {
        id: 'queue',
        title: 'Requests in the system over time',
        spec: serveTimelineSpec(
          series((p) => p.inSystem),
          'Requests waiting or running',
          'requests',
        ),
        renderer: 'canvas',
      },
    ],
  });
}
