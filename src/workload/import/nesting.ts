/**
 * Nesting of CPU ops. Profiler events of one thread nest by their [ts, ts+dur) intervals: an
 * aten::linear contains aten::t and aten::matmul, which contains aten::mm. The importer keeps
 * the OUTERMOST op it understands and never descends into it, so the linear and the mm inside it
 * count once (de-duplication). An op it does not understand is descended into when something
 * inside it is understood (a wrapper); otherwise it is reported as unknown.
 */
import type { CpuEvent, TraceData } from './trace-read.ts';

export interface OpNode {
  ev: CpuEvent;
  children: OpNode[];
  /** GPU kernel time launched by this op itself (µs). */
  selfGpuUs: number;
}

/** Builds the forest of CPU ops (events sorted by ts, longer first at equal ts). */
export function buildForest(trace: TraceData): OpNode[] {
  const roots: OpNode[] = [];
  const stack: OpNode[] = [];
  for (const ev of trace.cpuOps) {
    while (stack.length && stack[stack.length - 1]!.ev.ts + stack[stack.length - 1]!.ev.dur <= ev.ts) stack.pop();
    const node: OpNode = { ev, children: [], selfGpuUs: ev.externalId !== undefined ? (trace.gpuUsByExternalId.get(ev.externalId) ?? 0) : 0 };
    if (stack.length) stack[stack.length - 1]!.children.push(node);
    else roots.push(node);
    stack.push(node);
  }
  return roots;
}

/**
 * Every node under `roots`, children before their parent. Iterative: a trace may nest ops
 * thousands deep (a recursive walk would overflow the stack).
 */
export function postOrder(roots: OpNode[]): OpNode[] {
  const out: OpNode[] = [];
  const stack: { n: OpNode; next: number }[] = [];
  for (const r of roots) {
    stack.push({ n: r, next: 0 });
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.n.children.length) stack.push({ n: top.n.children[top.next++]!, next: 0 });
      else {
        out.push(top.n);
        stack.pop();
      }
    }
  }
  return out;
}

/** GPU time of an op and everything inside it (µs). */
export function subtreeGpuUs(n: OpNode): number {
  let t = 0;
  for (const m of postOrder([n])) t += m.selfGpuUs;
  return t;
}

/**
 * Time of an op for shares: its GPU kernels (self and nested) when the trace has kernels,
 * else its CPU duration (inclusive of nested ops).
 */
export function nodeTimeUs(n: OpNode, hasKernels: boolean): number {
  return hasKernels ? subtreeGpuUs(n) : n.ev.dur;
}

/**
 * Walks the forest outermost-first. `visit` returns 'take' (keep this node, skip its children),
 * or 'descend' (look inside). Returns the taken nodes in time order.
 */
export function outermost(roots: OpNode[], visit: (n: OpNode) => 'take' | 'descend'): OpNode[] {
  const out: OpNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (visit(n) === 'take') out.push(n);
    else for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}
