/**
 * `accelscope trace compare TRACE --arch A [--quant Q] [--html F] [--json]`: measured against
 * simulated time per op of a PyTorch profiler trace (src/fidelity/trace-compare.ts). Text: the
 * passes, the ops grouped by name over layers, the ten ops that differ most and the error
 * statistics; `--json` the whole comparison; `--html` an offline report.
 */
import type { Io } from '../io.ts';
import { loadArch, loadQuant } from '../../config/load.ts';
import { readMeasuredPasses } from '../../fidelity/measured-ops.ts';
import { compareTrace, type TraceComparison } from '../../fidelity/trace-compare.ts';
import { AccelscopeError, inArchFile } from '../../util/errors.ts';
import { assertOutputNotInput } from '../../util/output-path.ts';
import { renderTable } from '../table.ts';
import { formatPercent, formatSeconds } from '../../util/format.ts';
import { calibrationLine } from '../calibration-line.ts';
import { writeTraceCompareHtml } from '../../report/trace-compare-report.ts';
import { DEFAULT_QUANT } from '../../quant/scheme.ts';
import { stackRunOptions } from '../stack-args.ts';

export interface TraceCompareArgs {
  file: string;
  arch?: string;
  quant?: string;
  html?: string;
  stack?: string;
  json: boolean;
}

export function traceCompare(a: TraceCompareArgs, io: Io): number {
  if (!a.arch) throw new AccelscopeError('bad-flag', 'trace compare needs --arch (the arch config to simulate the trace on)');
  if (a.html) assertOutputNotInput(a.html, [a.file, a.arch], '--html');
  const arch = loadArch(a.arch);
  const quant = loadQuant(a.quant ?? DEFAULT_QUANT);
  const passes = readMeasuredPasses(a.file);
  const stack = stackRunOptions(a.stack, arch);
  const cmp = inArchFile(a.arch, () => compareTrace(passes, arch, quant, { archFile: a.arch, ...stack }));
  if (cmp.errors.n === 0) throw new AccelscopeError('unsupported', 'no imported op has a GPU kernel under it: nothing to compare', { file: a.file });
  io.out(a.json ? JSON.stringify(cmp, null, 2) + '\n' : renderTraceComparison(cmp));
  if (a.html) writeTraceCompareHtml(a.html, cmp, io);
  return 0;
}

/** Signed error as a percentage: +12.3% (the model is slow), −4.0% (fast), n/a when unmeasured. */
export function signedPct(e: number | null): string {
  if (e === null || !Number.isFinite(e)) return 'n/a';
  return `${e >= 0 ? '+' : '−'}${formatPercent(Math.abs(e))}`;
}

export function renderTraceComparison(c: TraceComparison): string {
  let s = `trace compare: ${c.traces.join(', ')} on ${c.arch.name} [${c.arch.kind}], ${c.quant}${c.stack ? `, stack ${c.stack}` : ''}\n`;
  s += 'error = simulated / measured − 1 (negative: the model is fast); measured = GPU kernels launched under the op\n\n';
  s += renderTable(
    ['pass', 'phase', 'batch', 'tokens', 'measured', 'simulated', 'error', 'ops', 'median |err|', 'p90 |err|', 'GPU wall', 'step', 'step error'],
    c.passes.map((p) => [
      p.index,
      p.phase,
      p.batch,
      p.tokens,
      formatSeconds(p.measuredSeconds),
      formatSeconds(p.simulatedSeconds),
      signedPct(p.error),
      p.errors.n,
      formatPercent(p.errors.medianAbs),
      formatPercent(p.errors.p90Abs),
      p.wallSeconds !== undefined ? formatSeconds(p.wallSeconds) : 'n/a',
      formatSeconds(p.stepSeconds),
      signedPct(p.stepError),
    ]),
    [1],
  );
  s +=
    'measured/simulated: Σ kernel time of the compared ops; GPU wall: first kernel start to last kernel end of the pass (idle gaps included); step: the simulated step (under a stack with its gaps and host time)\n';
  s += '\nops by name (summed over layers)\n';
  s += renderTable(
    ['phase', 'op', 'ops', 'measured', 'simulated', 'error'],
    c.groups.map((g) => [g.phase, g.name, g.ops, formatSeconds(g.measuredSeconds), formatSeconds(g.simulatedSeconds), signedPct(g.error)]),
    [0, 1],
  );
  s += `\nthe ${c.top.length} ops that differ most (|simulated − measured|)\n`;
  s += renderTable(
    ['pass', 'op', 'shape', 'measured', 'simulated', 'error', 'bound'],
    c.top.map((o) => [`${o.pass} ${o.phase}`, o.id, o.shape, formatSeconds(o.measuredSeconds), formatSeconds(o.simulatedSeconds), signedPct(o.error), o.bound]),
    [0, 1, 2, 6],
  );
  const e = c.errors;
  s += `\nerror over ${e.n} measured ops: median |error| ${formatPercent(e.medianAbs)}, p90 ${formatPercent(e.p90Abs)}, max ${formatPercent(e.maxAbs)}; median signed ${signedPct(e.medianSigned)}\n`;
  s += `totals: measured ${formatSeconds(c.totals.measuredSeconds)}, simulated ${formatSeconds(c.totals.simulatedSeconds)} (${signedPct(c.totals.error)})`;
  if (c.totals.unmeasuredOps) s += `; ${c.totals.unmeasuredOps} op(s) with no kernel measured (not in the totals)`;
  if (c.totals.unplacedSeconds > 0) s += `; ${formatSeconds(c.totals.unplacedSeconds)} of kernels under ops not imported (in neither total)`;
  s += '\n';
  if (c.calibration.length) s += `\ncalibration\n${c.calibration.map((u) => `  ${calibrationLine(u)}`).join('\n')}\n`;
  return s;
}
