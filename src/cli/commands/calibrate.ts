/**
 * `accelscope calibrate TRACE… --arch A -o mine.json [--holdout TRACE…] [--fit-phase prefill|decode]
 * [--factors a,b] [--quant Q] [--json]`: fits the arch's calibration factors to the kernel times
 * of profiler traces (src/fidelity/calibrate.ts), prints fit and held-out error before and after,
 * and writes a config that extends the original with the fitted values (calibrated-config.ts).
 */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { loadArch, loadQuant, resolveArchDocument, validateArch } from '../../config/load.ts';
import { deepMerge } from '../../config/merge.ts';
import { readMeasuredPasses, type MeasuredPass } from '../../fidelity/measured-ops.ts';
import { calibrate, type CalibrationResult, type FitQuality } from '../../fidelity/calibrate.ts';
import { calibratedConfigDocument, stackOutputPath, type Provenance } from '../../fidelity/calibrated-config.ts';
import { validateStack } from '../../config/load-stack.ts';
import { AccelscopeError, inArchFile } from '../../util/errors.ts';
import { assertOutputNotInput } from '../../util/output-path.ts';
import { writeFileAtomic } from '../../util/json-file.ts';
import { renderTable } from '../table.ts';
import { formatPercent } from '../../util/format.ts';
import { DEFAULT_QUANT } from '../../quant/scheme.ts';
import { signedPct } from './trace-compare.ts';
import { stackRunOptions } from '../stack-args.ts';

export interface CalibrateArgs {
  traces: string[];
  arch?: string;
  output?: string;
  holdout?: string[];
  'fit-phase'?: string;
  factors?: string;
  quant?: string;
  stack?: string;
  json: boolean;
}

export const calibrateCommand = {
  command: 'calibrate <traces..>',
  describe: "fit the arch's calibration factors to the kernel times of profiler traces; write a config that extends it",
  builder: (y: Argv) =>
    y
      .positional('traces', { type: 'string', array: true, describe: 'PyTorch profiler traces (.json, .json.gz) with GPU kernels' })
      .option('arch', { type: 'string', describe: 'arch config whose factors are fitted (name or path)' })
      .option('output', { alias: 'o', type: 'string', describe: 'the calibrated config to write (extends --arch)' })
      .option('holdout', { type: 'string', array: true, describe: 'traces not fitted, whose error is reported (held out)' })
      .option('fit-phase', { type: 'string', choices: ['prefill', 'decode'], describe: 'fit on the passes of this phase only; the others are held out' })
      .option('factors', { type: 'string', describe: 'comma-separated factors to fit (default: every factor the model uses)' })
      .option('quant', { type: 'string', describe: 'quant scheme of the simulation (default w16a16)' })
      .option('stack', { type: 'string', describe: 'software stack the simulation runs under (pytorch, pytorch-cudagraph …; default none)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the fit as JSON' }),
  handler: (a: CalibrateArgs, io: Io): number => {
    if (!a.arch) throw new AccelscopeError('bad-flag', 'calibrate needs --arch (the arch config whose factors are fitted)');
    if (!a.output) throw new AccelscopeError('bad-flag', 'calibrate needs -o/--output (the calibrated config to write)');
    const holdout = a.holdout ?? [];
    assertOutputNotInput(a.output, [...a.traces, ...holdout, a.arch, a.stack], '-o', a.stack ? [stackOutputPath(a.output)] : []);
    const only =
      a.factors === undefined
        ? undefined
        : a.factors
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    if (only && !only.length) throw new AccelscopeError('bad-flag', '--factors takes comma-separated factor names');
    const arch = loadArch(a.arch);
    const quant = loadQuant(a.quant ?? DEFAULT_QUANT);
    const stack = stackRunOptions(a.stack, arch);
    const load = (files: string[]) => files.flatMap((f) => readMeasuredPasses(f));
    let fitPasses = load(a.traces);
    let heldOut: MeasuredPass[] = load(holdout);
    const phase = a['fit-phase'];
    if (phase) {
      heldOut = [...heldOut, ...fitPasses.filter((p) => p.graph.meta.phase !== phase)];
      fitPasses = fitPasses.filter((p) => p.graph.meta.phase === phase);
      if (!fitPasses.length) throw new AccelscopeError('bad-flag', `--fit-phase ${phase}: the traces have no ${phase} pass`, { file: a.traces[0] });
    }
    const date = new Date().toISOString().slice(0, 10);
    const provenance: Provenance = { traces: a.traces, heldOut: holdout, ...(phase ? { fitPhase: phase } : {}), date };
    const result = inArchFile(a.arch, () =>
      calibrate(fitPasses, heldOut, arch, quant, {
        archFile: a.arch,
        ...stack,
        file: a.traces.join(', '),
        ...(only ? { factors: only } : {}),
        source: `accelscope calibrate ${date}`,
      }),
    );
    // Each written file must load as it will be loaded (extends resolved): checked before writing any.
    const archDoc = calibratedConfigDocument(a.arch, a.output, arch.name, 'arch', result, provenance);
    const stackOut = stackOutputPath(a.output);
    const stackDoc = a.stack && stack.stack ? calibratedConfigDocument(a.stack, stackOut, stack.stack.name, 'stack', result, provenance) : null;
    if (archDoc) {
      const { extends: _e, ...rest } = archDoc;
      validateArch(deepMerge(resolveArchDocument(a.arch), rest), a.output);
    }
    if (stackDoc && a.stack) {
      const { extends: _e, ...rest } = stackDoc;
      validateStack(deepMerge(resolveArchDocument(a.stack), rest), stackOut);
    }
    const written: string[] = [];
    if (archDoc) {
      writeFileAtomic(a.output, JSON.stringify(archDoc, null, 2) + '\n');
      written.push(a.output);
    }
    if (stackDoc) {
      writeFileAtomic(stackOut, JSON.stringify(stackDoc, null, 2) + '\n');
      written.push(stackOut);
    }
    if (a.json) {
      const { arch: _a, ...fit } = result;
      const { stack: _s, ...rest } = fit;
      io.out(
        JSON.stringify(
          { kind: 'calibration', arch: arch.name, archFile: a.arch, ...(a.stack ? { stackFile: a.stack } : {}), outputs: written, ...provenance, ...rest },
          null,
          2,
        ) + '\n',
      );
    } else {
      io.out(renderCalibration(result, arch.name, written));
    }
    return 0;
  },
};

const q = (x: FitQuality) => [x.ops, formatPercent(x.errors.medianAbs), formatPercent(x.errors.p90Abs), signedPct(x.totalError), x.rmsLogError.toFixed(4)];

export function renderCalibration(r: CalibrationResult, archName: string, outputs: string[]): string {
  let s = `calibrate ${archName}: ${r.factors.length} factor(s), ${r.evaluations} evaluations of the fitted passes\n\n`;
  s += renderTable(
    ['factor', 'of', 'before', 'fitted', 'unit', 'range', 'sensitivity', 'note'],
    r.factors.map((f) => [
      f.name,
      f.owner,
      f.before,
      f.value,
      f.unit,
      `[${f.min}, ${f.max}]`,
      f.sensitivity.toFixed(4),
      f.atBound ? `at the ${f.atBound === 'min' ? 'lower' : 'upper'} end` : '',
    ]),
    [0, 1, 4, 5, 7],
  );
  s += '\n';
  const rows: (string | number)[][] = [
    ['fit', 'before', ...q(r.fit.before)],
    ['fit', 'after', ...q(r.fit.after)],
  ];
  if (r.heldOut) rows.push(['held out', 'before', ...q(r.heldOut.before)], ['held out', 'after', ...q(r.heldOut.after)]);
  s += renderTable(['set', 'factors', 'kernels', 'median |err|', 'p90 |err|', 'total', 'RMS log err'], rows, [0, 1]);
  if (!r.heldOut) s += 'held out: none (give --holdout TRACE… or --fit-phase prefill|decode)\n';
  const steps = r.fit.after.steps;
  if (steps)
    s += `steps (GPU wall time, fit): ${steps.map((x) => signedPct(x.error)).join(', ')} after; ${r.fit.before.steps!.map((x) => signedPct(x.error)).join(', ')} before\n`;
  for (const o of outputs) s += `\nwrote ${o} (extends the original; ${o.endsWith('.stack.json') ? '--stack' : 'simulate --arch'} ${o})`;
  s += '\n';
  return s;
}
