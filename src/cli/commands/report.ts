/**
 * `accelscope report <run.json|sweep.jsonl|quant.json>… -o reports/x.html`: one self-contained
 * offline HTML file. The input kind is read from the file (.jsonl → sweep; JSON with
 * kind "quant-comparison" → quant; other JSON → a run). Several run files make one report whose
 * latency and energy charts put the runs side by side (e.g. prefill and decode).
 */
import type { Argv } from 'yargs';
import { basename } from 'node:path';
import type { Io } from '../io.ts';
import { loadReportInput, renderQuantReport, renderRunReport, renderSweepReport } from '../../report/index.ts';
import { writeFileAtomic } from '../../util/json-file.ts';
import { AccelscopeError } from '../../util/errors.ts';
import { formatBytes } from '../../util/format.ts';
import { assertOutputNotInput } from '../../util/output-path.ts';

export interface ReportArgs {
  inputs: string[];
  out?: string;
  x?: string;
  y?: string;
  maximize?: string[];
  title?: string;
}

export const reportCommand = {
  command: 'report <inputs..>',
  describe: 'write one self-contained offline HTML report of a run, a sweep (.jsonl) or a quant comparison',
  builder: (y: Argv) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        describe: 'run JSON (simulate --json; several allowed), sweep results .jsonl, or quant --json output',
      })
      .option('out', { alias: 'o', type: 'string', describe: 'HTML file to write (string; default reports/<input name>.html)' })
      .option('x', { type: 'string', describe: 'sweeps: objective on the x axis (string; default latencySeconds)' })
      .option('y', { type: 'string', describe: 'sweeps: objective on the y axis (string; default energyPerTokenJ)' })
      .option('maximize', {
        type: 'string',
        array: true,
        describe: 'sweeps: objectives to maximize besides tokensPerSecond and …PerSecond (strings; default none)',
      })
      .option('title', { type: 'string', describe: 'sweeps: report title (string)' }),
  handler: (a: ReportArgs, io: Io): number => {
    if (a.out !== undefined) assertOutputNotInput(a.out, a.inputs, '-o');
    const inputs = a.inputs.map(loadReportInput);
    const first = inputs[0]!;
    // Several runs, or several sweep results files (of one or several specs), make one report.
    if (inputs.length > 1 && new Set(inputs.map((i) => i.kind)).size > 1) {
      const odd = inputs.find((i) => i.kind !== first.kind)!;
      throw new AccelscopeError(
        'bad-flag',
        `one report combines files of one kind (runs, or sweep results); this is a ${odd.kind} file beside a ${first.kind} file`,
        { file: odd.file },
      );
    }
    if (inputs.length > 1 && first.kind === 'quant') throw new AccelscopeError('bad-flag', 'one quant comparison per report', { file: inputs[1]!.file });
    if (first.kind !== 'sweep') {
      const sweepOnly = (['x', 'y', 'maximize', 'title'] as const).filter((k) => a[k] !== undefined);
      if (sweepOnly.length)
        throw new AccelscopeError(
          'bad-flag',
          `${sweepOnly.map((k) => `--${k}`).join(', ')} ${sweepOnly.length > 1 ? 'apply' : 'applies'} only to sweep reports; this is a ${first.kind} file`,
          { file: first.file },
        );
    }
    let html: string;
    if (first.kind === 'sweep')
      // Streamed: each file is read line by line, twice (sweep-report.ts), never whole.
      html = renderSweepReport(
        function* () {
          for (const i of inputs) if (i.kind === 'sweep') yield* i.lines();
        },
        { x: a.x, y: a.y, maximize: a.maximize, title: a.title, file: first.file },
      );
    else if (first.kind === 'quant') html = renderQuantReport(first.data);
    else html = renderRunReport(inputs.flatMap((i) => (i.kind === 'run' ? [i.run] : [])));
    const out = a.out ?? `reports/${basename(first.file).replace(/\.(jsonl|json)$/, '')}.html`;
    assertOutputNotInput(out, a.inputs, '-o');
    writeFileAtomic(out, html);
    io.out(`wrote ${out} (${formatBytes(Buffer.byteLength(html))}, ${first.kind} report)\n`);
    return 0;
  },
};
