/**
 * Quant formats side by side: latency per step and energy per token against the format's
 * numerical error (SQNR in dB, higher is better), one point per (format, arch), labelled with the
 * format. Rows the arch cannot run, and formats with no measured error (the exact reference), are
 * left to the table.
 */
import type { QuantComparison, QuantRow } from '../inputs.ts';
import { CONFIG, VL_SCHEMA, spansDecades, type VlSpec } from './common.ts';
import { vegaLabelExpr, vegaLogLabelExpr } from '../../util/format.ts';
import { textField, textOf } from './tooltip-text.ts';

export function tradeoffRows(q: QuantComparison): QuantRow[] {
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  return q.rows.filter((r) => r.supported && finite(r.sqnrDb) && finite(r.latencySeconds) && finite(r.energyPerTokenJ));
}

export function quantTradeoffSpec(q: QuantComparison): VlSpec {
  const rows = tradeoffRows(q).map((r) => ({ ...r, fitsLabel: r.fits ? 'fits' : 'does not fit' }));
  const panel = (field: 'latencySeconds' | 'energyPerTokenJ', title: string) => {
    const log = spansDecades(
      rows.map((r) => r[field]!),
      1.5,
    );
    const y = {
      field,
      type: 'quantitative' as const,
      title,
      scale: log ? { type: 'log' as const } : { zero: false },
      axis: { labelExpr: (log ? vegaLogLabelExpr : vegaLabelExpr)(field === 'latencySeconds' ? 's' : 'J') },
    };
    const x = { field: 'sqnrDb', type: 'quantitative' as const, title: 'weight SQNR (dB) — higher is more accurate', scale: { zero: false } };
    return {
      width: 320,
      height: 260,
      layer: [
        {
          name: `${field}_points`,
          transform: [textOf(field, field === 'latencySeconds' ? 's' : 'J'), textOf('relError', '')],
          mark: { type: 'point', filled: true, size: 80 },
          encoding: {
            x,
            y,
            color: { field: 'archName', type: 'nominal', title: 'arch' },
            shape: { field: 'fitsLabel', type: 'nominal', title: 'memory', scale: { domain: ['fits', 'does not fit'], range: ['circle', 'cross'] } },
            tooltip: [
              { field: 'format', type: 'nominal' },
              { field: 'archName', type: 'nominal', title: 'arch' },
              { field: 'bitsPerWeight', type: 'quantitative', title: 'bits per weight', format: '.3~f' },
              { field: 'sqnrDb', type: 'quantitative', title: 'SQNR (dB)', format: '.1f' },
              { field: textField('relError'), type: 'nominal', title: 'relative error' },
              { field: textField(field), type: 'nominal', title },
              { field: 'bound', type: 'nominal' },
            ],
          },
        },
        {
          name: `${field}_labels`,
          mark: { type: 'text', align: 'left', dx: 6, fontSize: 10 },
          encoding: { x, y, text: { field: 'format', type: 'nominal' } },
        },
      ],
    };
  };
  return {
    $schema: VL_SCHEMA,
    title: {
      text: `Formats: cost vs accuracy — ${q.model}`,
      subtitle: `${q.phase}, batch ${q.batch}${q.context !== undefined ? `, context ${q.context}` : ''}${q.seq !== undefined ? `, seq ${q.seq}` : ''}`,
    },
    description: `quant tradeoff: ${rows.length} formats`,
    data: { values: rows },
    config: CONFIG,
    hconcat: [panel('latencySeconds', 'latency per step (s)'), panel('energyPerTokenJ', 'energy per token (J/token)')],
  } as VlSpec;
}
