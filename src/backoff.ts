/**
 * Delays for polls and retries: start small (a fast app is detected fast), grow by `factor`
 * up to `maxMs`, with "equal jitter" so many runners polling one app do not synchronise.
 */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export function backoffDelay(
  attempt: number,
  b: Backoff,
  random: () => number = Math.random,
): number {
  const base = Math.min(b.maxMs, b.initialMs * b.factor ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}
