/** One calibration factor as `simulate` and `op` print it: name = value unit [config|default] (source). */
import type { CalibrationUse } from '../hw/model.ts';

export function calibrationLine(c: CalibrationUse): string {
  const unit = c.unit && c.unit !== 'fraction' ? ` ${c.unit}` : '';
  return `${c.name} = ${c.value}${unit}${c.origin ? ` [${c.origin}]` : ''} (${c.source})`;
}
