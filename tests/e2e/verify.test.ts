// The bundled action, run as the runner runs it, gating a local agent service.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { agentApp, startServer, type ScriptedServer } from '../fixtures/scripted-server.ts';
import { runAction } from '../fixtures/runner.ts';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startServer(
    agentApp({
      version: '1.4.2',
      ready: (n) => (n < 3 ? [503, { ready: false, reason: 'warming up' }] : undefined),
    }),
  );
});
afterAll(() => server.close());

describe('node dist/index.js, mode verify', () => {
  it('passes a healthy service: outputs, summary and report agree', async () => {
    const r = await runAction({
      mode: 'verify',
      url: server.url,
      'expected-version': '1.4.2',
      'smoke-expect': 'pong',
      'max-p99': '2s',
      headers: 'X-Api-Key: k-9f8e7d6c5b4a',
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ result: 'passed', 'deployed-version': '1.4.2' });
    expect(r.summary.split('\n')[0]).toBe(
      `### ✅ slot-release verify: passed — ${server.url} passed every gate serving 1.4.2`,
    );
    expect(r.summary).toMatch(
      /\| ready \(url\) \| ✅ passed \| .+ \| \/healthz and \/readyz passed after 3 attempts/,
    );
    expect(r.summary).toMatch(/\| url \| p99 \| .+ \| 2\.0s \| ✅ \|/);
    expect(r.report).toMatchObject({
      schema: 'slot-release/decision-record@1',
      mode: 'verify',
      result: 'passed',
    });
    expect(r.report.stages.map((s) => s.name)).toEqual([
      'ready (url)',
      'smoke (url)',
      'budget (url)',
    ]);
    expect(r.stdout).toContain('::group::ready (url)');
    // The header value is a secret: masked in the log and absent from every file.
    expect(r.stdout).toContain('::add-mask::k-9f8e7d6c5b4a');
    for (const text of [r.summary, r.reportText]) expect(text).not.toContain('k-9f8e7d6c5b4a');
    expect(server.hits.some((h) => h.headers['x-api-key'] === 'k-9f8e7d6c5b4a')).toBe(true);
  });

  it('fails a wrong build with exit 1, one error annotation and the reason', async () => {
    const r = await runAction({
      mode: 'verify',
      url: server.url,
      'expected-version': '2.0.0',
      'ready-timeout': '3s',
      'request-timeout': '1s',
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.result).toBe('failed');
    expect(r.stdout).toMatch(
      /::error::slot-release verify: failed — .*reports version "1\.4\.2", expected "2\.0\.0"/,
    );
    expect(r.stdout.match(/::error/g)).toHaveLength(1);
    expect(r.summary.split('\n')[0]).toMatch(/^### ❌ slot-release verify: failed — /);
    expect(r.summary).toContain('**Next step:**');
  });

  it('rejects bad input with one message listing every problem, and no stack trace', async () => {
    const r = await runAction({
      mode: 'verify',
      'ready-timeout': 'forever',
      'max-error-rate': 'lots',
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('::error::Invalid inputs (3 problems):');
    expect(r.stdout).toContain('ready-timeout: expected a duration');
    expect(r.stdout).toContain('max-error-rate: expected a percentage');
    expect(r.stdout).toContain('url: is required in verify mode');
    expect(r.stdout).not.toMatch(/\n\s+at /);
    expect(r.summary.split('\n')[0]).toBe(
      '### ❌ slot-release: invalid inputs — nothing was changed in Azure',
    );
    expect(r.summary).toContain('- url: is required in verify mode');
    expect(server.hits.length).toBeGreaterThan(0);
  });
});
