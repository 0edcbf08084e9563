import { describe, expect, it } from '@jest/globals';
import { formatDuration, parseDuration } from '../src/duration.ts';

describe('durations', () => {
  it('reads the forms the inputs accept', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('0')).toBe(0);
    for (const bad of ['', '10', '5 minutes', 's', '1m 30s', '-1s'])
      expect(parseDuration(bad)).toBeUndefined();
  });

  it('writes them back readably, without 60s or 1m60s', () => {
    expect(formatDuration(2.46)).toBe('2.5ms');
    expect(formatDuration(999.4)).toBe('999ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(59_600)).toBe('1m');
    expect(formatDuration(119_600)).toBe('2m');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(600_000)).toBe('10m');
  });
});
