import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { waitUntilReady } from '../src/health.ts';
import type { Clock } from '../src/clock.ts';
import type { HttpClient, Probe, ProbeOptions } from '../src/http.ts';

// A virtual clock: sleeps and request timeouts advance time instantly, so the deadline
// arithmetic is tested exactly instead of racing a real timer.
function virtualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** An app that never answers: each probe uses up its whole timeout, then reports it. */
function hungApp(clock: ReturnType<typeof virtualClock>, seen: number[]): HttpClient {
  return {
    probe: async (url: string, options: ProbeOptions = {}): Promise<Probe> => {
      const timeoutMs = options.timeoutMs ?? 0;
      seen.push(timeoutMs);
      clock.advance(timeoutMs);
      return {
        url,
        method: 'GET',
        status: 0,
        ok: false,
        elapsedMs: timeoutMs,
        body: '',
        error: `no answer within ${timeoutMs}ms`,
        timedOut: true,
        correlationId: 'c',
      };
    },
    close: async () => {},
  };
}

describe('readiness: a hung app is reported by its request-timeout, not by the leftover', () => {
  // No jitter: the backoff waits are then exactly 125 ms and 188 ms.
  const random = jest.spyOn(Math, 'random').mockReturnValue(0);
  afterEach(() => {
    random.mockClear();
  });

  it('the last attempt is cut to the time left, and the reason still names request-timeout', async () => {
    const clock = virtualClock();
    const seen: number[] = [];
    const failure = await waitUntilReady(hungApp(clock, seen), 'http://app', {
      healthPath: '/healthz',
      timeoutMs: 1000,
      requestTimeoutMs: 300,
      clock,
    }).then(
      () => new Error('expected the wait to fail'),
      (error: unknown) => error as Error,
    );

    // 0–300 ms, wait 125, 425–725 ms, wait 188, then only 87 ms are left: cut short.
    expect(seen).toEqual([300, 300, 87]);
    expect(failure.message).toMatch(
      /was not ready within 1\.0s: \/healthz answered no answer within 300ms$/,
    );
  });

  it('when even the first attempt is cut short, that attempt is what gets reported', async () => {
    const clock = virtualClock();
    const seen: number[] = [];
    const failure = await waitUntilReady(hungApp(clock, seen), 'http://app', {
      healthPath: '/healthz',
      timeoutMs: 200,
      requestTimeoutMs: 300,
      clock,
    }).then(
      () => new Error('expected the wait to fail'),
      (error: unknown) => error as Error,
    );
    expect(seen).toEqual([200]);
    expect(failure.message).toMatch(/answered no answer within 200ms$/);
  });
});
