/** Word error rate: (substitutions + deletions + insertions) / reference words, by edit distance. */
export function normaliseWords(text: string): string[] {
  return text.toLowerCase().replace(/<\/?s>|\([^)]*\)/g, ' ').replace(/[^a-z0-9' ]+/g, ' ').split(/\s+/).filter(Boolean);
}

export function wordErrorRate(reference: readonly string[], hypothesis: readonly string[]): { errors: number; words: number; wer: number } {
  const n = reference.length;
  const m = hypothesis.length;
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = [i];
    for (let j = 1; j <= m; j++) {
      const sub = prev[j - 1]! + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
    }
    prev = cur;
  }
  const errors = prev[m]!;
  return { errors, words: n, wer: n === 0 ? (m === 0 ? 0 : 1) : errors / n };
}
