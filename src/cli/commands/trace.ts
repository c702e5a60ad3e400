/**
 * `accelscope trace import <file> -o graph.json`: a PyTorch profiler trace or an ONNX model →
 * OpGraph file(s) that `simulate --graph` runs. One forward pass is written to the -o path;
 * several (a prefill and decode steps) are written beside it as <stem>.<phase>.json, or
 * <stem>.<phase>.<n>.json when a phase repeats. `--phase` keeps one phase only.
 */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { importGraphFile, type ImportFormat } from '../../workload/import/index.ts';
import type { OpGraph } from '../../workload/graph.ts';
import { graphSchema } from '../../config/schemas/graph.ts';
import { validateOrThrow } from '../../config/ajv.ts';
import { writeFileAtomic } from '../../util/json-file.ts';
import { existsSync, statSync } from 'node:fs';
import { AccelscopeError } from '../../util/errors.ts';
import { renderTable } from '../table.ts';
import { formatNumber, formatPercent, formatQuantity as formatSi, formatSeconds } from '../../util/format.ts';
import { opFlops } from '../../workload/ops.ts';
import { assertOutputNotInput } from '../../util/output-path.ts';
import { traceCompare } from './trace-compare.ts';

export interface TraceArgs {
  action: string;
  file: string;
  output?: string;
  strict: boolean;
  /** trace compare: the arch to simulate on, the quant scheme, the report file. */
  arch?: string;
  quant?: string;
  html?: string;
  stack?: string;
  phase?: string;
  name?: string;
  dim?: string[];
  format?: string;
  json: boolean;
}

export function parseDims(list: string[] | undefined): Record<string, number> {
  const dims = Object.create(null) as Record<string, number>; // names come from the user
  for (const d of list ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(d);
    if (!m || Number(m[2]) < 1) throw new AccelscopeError('bad-flag', `--dim must be NAME=VALUE with VALUE a positive integer (got '${d}')`);
    dims[m[1]!] = Number(m[2]);
  }
  return dims;
}

/** Where each graph goes: the -o path for one graph, else <stem>.<phase>[.<n>].json beside it. */
export function outputPaths(output: string, graphs: OpGraph[]): string[] {
  if (graphs.length === 1) return [output];
  const stem = output.replace(/\.json$/i, '');
  const total = new Map<string, number>();
  for (const g of graphs) total.set(g.meta.phase, (total.get(g.meta.phase) ?? 0) + 1);
  const seen = new Map<string, number>();
  return graphs.map((g) => {
    const n = seen.get(g.meta.phase) ?? 0;
    seen.set(g.meta.phase, n + 1);
    return total.get(g.meta.phase)! > 1 ? `${stem}.${g.meta.phase}.${n}.json` : `${stem}.${g.meta.phase}.json`;
  });
}

export const traceCommand = {
  command: 'trace <action> <file>',
  describe:
    'trace import <file> -o graph.json: a PyTorch profiler trace or an ONNX model → OpGraph file(s); trace compare <trace> --arch A: measured vs simulated time per op',
  builder: (y: Argv) =>
    y
      .positional('action', { type: 'string', choices: ['import', 'compare'], describe: 'import | compare' })
      .positional('file', { type: 'string', describe: 'profiler trace (.json, .json.gz) or ONNX model (.onnx)' })
      .option('output', { alias: 'o', type: 'string', describe: 'import: OpGraph JSON to write (several passes: <stem>.<phase>.json); required' })
      .option('strict', { type: 'boolean', default: false, describe: 'fail when an op is not understood (default: list them)' })
      .option('phase', { type: 'string', describe: 'write only the passes of this phase: prefill | decode (default: all)' })
      .option('name', { type: 'string', describe: "the graphs' model name (default: the file's base name)" })
      .option('dim', { type: 'string', array: true, describe: 'ONNX: value of a symbolic dimension, NAME=VALUE (repeatable)' })
      .option('format', { type: 'string', choices: ['trace', 'onnx'], describe: 'input format (default: from the extension / first byte)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the import report (compare: the comparison) as JSON' })
      .option('arch', { type: 'string', describe: 'compare: arch config to simulate the trace on' })
      .option('quant', { type: 'string', describe: 'compare: quant scheme of the simulation (default w16a16)' })
      .option('html', { type: 'string', describe: 'compare: also write an offline HTML report to this file' })
      .option('stack', { type: 'string', describe: 'compare: software stack the simulation runs under (pytorch, pytorch-cudagraph, vllm …; default none)' }),
  handler: (a: TraceArgs, io: Io): number => {
    if (a.action === 'compare')
      return traceCompare(
        {
          file: a.file,
          json: a.json,
          ...(a.arch !== undefined ? { arch: a.arch } : {}),
          ...(a.quant !== undefined ? { quant: a.quant } : {}),
          ...(a.html !== undefined ? { html: a.html } : {}),
          ...(a.stack !== undefined ? { stack: a.stack } : {}),
        },
        io,
      );
    if (a.output === undefined) throw new AccelscopeError('bad-flag', 'trace import needs -o/--output (the OpGraph file to write)');
    for (const f of ['arch', 'quant', 'html', 'stack'] as const)
      if (a[f] !== undefined) throw new AccelscopeError('bad-flag', `--${f} goes with trace compare, not trace import`);
    if (a.phase !== undefined && a.phase !== 'prefill' && a.phase !== 'decode') {
      throw new AccelscopeError('bad-flag', `--phase must be one of prefill, decode (got '${a.phase}')`);
    }
    const output = a.output;
    assertOutputNotInput(output, [a.file], '-o');
    const result = importGraphFile(a.file, {
      strict: a.strict,
      ...(a.name !== undefined ? { name: a.name } : {}),
      dims: parseDims(a.dim),
      ...(a.format ? { format: a.format as ImportFormat } : {}),
    });
    const graphs = a.phase ? result.graphs.filter((g) => g.meta.phase === a.phase) : result.graphs;
    if (!graphs.length) throw new AccelscopeError('bad-flag', `--phase ${a.phase}: the input has no ${a.phase} pass`, { file: a.file });
    if (existsSync(a.output) && statSync(a.output).isDirectory()) {
      throw new AccelscopeError('write-failed', 'is a directory; name the OpGraph file to write (several passes go beside it as <stem>.<phase>.json)', {
        file: a.output,
      });
    }
    const paths = outputPaths(a.output, graphs);
    for (const p of paths) assertOutputNotInput(p, [a.file], '-o');
    // Validate every graph before writing any (no partial output).
    graphs.forEach((g, i) => validateOrThrow(graphSchema, g, paths[i]));
    graphs.forEach((g, i) => writeFileAtomic(paths[i]!, JSON.stringify(g, null, 2) + '\n'));
    const r = result.report;
    if (a.json) {
      io.out(JSON.stringify({ ...r, outputs: graphs.map((g, i) => ({ file: paths[i], phase: g.meta.phase, ops: g.ops.length })) }, null, 2) + '\n');
    } else {
      io.out(renderImport(paths, graphs, r));
    }
    for (const w of r.warnings) io.err(`warning: ${w}\n`);
    return 0;
  },
};

function renderImport(paths: string[], graphs: OpGraph[], r: import('../../workload/import/types.ts').ImportReport): string {
  let s = `${r.format === 'onnx' ? 'ONNX model' : 'profiler trace'} ${r.file}: ${r.passes.length} forward pass(es)\n\n`;
  s += renderTable(
    ['file', 'phase', 'batch', 'tokens', 'kv', 'ops', 'GEMM FLOPs', 'all FLOPs'],
    graphs.map((g, i) => [
      paths[i]!,
      g.meta.phase,
      g.meta.batch,
      g.meta.tokens,
      g.meta.kv.tokens,
      g.ops.length,
      formatSi(g.ops.filter((o) => o.kind === 'gemm').reduce((x, o) => x + opFlops(o), 0)),
      formatSi(g.ops.reduce((x, o) => x + opFlops(o), 0)),
    ]),
  );
  const measured = (us: number) => (us > 0 ? `, ${formatSeconds(us * 1e-6)} ${r.hasKernels ? 'of GPU kernels' : 'CPU'} in the trace` : '');
  const ev = r.passes.map((p) => `  pass ${p.index}: ${p.phase} (${p.evidence}${measured(p.timeUs)})`).join('\n');
  s += `\nphases\n${ev}\n`;
  const pct = (share: number | null) => (share === null ? 'n/a' : formatPercent(share, 2));
  if (r.unknown.length) {
    s += `\nnot understood (not in the graphs; --strict makes this an error)\n`;
    s += renderTable(
      ['op', 'count', 'time µs', '% of time'],
      r.unknown.map((u) => [u.op, u.count, formatNumber(u.timeUs), pct(u.share)]),
    );
  } else {
    s += `\nevery op understood\n`;
  }
  if (r.skipped.length) {
    s += `skipped (no work): ${r.skipped.map((k) => `${k.count} ${k.kind === 'view' ? 'views' : k.kind === 'alloc' ? 'allocations/constants' : 'ops on zero elements'}`).join(', ')}\n`;
  }
  return s;
}
