/**
 * PyTorch profiler trace → OpGraphs, one per forward pass (docs/trace-import.md). Pipeline:
 * read events → nest and keep the outermost understood op of each subtree → canonical prims →
 * split into passes → fold patterns → detect each pass's phase → assemble.
 */
import { readTrace, type TraceData } from './trace-read.ts';
import { buildForest, nodeTimeUs, outermost, postOrder, type OpNode } from './nesting.ts';
import { nodeOp, primFromNode } from './aten-map.ts';
import { splitPasses } from './phases.ts';
import { finishImport, type ImportResult } from './finish.ts';
import type { ImportOptions, Prim } from './types.ts';

export function importTrace(file: string, opts: ImportOptions = {}): ImportResult {
  return importTraceData(readTrace(file), file, opts);
}

/** The nodes that are, or hold inside them, an op the importer maps to work (one pass, children first). */
function understoodNodes(roots: OpNode[]): Set<OpNode> {
  const yes = new Set<OpNode>();
  for (const n of postOrder(roots)) if (nodeOp(n) !== 'unknown' || n.children.some((c) => yes.has(c))) yes.add(n);
  return yes;
}

export function importTraceData(trace: TraceData, file: string, opts: ImportOptions = {}): ImportResult {
  const roots = buildForest(trace);
  const understood = understoodNodes(roots);
  const taken = outermost(roots, (n) => (nodeOp(n) === 'unknown' && n.children.some((c) => understood.has(c)) ? 'descend' : 'take'));
  const prims: Prim[] = taken.map((n) => ({ ...primFromNode(n, nodeTimeUs(n, trace.hasKernels)), ts: n.ev.ts }));
  const warnings: string[] = [];
  if (trace.otherThreadOps > 0) warnings.push(`${trace.otherThreadOps} CPU op(s) on other threads were not imported`);
  if (!trace.hasKernels) warnings.push('the trace has no GPU kernels: shares of time are CPU time');
  const compute = prims.filter((p) => p.op !== 'view' && p.op !== 'alloc' && p.op !== 'unknown');
  const segments = splitPasses(compute, trace.annotations);
  return finishImport({ format: 'torch-trace', file, prims, segments, warnings, opts, hasKernels: trace.hasKernels });
}
