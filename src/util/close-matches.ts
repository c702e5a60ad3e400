/** "Did you mean": the candidates closest to a mistyped word (edit distance, then shared prefix). */

/** Levenshtein distance (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Candidates within an edit distance of max(2, ⌊len/3⌋) of `word` (or of one of their leading
 * '-'-separated parts), or containing it (at least 2 characters), closest first, at most `limit`.
 */
export function closeMatches(word: string, candidates: Iterable<string>, limit = 4): string[] {
  const w = word.toLowerCase();
  const budget = Math.max(2, Math.floor(w.length / 3));
  const scored: [string, number][] = [];
  for (const c of new Set(candidates)) {
    const lc = c.toLowerCase();
    // A name also matches by its leading '-'-separated parts: 'h10' is one edit from 'h100-sxm'.
    const heads = lc.split('-').map((_, i, parts) => parts.slice(0, i + 1).join('-'));
    const d = Math.min(...heads.map((h) => editDistance(w, h)));
    if (d <= budget) scored.push([c, d]);
    else if (w.length >= 2 && lc.includes(w)) scored.push([c, budget + 1]);
  }
  return scored
    .sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))
    .slice(0, limit)
    .map(([c]) => c);
}
