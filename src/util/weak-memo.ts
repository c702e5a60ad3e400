/**
 * A two-key memo held only while both key objects live (graphs, arch configs and quant schemes
 * are not mutated once built): `f(a, b)` is computed once per (a, b) pair.
 */
export function weakMemo2<A extends object, B extends object, V>(f: (a: A, b: B) => V): (a: A, b: B) => V {
  const byA = new WeakMap<A, WeakMap<B, V>>();
  return (a, b) => {
    let byB = byA.get(a);
    if (!byB) {
      byB = new WeakMap();
      byA.set(a, byB);
    }
    if (byB.has(b)) return byB.get(b) as V;
    const v = f(a, b);
    byB.set(b, v);
    return v;
  };
}
