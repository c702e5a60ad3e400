/** The report library: what `accelscope report`, `simulate --html` and `quant` call. */
export { renderRunReport } from './run-report.ts';
export { renderSweepReport, type SweepReportOptions } from './sweep-report.ts';
export { renderQuantReport } from './quant-report.ts';
export { loadReportInput, parseSweepJsonl, type ReportInput } from './load.ts';
export type { RunInput, SweepLine, QuantComparison, QuantRow, GenerateSeries } from './inputs.ts';
export { writeRunHtml } from './write.ts';
