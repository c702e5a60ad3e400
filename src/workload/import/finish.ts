/**
 * The last stage both importers share: fold each pass's prims into ops, decide its phase,
 * assemble its graph, and account for every framework op that did not become work — views and
 * allocations (skipped, counted), and ops the importer does not understand (listed with counts and
 * share of time; an error under --strict).
 */
import type { OpGraph } from '../graph.ts';
import { AccelscopeError } from '../../util/errors.ts';
import { assemble } from './assemble.ts';
import { foldPrims } from './patterns.ts';
import { detectPhase, type Segment } from './phases.ts';
import type { ImportOptions, ImportReport, Pass, Prim, SkippedEntry, UnknownOpEntry } from './types.ts';

export interface ImportResult {
  graphs: OpGraph[];
  passes: Pass[];
  report: ImportReport;
}

export interface FinishInput {
  format: 'torch-trace' | 'onnx';
  file: string;
  /** Every prim of the input, views and unknowns included (for the report). */
  prims: Prim[];
  segments: Segment[];
  warnings: string[];
  opts: ImportOptions;
  modelType?: string;
  maxPositionEmbeddings?: number;
  hasKernels?: boolean;
}

export function baseName(file: string): string {
  return file
    .replace(/^.*[\\/]/, '')
    .replace(/\.(json|onnx|gz)$/i, '')
    .replace(/\.pt\.trace$/, '');
}

export function finishImport(inp: FinishInput): ImportResult {
  const { format, file, prims, segments, warnings, opts } = inp;
  const unknown: Prim[] = prims.filter((p) => p.op === 'unknown');
  const skipped = new Map<SkippedEntry['kind'], SkippedEntry>();
  const skip = (kind: SkippedEntry['kind'], p: Prim) => {
    const e = skipped.get(kind) ?? { kind, count: 0, timeUs: 0 };
    e.count++;
    e.timeUs += p.timeUs;
    skipped.set(kind, e);
  };
  for (const p of prims) if (p.op === 'view' || p.op === 'alloc') skip(p.op, p);

  const passes: Pass[] = [];
  const graphs: OpGraph[] = [];
  const passTime: number[] = [];
  const model = opts.name ?? baseName(file);
  segments.forEach((seg, index) => {
    const { ops, empty, unmapped } = foldPrims(seg.prims, format);
    for (const p of empty) skip('empty', p);
    unknown.push(...unmapped.map((p) => ({ ...p, name: `${p.name} (shapes not understood)` })));
    const info = detectPhase(ops, seg.annotation);
    if (!info || ops.length === 0) {
      warnings.push(`pass ${index}: no embedding or attention op, so no phase: ${ops.length} op(s) not written`);
      return;
    }
    passes.push({ index, phase: info.phase, phaseEvidence: info.evidence, ops });
    passTime.push(seg.prims.reduce((a, p) => a + p.timeUs, 0));
    graphs.push(
      assemble(ops, info, {
        model,
        modelType: inp.modelType ?? (format === 'onnx' ? 'onnx' : 'torch-trace'),
        ...(inp.maxPositionEmbeddings ? { maxPositionEmbeddings: inp.maxPositionEmbeddings } : {}),
      }),
    );
  });

  const totalTimeUs = prims.reduce((a, p) => a + p.timeUs, 0);
  const byName = new Map<string, UnknownOpEntry>();
  for (const p of unknown) {
    const e = byName.get(p.name) ?? { op: p.name, count: 0, timeUs: 0, share: null };
    e.count++;
    e.timeUs += p.timeUs;
    byName.set(p.name, e);
  }
  const unknownList = [...byName.values()]
    .map((e) => ({ ...e, share: totalTimeUs > 0 ? e.timeUs / totalTimeUs : null }))
    .sort((a, b) => b.timeUs - a.timeUs || b.count - a.count || a.op.localeCompare(b.op));

  const report: ImportReport = {
    format,
    file,
    passes: passes.map((p, i) => ({ index: p.index, phase: p.phase, evidence: p.phaseEvidence, ops: graphs[i]!.ops.length, timeUs: passTime[i]! })),
    unknown: unknownList,
    skipped: [...skipped.values()],
    totalTimeUs,
    hasKernels: inp.hasKernels ?? false,
    warnings,
  };
  if (opts.strict && unknownList.length) {
    const list = unknownList
      .slice(0, 5)
      .map((e) => `${e.op} ×${e.count}${e.share !== null ? ` (${(100 * e.share).toFixed(1)}% of time)` : ''}`)
      .join(', ');
    throw new AccelscopeError('unknown-op', `--strict: ${unknownList.length} op kind(s) not understood: ${list}${unknownList.length > 5 ? ', …' : ''}`, {
      file,
    });
  }
  if (graphs.length === 0) {
    throw new AccelscopeError('unsupported', 'found no forward pass (no embedding or attention op) to import', { file });
  }
  return { graphs, passes, report };
}
