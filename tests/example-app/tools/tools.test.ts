import { describe, expect, it } from '@jest/globals';
import { planTools } from '../../../example-app/src/agent/deterministic-planner.ts';
import { calculate } from '../../../example-app/src/tools/calculator.ts';
import { refuseUrl } from '../../../example-app/src/tools/http-get.ts';
import { lookupTerm } from '../../../example-app/src/tools/reference-data.ts';
import { resolveTimeZone, timeIn } from '../../../example-app/src/tools/time.ts';

describe('calculator', () => {
  it.each([
    ['2+3', 5],
    ['2+3*4', 14],
    ['(2+3)*4', 20],
    ['-2^2', -4],
    ['2^3^2', 512],
    ['7 % 4', 3],
    ['0.1+0.2', 0.3],
    ['10/4', 2.5],
  ])('%s = %d', (expression, result) => expect(calculate(expression)).toBe(result));

  it.each([
    ['1/0', 'division by zero'],
    ['2+', 'unexpected end of expression'],
    ['(2+3', 'missing )'],
    ['process.exit()', 'unexpected "p"'],
    ['', 'empty expression'],
  ])('refuses %j: %s', (expression, message) =>
    expect(() => calculate(expression)).toThrow(message),
  );
});

describe('time', () => {
  it('resolves cities and IANA zones, and nothing else', () => {
    expect(resolveTimeZone('Tokyo')).toBe('Asia/Tokyo');
    expect(resolveTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(resolveTimeZone('Atlantis')).toBeUndefined();
  });

  it('formats the local wall-clock time of an instant', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    expect(timeIn('Asia/Tokyo', now)).toEqual({
      time_zone: 'Asia/Tokyo',
      local: '2026-01-02 12:04:05',
      utc: '2026-01-02T03:04:05.000Z',
    });
  });
});

describe('http_get allow-list', () => {
  const allowed = ['127.0.0.1', 'api.github.com'];
  it('allows listed hosts over http(s)', () => {
    expect(refuseUrl('http://127.0.0.1:8080/x', allowed)).toBeUndefined();
    expect(refuseUrl('https://API.github.com/zen', allowed)).toBeUndefined();
  });
  it.each([
    ['http://169.254.169.254/metadata', 'host 169.254.169.254 is not in the allow-list'],
    [
      'http://api.github.com.evil.example/',
      'host api.github.com.evil.example is not in the allow-list',
    ],
    ['file:///etc/passwd', 'scheme file: is not allowed'],
    ['http://user:pw@127.0.0.1/', 'URLs with credentials are not allowed'],
    ['not a url', 'not a URL: not a url'],
  ])('refuses %s', (url, reason) => expect(refuseUrl(url, allowed)).toBe(reason));
});

describe('lookup', () => {
  it('finds terms by name, plural and containment', () => {
    expect(lookupTerm('sticky settings')?.term).toBe('sticky setting');
    expect(lookupTerm('a swap')?.term).toBe('swap');
    expect(lookupTerm('quantum')).toBeUndefined();
  });
});

describe('deterministic planner', () => {
  it.each([
    ['what time is it in Tokyo', [{ tool: 'time_now', args: { timezone: 'Tokyo' } }]],
    ["what's the time?", [{ tool: 'time_now', args: { timezone: 'UTC' } }]],
    ['calculate 2+3', [{ tool: 'calculator', args: { expression: '2+3' } }]],
    ['what is 6 * 7?', [{ tool: 'calculator', args: { expression: '6 * 7' } }]],
    ['what is a deployment slot?', [{ tool: 'lookup', args: { term: 'a deployment slot' } }]],
    [
      'fetch https://api.github.com/zen.',
      [{ tool: 'http_get', args: { url: 'https://api.github.com/zen' } }],
    ],
    ['hello', []],
  ])('plans %j', (input, calls) => expect(planTools(input)).toEqual(calls));

  it('plans one call per clause', () => {
    expect(
      planTools('time in Paris; calculate 1+1 and then define p99').map((c) => c.tool),
    ).toEqual(['time_now', 'calculator', 'lookup']);
  });
});
