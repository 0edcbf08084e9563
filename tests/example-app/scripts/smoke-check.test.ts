import { describe, expect, it } from '@jest/globals';
import { smokeCheck } from '../../../example-app/scripts/smoke-check.ts';
import { closedPort, startTestApp } from '../fixtures.ts';

async function checksAgainst(env: Record<string, string>, expectedVersion?: string) {
  const app = await startTestApp(env);
  try {
    return Object.fromEntries(
      (await smokeCheck(app.url, { expectedVersion })).map((c) => [c.name, c]),
    );
  } finally {
    await app.close();
  }
}

describe('smokeCheck (scripts/smoke.ts)', () => {
  it('passes every check against a healthy app', async () => {
    const checks = await checksAgainst({}, 'test-1');
    expect(Object.values(checks).map((c) => [c.name, c.ok])).toEqual([
      ['healthz', true],
      ['readyz', true],
      ['smoke ping', true],
      ['smoke tool call', true],
    ]);
    expect(checks['smoke tool call']!.detail).toMatch(/^2\+3 = 5\. \(1 step, \d+ ms\)$/);
  });

  it('catches a version that is not the expected one', async () => {
    const checks = await checksAgainst({}, 'other');
    expect(checks.healthz).toEqual({
      name: 'healthz',
      ok: false,
      detail: 'version test-1, expected other',
    });
  });

  it('catches a broken contract (REHEARSAL_BREAK_CONTRACT)', async () => {
    const checks = await checksAgainst({ REHEARSAL_BREAK_CONTRACT: 'true' });
    expect(checks['smoke ping']!.ok).toBe(false);
    expect(checks['smoke ping']!.detail).toMatch(/^contract broken: /);
  });

  it('catches failed readiness (REHEARSAL_FAIL_READY)', async () => {
    const checks = await checksAgainst({ REHEARSAL_FAIL_READY: 'true' });
    expect(checks.readyz!.ok).toBe(false);
    expect(checks.readyz!.detail).toContain('REHEARSAL_FAIL_READY');
  });

  it('reports an unreachable app as failed checks, without throwing', async () => {
    const checks = await smokeCheck(`http://127.0.0.1:${await closedPort()}`, { timeoutMs: 2000 });
    expect(checks.map((c) => c.ok)).toEqual([false, false, false, false]);
  });
});
