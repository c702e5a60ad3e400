/**
 * No import cycles under src/: neither between files nor between folders. madge reads the import
 * graph (type-only imports included: a type cycle still ties two layers together); folder
 * cycles are checked at every depth, a file directly in a folder counting as its own node at the
 * depths below it (so hw/registry.ts may import hw/gpu-tensor-core/ which imports hw/model.ts).
 */
import { describe, expect, it } from 'vitest';
import madge from 'madge';
import { join } from 'node:path';
import { ROOT } from '../helpers.ts';

type Graph = Record<string, string[]>;

/** Every elementary cycle found by a depth-first search, as 'a > b > a' strings (deduplicated by rotation). */
export function findCycles(g: Graph): string[] {
  const out = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of g[n] ?? []) {
      if (state.get(m) === 'open') {
        const cyc = stack.slice(stack.indexOf(m));
        const k = cyc.indexOf([...cyc].sort()[0]!);
        const rot = [...cyc.slice(k), ...cyc.slice(0, k)];
        out.add([...rot, rot[0]].join(' > '));
      } else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of Object.keys(g).sort()) if (!state.has(n)) visit(n);
  return [...out];
}

/** The graph between the path prefixes of `depth` segments (a shallower file is its own node). */
export function folderGraph(files: Graph, depth: number): Graph {
  const node = (f: string) => f.split('/').slice(0, depth).join('/');
  const g: Graph = {};
  for (const [f, deps] of Object.entries(files)) {
    const a = node(f);
    for (const d of deps) {
      const b = node(d);
      if (a === b) continue;
      const out = (g[a] ??= []);
      if (!out.includes(b)) out.push(b);
    }
  }
  return g;
}

describe('import cycles', () => {
  it('findCycles finds a folder cycle and ignores a chain (the check itself can fail)', () => {
    const files = { 'a/x.ts': ['b/y.ts'], 'b/y.ts': ['c/z.ts'], 'c/z.ts': ['a/w.ts'], 'a/w.ts': [] };
    expect(findCycles(files)).toEqual([]);
    expect(findCycles(folderGraph(files, 1))).toEqual(['a > b > c > a']);
    expect(findCycles(folderGraph({ 'a/x.ts': ['a/y.ts'], 'a/y.ts': [] }, 1))).toEqual([]);
  });

  it('none between files or folders under src/', async () => {
    const res = await madge(join(ROOT, 'src'), { fileExtensions: ['ts'] });
    const files = res.obj();
    expect(Object.keys(files).length).toBeGreaterThan(100);
    expect(res.circular(), 'file cycles').toEqual([]);
    const maxDepth = Math.max(...Object.keys(files).map((f) => f.split('/').length));
    for (let d = 1; d < maxDepth; d++) expect(findCycles(folderGraph(files, d)), `folder cycles at depth ${d}`).toEqual([]);
  }, 120_000);
});
