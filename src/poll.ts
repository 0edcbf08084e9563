import { backoffDelay, type Backoff } from './backoff.ts';
import { realClock, type Clock } from './clock.ts';

export type PollOutcome<T> =
  | { done: true; value: T }
  /** `retryAfterMs`: the server asked for at least this long before the next attempt. */
  | { done: false; reason: string; retryAfterMs?: number };

export interface PollOptions {
  /** Absolute deadline (clock ms). The poll never runs past it. */
  deadline: number;
  backoff: Backoff;
  /** How often a progress line is emitted while waiting. */
  progressEveryMs?: number;
  onProgress?: (elapsedMs: number, lastReason: string, attempts: number) => void;
  signal?: AbortSignal;
  clock?: Clock;
}

export type PollResult<T> =
  | { ok: true; value: T; attempts: number; elapsedMs: number }
  | { ok: false; reason: string; attempts: number; elapsedMs: number; timedOut: boolean };

/**
 * Calls `check` until it reports done or the deadline passes. `check` gets the time left so
 * each attempt can bound itself by the overall deadline, not only its own timeout.
 */
export async function pollUntil<T>(
  check: (remainingMs: number, attempt: number) => Promise<PollOutcome<T>>,
  options: PollOptions,
): Promise<PollResult<T>> {
  const clock = options.clock ?? realClock;
  const started = clock.now();
  let lastReason = 'not checked yet';
  let lastProgress = started;
  for (let attempt = 1; ; attempt++) {
    const remaining = options.deadline - clock.now();
    if (remaining <= 0 || options.signal?.aborted) {
      return {
        ok: false,
        reason: lastReason,
        attempts: attempt - 1,
        elapsedMs: clock.now() - started,
        timedOut: true,
      };
    }
    const outcome = await check(remaining, attempt);
    if (outcome.done) {
      return {
        ok: true,
        value: outcome.value,
        attempts: attempt,
        elapsedMs: clock.now() - started,
      };
    }
    lastReason = outcome.reason;
    const now = clock.now();
    if (options.onProgress && now - lastProgress >= (options.progressEveryMs ?? 10_000)) {
      lastProgress = now;
      options.onProgress(now - started, lastReason, attempt);
    }
    const wait = Math.min(
      Math.max(backoffDelay(attempt - 1, options.backoff), outcome.retryAfterMs ?? 0),
      options.deadline - now,
    );
    if (wait > 0) {
      try {
        await clock.sleep(wait, options.signal);
      } catch {
        // aborted: the loop head reports the timeout with the last reason
      }
    }
  }
}
