/**
 * Tooltip text through the one formatter: a vega-lite `calculate` transform that prints a numeric
 * field as formatQuantity does (SI prefix next to the unit, three significant digits), so a tooltip
 * reads `2.32 ms`, never d3's bare `2.319m` (the `~s` format without a unit).
 */
import { vegaFormatExpr } from '../../util/format.ts';

/** The name of the text field `textOf(field)` adds. */
export function textField(field: string): string {
  return `${field}_text`;
}

/** A calculate transform adding `<field>_text`: the field's value formatted with `unit` ('' when the title carries it). */
export function textOf(field: string, unit: string): { calculate: string; as: string } {
  return { calculate: vegaFormatExpr(unit, `datum[${JSON.stringify(field)}]`), as: textField(field) };
}
