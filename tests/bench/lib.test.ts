// The bench's pure helpers: how repeated measurements are summarised, compared and printed.
// Timings themselves are never asserted in tests; see bench/run.ts.
import { describe, expect, it } from '@jest/globals';
import { splitRelease } from '../../bench/lib/split.ts';
import { median, percentile, ratio, seededRandom, sum } from '../../bench/lib/stats.ts';
import {
  compared,
  formatNumber,
  formatRatio,
  formatTable,
  type Row,
} from '../../bench/lib/table.ts';

describe('median', () => {
  it('is the middle value of an odd count, whatever the order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });
  it('is the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('is NaN for no samples and leaves its input unsorted', () => {
    const samples = [3, 1, 2];
    expect(median([])).toBeNaN();
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('percentile', () => {
  it('is nearest-rank, as the budget gate computes it', () => {
    const samples = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(percentile(samples, 90)).toBe(9);
    expect(percentile(samples, 100)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([], 90)).toBeNaN();
  });
});

describe('ratio', () => {
  it('divides the value by its reference', () => {
    expect(ratio(300, 40)).toBe(7.5);
  });
  it('is NaN when the reference is 0 or either side is not a number', () => {
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(NaN, 1)).toBeNaN();
    expect(ratio(1, Infinity)).toBeNaN();
  });
  it('compared() stores the reference and the ratio on the row', () => {
    const row = compared(
      { group: 'action', name: 'cold start', value: 150, unit: 'ms' },
      { name: 'node -e 0', value: 50 },
    );
    expect(row).toEqual({
      group: 'action',
      name: 'cold start',
      value: 150,
      unit: 'ms',
      reference: { name: 'node -e 0', value: 50, unit: 'ms' },
      ratio: 3,
    });
  });
});

describe('formatting', () => {
  it('numbers keep about three significant digits', () => {
    expect(
      ['1234.4', '123.6', '12.34', '1.234', '0.1234', '7', 'NaN'].map(Number).map(formatNumber),
    ).toEqual(['1234', '124', '12.3', '1.23', '0.123', '7', 'n/a']);
  });
  it('ratios get two decimals, or two significant digits when tiny', () => {
    expect(formatRatio(3)).toBe('3.00×');
    expect(formatRatio(0.0042)).toBe('0.0042×');
    expect(formatRatio(NaN)).toBe('n/a');
    expect(formatRatio(undefined)).toBe('');
  });
  it('the table is Markdown with aligned columns, numbers right-aligned, pipes escaped', () => {
    const rows: Row[] = [
      compared(
        { group: 'action', name: 'cold start', value: 150, unit: 'ms', note: 'a | b' },
        { name: 'node -e 0', value: 50 },
      ),
      { group: 'emulator', name: 'token', value: 1.5, unit: 'ms' },
    ];
    expect(formatTable(rows).split('\n')).toEqual([
      '| name       | value | unit | reference        | ratio | note   |',
      '|------------|------:|------|------------------|------:|--------|',
      '| cold start |   150 | ms   | node -e 0: 50 ms | 3.00× | a \\| b |',
      '| token      |  1.50 | ms   |                  |       |        |',
    ]);
  });
});

describe('seededRandom', () => {
  it('replays the same sequence for the same seed, within [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const drawn = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(drawn);
    expect(drawn.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(drawn[0]);
  });
  it('sum adds up', () => {
    expect(sum([1, 2, 3.5])).toBe(6.5);
    expect(sum([])).toBe(0);
  });
});

describe('splitRelease', () => {
  it("splits the wall time into Azure, the app and ours by the record's stages", () => {
    const stage = (name: string, durationMs: number) => ({ name, status: 'passed', durationMs });
    const split = splitRelease(3000, {
      durationMs: 2600,
      stages: [
        stage('resolve', 100),
        stage('deploy (staging)', 900),
        stage('ready (staging)', 50),
        stage('smoke (staging)', 10),
        stage('budget (staging)', 40),
        stage('settings (staging → production)', 20),
        stage('swap (staging → production)', 1000),
        stage('watch (production)', 0),
        stage('swap back (staging → production)', 300),
      ],
    });
    expect(split).toMatchObject({
      azureMs: 100 + 900 + 20 + 1000 + 300,
      appMs: 50 + 10 + 40,
      otherStagesMs: 0,
      processMs: 400,
      betweenMs: 2600 - 2420,
      oursMs: 3000 - 2420,
    });
    expect(split.processMs + split.betweenMs).toBe(split.oursMs);
  });
});
