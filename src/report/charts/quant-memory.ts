/**
 * Quant formats side by side in memory: weights and KV cache of each format (per arch when the
 * comparison spans several), stacked, in GiB (binary, as DRAM capacity is quoted), with a dashed
 * rule at each arch's device memory capacity when the comparison records it.
 */
import type { QuantComparison } from '../inputs.ts';
import { GiB } from '../../util/units.ts';
import { CONFIG, VL_SCHEMA, WIDTH, type VlSpec } from './common.ts';

export interface QuantMemoryRow {
  row: string;
  format: string;
  component: 'weights' | 'KV cache';
  gib: number;
  fits: string;
}

export function quantMemoryRows(q: QuantComparison): QuantMemoryRow[] {
  const archs = new Set(q.rows.map((r) => r.arch));
  const out: QuantMemoryRow[] = [];
  for (const r of q.rows) {
    if (!r.supported) continue;
    const row = archs.size > 1 ? `${r.format} · ${r.archName}` : r.format;
    const fits = r.fits ? 'fits' : 'does not fit';
    if (r.weightBytes > 0) out.push({ row, format: r.format, component: 'weights', gib: r.weightBytes / GiB, fits });
    if (r.kvBytes > 0) out.push({ row, format: r.format, component: 'KV cache', gib: r.kvBytes / GiB, fits });
  }
  return out;
}

/** One capacity line per distinct (arch, capacity) the comparison records. */
export function capacityRows(q: QuantComparison): { archName: string; gib: number }[] {
  const seen = new Map<string, { archName: string; gib: number }>();
  for (const r of q.rows) if (r.capacityBytes) seen.set(`${r.archName}|${r.capacityBytes}`, { archName: r.archName, gib: r.capacityBytes / GiB });
  return [...seen.values()];
}

export function quantMemorySpec(q: QuantComparison): VlSpec {
  const rows = quantMemoryRows(q);
  const caps = capacityRows(q);
  return {
    $schema: VL_SCHEMA,
    title: 'Memory by format: weights and KV cache',
    description: `quant memory: ${rows.length} bar segments`,
    data: { values: rows },
    width: WIDTH - 120,
    height: { step: 20 },
    config: CONFIG,
    layer: [
      {
        name: 'memory',
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'row', type: 'nominal', title: 'format', sort: null },
          x: { field: 'gib', type: 'quantitative', stack: 'zero', title: 'memory (GiB)' },
          color: { field: 'component', type: 'nominal', title: 'component', scale: { domain: ['weights', 'KV cache'], range: ['#4c78a8', '#f58518'] } },
          // Formats that do not fit are drawn faint (and say so in the tooltip and the table).
          opacity: { condition: { test: "datum.fits === 'fits'", value: 1 }, value: 0.4 },
          tooltip: [
            { field: 'format', type: 'nominal' },
            { field: 'component', type: 'nominal' },
            { field: 'gib', type: 'quantitative', title: 'GiB', format: '.3f' },
            { field: 'fits', type: 'nominal' },
          ],
        },
      },
      ...(caps.length
        ? [
            {
              name: 'capacity',
              data: { values: caps },
              mark: { type: 'rule' as const, color: '#b00', strokeDash: [4, 3], strokeWidth: 1.5 },
              encoding: {
                x: { field: 'gib', type: 'quantitative' as const },
                tooltip: [
                  { field: 'archName', title: 'arch' },
                  { field: 'gib', title: 'capacity (GiB)', format: '.1f' },
                ],
              },
            },
          ]
        : []),
    ],
  };
}
