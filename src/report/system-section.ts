/**
 * The multi-device part of a run report (runs from `simulate --system`): compute against
 * communication, the pipeline, each stage's time and memory per device, and every kind of
 * collective with its algorithm, count, exposed time and bus bandwidth. Figures are read from
 * the run's `system` block; nothing is computed here beyond sums and ratios.
 */
import type { HtmlSection } from './html.ts';
import { escapeHtml as e } from './html.ts';
import { table } from './summary.ts';
import { formatBytes, formatSeconds } from '../util/units.ts';
import type { SystemBlock } from '../parallel/run-system.ts';

const num = (s: string) => ({ html: e(s), num: true });

export function systemSection(run: { system?: SystemBlock }, id: string, label?: string): HtmlSection | undefined {
  const x = run.system;
  if (!x) return undefined;
  const total = x.computeSeconds + x.communicationSeconds;
  let html = `<p>${e(`${x.name}: ${x.devicesUsed} of ${x.devices} × ${x.device}, ${x.plan.description}${x.plan.pp > 1 ? `, ${x.pipeline.microBatches} micro-batches of ${x.pipeline.microBatchSize}` : ''}.`)}</p>`;
  html += table(
    ['', 'time', 'share'],
    [
      [{ html: '<b>compute</b>' }, num(formatSeconds(x.computeSeconds)), num(`${(100 * (total > 0 ? x.computeSeconds / total : 0)).toFixed(1)}%`)],
      [{ html: '<b>communication</b> (exposed)' }, num(formatSeconds(x.communicationSeconds)), num(`${(100 * x.communicationShare).toFixed(1)}%`)],
      ...(x.plan.pp > 1
        ? [
            [
              { html: '<b>pipeline bubble</b>' },
              num(formatSeconds(x.pipeline.bubbleSeconds)),
              num(`${(100 * x.pipeline.bubbleFraction).toFixed(1)}% of the step`),
            ],
          ]
        : []),
    ],
    `${id}-split`,
  );
  html += table(
    ['stage', 'layers', 'compute', 'communication', 'send', 'memory per device', 'fits'],
    x.stages.map((s) => [
      num(String(s.stage)),
      `${s.layers[0]}–${s.layers[1] - 1}`,
      num(formatSeconds(s.computeSeconds)),
      num(formatSeconds(s.communicationSeconds)),
      num(formatSeconds(s.sendSeconds)),
      num(`${formatBytes(s.memory.totalBytes)} of ${formatBytes(s.memory.capacityBytes)}`),
      s.memory.fits ? 'yes' : 'NO',
    ]),
    `${id}-stages`,
  );
  const kinds = new Map<string, { n: number; exposed: number; algos: Set<string>; bytes: Set<number>; busbw: number }>();
  for (const c of x.collectives) {
    const k = `${c.group} ${c.kind}`;
    const v = kinds.get(k) ?? { n: 0, exposed: 0, algos: new Set(), bytes: new Set(), busbw: 0 };
    v.n++;
    v.exposed += c.exposedSeconds;
    v.algos.add(c.algorithm);
    v.bytes.add(c.bytes);
    v.busbw = Math.max(v.busbw, c.busbwBps);
    kinds.set(k, v);
  }
  html += table(
    ['collective', 'count', 'size', 'algorithm', 'exposed time', 'busbw (nccl-tests)'],
    [...kinds].map(([k, v]) => [
      k,
      num(String(v.n)),
      [...v.bytes].map((b) => formatBytes(b)).join(', '),
      [...v.algos].join(', '),
      num(formatSeconds(v.exposed)),
      num(`${(v.busbw / 1e9).toFixed(1)} GB/s`),
    ]),
    `${id}-collectives`,
  );
  return { id, title: label ? `Compute vs communication — ${label}` : 'Compute vs communication', html };
}
