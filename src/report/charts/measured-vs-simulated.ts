/**
 * Measured against simulated time, one point per op (trace compare): log–log, coloured by op
 * class, with the line simulated = measured; points below it are ops the model predicts too fast.
 */
import { CONFIG, VL_SCHEMA, WIDTH, HEIGHT, decadeCeil, decadeFloor, sig6, type VlSpec } from './common.ts';
import { classColorScale } from '../palette.ts';
import { vegaLogLabelExpr } from '../../util/format.ts';
import { textField, textOf } from './tooltip-text.ts';

export interface MeasuredSimulatedPoint {
  op: string;
  phase: string;
  cls: string;
  shape: string;
  measuredSeconds: number;
  simulatedSeconds: number;
  errorPct: number;
}

export function measuredVsSimulatedSpec(points: MeasuredSimulatedPoint[]): VlSpec {
  const values = points.map((p) => ({
    ...p,
    measuredSeconds: sig6(p.measuredSeconds),
    simulatedSeconds: sig6(p.simulatedSeconds),
    errorPct: sig6(p.errorPct),
  }));
  const all = values.flatMap((p) => [p.measuredSeconds, p.simulatedSeconds]).filter((v) => v > 0);
  const lo = all.length ? decadeFloor(Math.min(...all)) : 1e-6;
  const hi = all.length ? decadeCeil(Math.max(...all)) : 1e-3;
  const axis = (title: string) => ({ scale: { type: 'log' as const, domain: [lo, hi] }, title, axis: { labelExpr: vegaLogLabelExpr('s') } });
  return {
    $schema: VL_SCHEMA,
    title: 'Simulated against measured time per op',
    description: `measured vs simulated: ${values.length} ops`,
    config: CONFIG,
    width: WIDTH - 120,
    height: HEIGHT,
    layer: [
      {
        data: {
          values: [
            { x: lo, y: lo },
            { x: hi, y: hi },
          ],
        },
        mark: { type: 'line', color: '#888', strokeDash: [4, 3] },
        encoding: { x: { field: 'x', type: 'quantitative', ...axis('measured (s)') }, y: { field: 'y', type: 'quantitative', ...axis('simulated (s)') } },
      },
      {
        name: 'ops',
        data: { values },
        transform: [textOf('measuredSeconds', 's'), textOf('simulatedSeconds', 's')],
        mark: { type: 'point', filled: true, size: 40, tooltip: true },
        encoding: {
          x: { field: 'measuredSeconds', type: 'quantitative', ...axis('measured (s)') },
          y: { field: 'simulatedSeconds', type: 'quantitative', ...axis('simulated (s)') },
          color: { field: 'cls', type: 'nominal', title: 'op class', scale: classColorScale() },
          shape: { field: 'phase', type: 'nominal' },
          tooltip: [
            { field: 'op', type: 'nominal' },
            { field: 'phase', type: 'nominal' },
            { field: 'shape', type: 'nominal' },
            { field: textField('measuredSeconds'), type: 'nominal', title: 'measured' },
            { field: textField('simulatedSeconds'), type: 'nominal', title: 'simulated' },
            { field: 'errorPct', type: 'quantitative', format: '+.1f', title: 'error (%)' },
          ],
        },
      },
    ],
  };
}
