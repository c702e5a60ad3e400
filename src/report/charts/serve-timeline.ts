/** Serving: one quantity of the system over time (batch size, KV-cache use, requests in system), per device. */
import { CONFIG, HEIGHT, VL_SCHEMA, WIDTH, type VlSpec } from './common.ts';

export function serveTimelineSpec(points: { t: number; value: number; device: string }[], title: string, yTitle: string): VlSpec {
  return {
    $schema: VL_SCHEMA,
    title: { text: title },
    width: WIDTH,
    height: HEIGHT / 2,
    config: CONFIG,
    name: 'timeline',
    data: { values: points },
    mark: { type: 'line', interpolate: 'step-after', tooltip: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time (s)' },
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color: { field: 'device', type: 'nominal', title: 'device' },
    },
  };
}
