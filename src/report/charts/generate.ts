/**
 * A generate run's per-step latency: seconds per decode step against the context length it ran
 * at, with TTFT and TPOT in the subtitle when the run reports them.
 */
import { tpotOf, type GenerateSeries } from '../inputs.ts';
import { CONFIG, HEIGHT, VL_SCHEMA, WIDTH, type VlSpec } from './common.ts';
import { formatSeconds } from '../../util/units.ts';
import { vegaLabelExpr } from '../../util/format.ts';

export function generateSpec(g: GenerateSeries): VlSpec {
  const sub = [
    g.ttftSeconds !== undefined ? `TTFT ${formatSeconds(g.ttftSeconds)}` : '',
    tpotOf(g) !== undefined ? `TPOT ${formatSeconds(tpotOf(g)!)} (mean)` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    $schema: VL_SCHEMA,
    title: { text: 'Latency per decode step of a request', subtitle: sub },
    description: `generate: ${g.steps.length} steps`,
    data: { values: g.steps },
    width: WIDTH,
    height: HEIGHT / 2,
    config: CONFIG,
    mark: { type: 'line', point: true, tooltip: true },
    name: 'steps',
    encoding: {
      x: { field: 'context', type: 'quantitative', title: 'context length (tokens)', scale: { zero: false } },
      y: { field: 'seconds', type: 'quantitative', title: 'step latency (s)', axis: { labelExpr: vegaLabelExpr('s') } },
    },
  };
}
