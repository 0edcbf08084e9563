import { backoffDelay, type Backoff } from './backoff.ts';
import { realClock, type Clock } from './clock.ts';

export interface RetryOptions {
  /** Total attempts, the first included. The retry budget. */
  attempts: number;
  backoff: Backoff;
  /** Return a delay in ms to retry (e.g. from Retry-After), `true` for the backoff delay, `false` to give up. */
  shouldRetry: (error: unknown, attempt: number) => number | boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
  clock?: Clock;
}

/** Runs `fn` until it succeeds, `shouldRetry` says no, or the attempt budget is spent. */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const clock = options.clock ?? realClock;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || options.signal?.aborted) throw error;
      const verdict = options.shouldRetry(error, attempt);
      if (verdict === false) throw error;
      const delay = verdict === true ? backoffDelay(attempt - 1, options.backoff) : verdict;
      options.onRetry?.(error, attempt, delay);
      await clock.sleep(delay, options.signal);
    }
  }
}
