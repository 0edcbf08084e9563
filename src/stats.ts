/** Nearest-rank percentiles (each p in 0..100) of unsorted samples, sorted once; NaN when empty. */
export function percentilesOf(samples: readonly number[], ps: readonly number[]): number[] {
  if (samples.length === 0) return ps.map(() => NaN);
  const sorted = [...samples].sort((a, b) => a - b);
  return ps.map((p) => {
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
  });
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  return percentilesOf(samples, [p])[0]!;
}
