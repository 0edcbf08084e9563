import { describe, expect, it } from '@jest/globals';
import { pollUntil } from '../src/poll.ts';

describe('pollUntil: a bounded wait', () => {
  it('waits at least what the server asked for (Retry-After), never past the deadline', async () => {
    let now = 0;
    const slept: number[] = [];
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
    };
    const result = await pollUntil(
      async (_left, attempt) =>
        attempt < 3
          ? { done: false, reason: 'busy', retryAfterMs: 4000 }
          : { done: true, value: 'ok' },
      { deadline: 6000, backoff: { initialMs: 10, maxMs: 10, factor: 1 }, clock },
    );
    // 4 s as asked, then only the 2 s left before the deadline: the third attempt never runs.
    expect(slept).toEqual([4000, 2000]);
    expect(result).toMatchObject({ ok: false, reason: 'busy', attempts: 2 });
  });
});
