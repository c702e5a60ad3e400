/** The closest of a few valid names to a misspelt one (edit distance), for "did you mean" hints. */

/** Levenshtein distance (insert, delete, substitute: 1 each), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[t.length] ?? 0;
}

/** The valid name nearest to `name`, if it is within a third of the name's length (else none). */
export function closestName(name: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(name, v);
    if (d < bestD) {
      best = v;
      bestD = d;
    }
  }
  return bestD <= Math.max(2, Math.ceil(name.length / 3)) ? best : undefined;
}
