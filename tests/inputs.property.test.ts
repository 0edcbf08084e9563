// 1000 random input sets: parsing either succeeds or throws one InputError, never anything
// else; and when the action gets invalid inputs it opens no connection at all.
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import net from 'node:net';
import * as core from './fixtures/core.ts';

jest.unstable_mockModule('@actions/core', () => core);
const { parseInputs, INPUT_NAMES, INPUT_DEFAULTS } = await import('../src/inputs.ts');
const { InputError } = await import('../src/errors.ts');
const { run } = await import('../src/main.ts');

// Values that look like what people type, plus noise, so both branches are exercised.
const plausible: Record<string, string[]> = {
  mode: ['release', 'deploy', 'swap', 'rollback', 'verify', 'cleanup', 'ship', ''],
  url: ['http://127.0.0.1:9', 'https://x.example', 'not a url', ''],
  'ready-timeout': ['90s', '5m', '1m30s', '0', 'soon', '10'],
  'request-timeout': ['10s', '500ms', '2h', 'x'],
  'max-error-rate': ['1%', '0.01', '150%', '5', 'abc'],
  'budget-requests': ['0', '50', '-1', '1e3'],
  'budget-concurrency': ['1', '4', '999', '0'],
  'smoke-input': ['{"input":"ping"}', '{', '[]'],
  'smoke-expect': ['pong', '/po+ng/i', '/(/', ''],
  slot: ['staging', 'pr-12', 'production', 'bad slot'],
  'swap-with-preview': ['true', 'false', 'yes'],
};

// Start from a valid set half of the time so that both outcomes are common.
const validBases = [
  {},
  { mode: 'verify', url: 'http://127.0.0.1:9' },
  {
    mode: 'swap',
    'app-name': 'app',
    'resource-group': 'rg',
    'subscription-id': '00000000-0000-0000-0000-000000000001',
  },
];
const noise = fc.dictionary(
  fc.constantFrom(...INPUT_NAMES),
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom(...Object.values(plausible).flat(), ...Object.values(INPUT_DEFAULTS)),
  ),
  { maxKeys: 6 },
);
const inputSet = fc
  .tuple(fc.constantFrom(...validBases), noise)
  .map(([base, extra]) => ({ ...base, ...extra }) as Record<string, string>);

describe('inputs: property', () => {
  const connects: unknown[] = [];
  const original = net.Socket.prototype.connect;
  beforeAll(() => {
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      connects.push(args[0]);
      return (original as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof original;
  });
  afterAll(() => {
    net.Socket.prototype.connect = original;
  });
  beforeEach(() => core.resetSaid());

  it('never throws anything but one InputError, over 1000 random input sets', () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(inputSet, (raw) => {
        try {
          parseInputs(raw);
          valid++;
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          const problems = (error as InstanceType<typeof InputError>).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const p of problems) expect(p).toMatch(/^[a-z0-9-]+: \S/);
          invalid++;
        }
      }),
      { numRuns: 1000 },
    );
    // Both branches must have been exercised for the property to mean anything.
    expect(valid).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(0);
  });

  it('fails with exit status and no network call when inputs are invalid', async () => {
    const samples = fc.sample(
      inputSet.filter((raw) => {
        try {
          parseInputs(raw);
          return false;
        } catch {
          return true;
        }
      }),
      { numRuns: 200, seed: 42 },
    );
    for (const raw of samples) {
      core.resetSaid();
      const env = Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
      );
      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        await run();
      } finally {
        for (const k of Object.keys(env)) delete process.env[k];
        Object.assign(process.env, saved);
      }
      expect(core.said.failed).toHaveLength(1);
      expect(core.said.failed[0]).toMatch(/^Invalid inputs \(\d+ problems?\):/);
      expect(core.said.outputs.result).toBe('failed');
    }
    expect(connects).toEqual([]);
    // The spy itself works: a real connection attempt is seen.
    const socket = net.connect({ port: 9, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    socket.destroy();
    expect(connects).toHaveLength(1);
  });
});
