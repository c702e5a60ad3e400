/**
 * Which simulated ops stand for which traced ops. Without a software stack the engine runs the
 * traced graph's ops as they are (one group per op). Under a stack the engine runs its kernel
 * graph (src/stack/kernel-graph.ts): ops merged into one kernel get the id `a+b+c`, an op split
 * into kernels keeps its id on one and `<id>.<suffix>` on the others, and kernels the stack adds
 * (KV-cache writes) are `<attention id>.<suffix>`. Groups are the connected sets of traced and
 * simulated ops under that naming; a measured time is compared with the simulated sum of its group.
 */

export interface OpGroup {
  /** Indices into the traced graph's ops. */
  traced: number[];
  /** Indices into the run's ops (the kernel graph's, under a stack). */
  simulated: number[];
}

/** The traced op a simulated op id comes from: the id itself, else its longest `.`-prefix that is a traced id. */
function tracedOf(part: string, traced: Map<string, number>): number | undefined {
  let id = part;
  for (;;) {
    const hit = traced.get(id);
    if (hit !== undefined) return hit;
    const dot = id.lastIndexOf('.');
    if (dot <= 0) return undefined;
    id = id.slice(0, dot);
  }
}

export function opGroups(tracedIds: readonly string[], simulatedIds: readonly string[]): OpGroup[] {
  const traced = new Map(tracedIds.map((id, i) => [id, i]));
  // Union-find over traced indices; each simulated op joins the traced ops it names.
  const parent = tracedIds.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const sources = simulatedIds.map((id) => {
    const merged = traced.has(id) ? [id] : id.split('+');
    return [...new Set(merged.map((p) => tracedOf(p, traced)).filter((x): x is number => x !== undefined))];
  });
  for (const s of sources) for (const t of s.slice(1)) parent[find(t)] = find(s[0]!);
  const byRoot = new Map<number, OpGroup>();
  tracedIds.forEach((_, i) => {
    const r = find(i);
    let g = byRoot.get(r);
    if (!g) byRoot.set(r, (g = { traced: [], simulated: [] }));
    g.traced.push(i);
  });
  const unmatched: OpGroup[] = [];
  sources.forEach((s, k) => {
    if (s.length) byRoot.get(find(s[0]!))!.simulated.push(k);
    else unmatched.push({ traced: [], simulated: [k] });
  });
  return [...byRoot.values(), ...unmatched];
}
