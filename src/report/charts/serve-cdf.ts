/** Serving: the empirical CDF of TTFT, TPOT and end-to-end latency over the requests (one line each). */
import { CONFIG, HEIGHT, VL_SCHEMA, WIDTH, sig6, type VlSpec } from './common.ts';

export function serveCdfSpec(series: Record<string, number[]>, slo: Record<string, number | undefined>): VlSpec {
  const values: { metric: string; seconds: number; fraction: number }[] = [];
  for (const [metric, v] of Object.entries(series)) {
    const s = Float64Array.from(v).sort();
    // At most 500 points per line: evenly spaced ranks (the CDF's shape, not every request).
    const n = s.length;
    const step = Math.max(1, Math.floor(n / 500));
    for (let i = 0; i < n; i += step) values.push({ metric, seconds: sig6(Math.max(s[i]!, 1e-9)), fraction: sig6((i + 1) / n) });
    if (n) values.push({ metric, seconds: sig6(Math.max(s[n - 1]!, 1e-9)), fraction: 1 });
  }
  const rules = Object.entries(slo)
    .filter(([, v]) => v !== undefined)
    .map(([metric, v]) => ({ metric, seconds: v }));
  return {
    $schema: VL_SCHEMA,
    title: { text: 'Latency CDF over requests', subtitle: rules.length ? `dashed: SLO (${rules.map((r) => `${r.metric} ${r.seconds} s`).join(', ')})` : '' },
    width: WIDTH,
    height: HEIGHT / 1.5,
    config: CONFIG,
    layer: [
      {
        name: 'cdf',
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', tooltip: true },
        encoding: {
          x: { field: 'seconds', type: 'quantitative', title: 'seconds', scale: { type: 'log' } },
          y: { field: 'fraction', type: 'quantitative', title: 'fraction of requests', scale: { domain: [0, 1] } },
          color: { field: 'metric', type: 'nominal', title: null },
        },
      },
      ...(rules.length
        ? [
            {
              name: 'slo',
              data: { values: rules },
              mark: { type: 'rule' as const, strokeDash: [4, 4] },
              encoding: { x: { field: 'seconds', type: 'quantitative' as const }, color: { field: 'metric', type: 'nominal' as const } },
            },
          ]
        : []),
    ],
  };
}
