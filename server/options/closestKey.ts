/** The known option name nearest to a mistyped one, by edit distance. */

/** Longer keys are cut: the cost is |a|·|b|, and a hostile key could be megabytes long. */
const MAX_KEY = 64;

/** Levenshtein distance (insertions, deletions, substitutions), two rows of memory. */
export function editDistance(a: string, b: string): number {
  const s = a.slice(0, MAX_KEY);
  const t = b.slice(0, MAX_KEY);
  // Typed rows: every index below is within 0..t.length.
  let previous = Int32Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = new Int32Array(t.length + 1);
    current[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const substitution = (previous[j - 1] as number) + (s[i - 1] === t[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[t.length] as number;
}

export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}
