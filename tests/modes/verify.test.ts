// verify mode against real local HTTP servers scripted to misbehave: each case asserts the
// verdict (the `result` output) and the reason a person reads.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import * as core from '../fixtures/core.ts';
import { agentApp, startServer, type ScriptedServer } from '../fixtures/scripted-server.ts';
import { runInProcess } from '../fixtures/run-action.ts';

jest.unstable_mockModule('@actions/core', () => core);
const { run } = await import('../../src/main.ts');

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function verify(app: Parameters<typeof agentApp>[0], inputs: Record<string, string> = {}) {
  server = await startServer(agentApp(app));
  return runInProcess(run, {
    mode: 'verify',
    url: server.url,
    'ready-timeout': '3s',
    'request-timeout': '1s',
    'budget-requests': '20',
    ...inputs,
  });
}

describe('verify: a healthy service passes', () => {
  it('passes every gate and reports the version', async () => {
    const { said, report } = await verify(
      { version: 'v7' },
      { 'expected-version': 'v7', 'max-p95': '2s' },
    );
    expect(said.failed).toEqual([]);
    expect(said.outputs).toMatchObject({ result: 'passed', 'deployed-version': 'v7' });
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ['ready (url)', 'passed'],
      ['smoke (url)', 'passed'],
      ['budget (url)', 'passed'],
    ]);
    expect(report.budgets.find((b) => b.metric === 'error rate')).toMatchObject({
      observed: 0,
      limit: 0.01,
      passed: true,
    });
    expect(said.summary.split('\n')[0]).toMatch(
      /^### ✅ slot-release verify: passed — http:\/\/127\.0\.0\.1:\d+ passed every gate serving v7$/,
    );
  });

  it('waits for a slow start, then passes', async () => {
    const { said, report } = await verify({
      health: (n) => (n < 4 ? [503, { status: 'starting' }] : undefined),
    });
    expect(said.outputs.result).toBe('passed');
    expect(report.stages[0]!.evidence.attempts).toBe(4);
  });

  it('rides out readiness that flaps before it settles', async () => {
    const flaps = [200, 503, 200, 503, 503];
    const { said, report } = await verify({
      ready: (n) =>
        n <= flaps.length ? [flaps[n - 1]!, { ready: flaps[n - 1] === 200 }] : undefined,
    });
    // The first 200 passes the gate: readiness is a point-in-time check; the budget covers steadiness.
    expect(said.outputs.result).toBe('passed');
    expect(report.stages[0]!.evidence.attempts).toBe(1);
  });

  it('sends a correlation id and a W3C traceparent with every request', async () => {
    await verify({});
    const hits = server!.hits;
    expect(hits.length).toBeGreaterThan(20);
    const traceIds = new Set<string>();
    for (const h of hits) {
      expect(h.headers['x-correlation-id']).toMatch(/^slot-release-[0-9a-f]{12}-\d+$/);
      const m = /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/.exec(String(h.headers.traceparent));
      expect(m).not.toBeNull();
      traceIds.add(m![1]!);
    }
    expect(traceIds.size).toBe(1);
  });
});

describe('verify: each failure is caught and explained', () => {
  it('readiness never comes: fails after ready-timeout with the last answer', async () => {
    const { said, report } = await verify(
      { ready: () => [503, { ready: false, reason: 'mcp tools not reachable' }] },
      { 'ready-timeout': '1s' },
    );
    expect(said.outputs.result).toBe('failed');
    expect(said.failed[0]).toMatch(
      /was not ready within 1\.0s: \/readyz answered 503 \{"ready":false,"reason":"mcp tools not reachable"\}/,
    );
    expect(report.stages.map((s) => s.status)).toEqual(['failed']);
    expect(report.hint).toMatch(/ready-timeout/);
  });

  it('server errors on health: fails with the status', async () => {
    const { said } = await verify(
      { health: () => [500, { error: 'boom' }] },
      { 'ready-timeout': '1s' },
    );
    expect(said.failed[0]).toMatch(/\/healthz answered 500 \{"error":"boom"\}/);
  });

  it('nothing listening: fails with the network error', async () => {
    const { said } = await runInProcess(run, {
      mode: 'verify',
      url: 'http://127.0.0.1:9',
      'ready-timeout': '1s',
      'request-timeout': '500ms',
    });
    expect(said.outputs.result).toBe('failed');
    expect(said.failed[0]).toMatch(/\/healthz answered ECONNREFUSED/);
  });

  it('a hung endpoint: every request is cut at request-timeout, the wait at ready-timeout', async () => {
    const { said, report } = await verify(
      { delayMs: (path) => (path === '/healthz' ? 30_000 : 0) },
      { 'ready-timeout': '2s', 'request-timeout': '300ms' },
    );
    expect(said.failed[0]).toMatch(
      /was not ready within 2\.0s: \/healthz answered no answer within 300ms/,
    );
    expect(report.stages[0]!.evidence.attempts).toBeGreaterThanOrEqual(2);
  });

  it('wrong version: fails rather than gate the old build', async () => {
    const { said, report } = await verify(
      { version: 'v1' },
      { 'expected-version': 'v2', 'ready-timeout': '1s' },
    );
    expect(said.failed[0]).toMatch(/\/healthz reports version "v1", expected "v2"/);
    expect(report.hint).toMatch(/still serves another build/);
  });

  it('contract break: names the missing fields', async () => {
    const { said, report } = await verify({ agent: () => [200, { result: 'pong' }] });
    expect(said.failed[0]).toMatch(
      /smoke response breaks the agent contract: answer: .*; steps: .*; elapsed_ms: .*; usage: /,
    );
    expect(report.stages.map((s) => s.status)).toEqual(['passed', 'failed']);
  });

  it('agent error status: fails with the status', async () => {
    const { said } = await verify({ agent: () => [502, { error: 'upstream' }] });
    expect(said.failed[0]).toMatch(/smoke call POST \/v1\/agent\/run answered 502/);
  });

  it('expected answer missing: fails with what it said', async () => {
    const { said } = await verify({}, { 'smoke-expect': '/^hello/i' });
    expect(said.failed[0]).toMatch(/answer does not match \/\^hello\/i: "pong"/);
  });

  it('guardrails: steps, tool calls and tokens over their limits are each named', async () => {
    const busy = {
      answer: 'pong',
      steps: Array.from({ length: 6 }, () => ({ tool: 'search', ok: true, ms: 1 })),
      elapsed_ms: 9,
      usage: { model_tokens: 5000, tool_calls: 6 },
    };
    const { said } = await verify(
      { agent: () => [200, busy] },
      { 'max-steps': '4', 'max-tool-calls': '5', 'max-tokens': '1000' },
    );
    expect(said.failed[0]).toContain('took 6 steps, more than max-steps 4');
    expect(said.failed[0]).toContain('made 6 tool calls, more than max-tool-calls 5');
    expect(said.failed[0]).toContain('used 5000 model tokens, more than max-tokens 1000');
  });

  it('an agent that stopped before finishing fails the smoke, whatever it answered', async () => {
    const partial = {
      answer: 'pong (The planner failed; answering from tool results.)',
      steps: [],
      elapsed_ms: 4,
      usage: { model_tokens: 0, tool_calls: 0 },
      stopped: 'planner_error',
    };
    const { said, report } = await verify({ agent: () => [200, partial] });
    expect(said.failed[0]).toContain('smoke stopped before finishing (stopped: "planner_error")');
    expect(report.stages.map((s) => s.status)).toEqual(['passed', 'failed']);
  });

  it('guardrail fails closed when the field it needs is missing', async () => {
    const noUsage = { answer: 'pong', steps: [], elapsed_ms: 1, usage: {} };
    const { said } = await verify({ agent: () => [200, noUsage] }, { 'max-tokens': '1000' });
    expect(said.failed[0]).toContain(
      'response lacks usage.model_tokens, which max-tokens needs (failing closed)',
    );
  });

  it('smoke must exercise a tool when asked to', async () => {
    const noTools = {
      answer: 'pong',
      steps: [],
      elapsed_ms: 1,
      usage: { tool_calls: 0, model_tokens: 3 },
    };
    const { said } = await verify({ agent: () => [200, noTools] }, { 'smoke-min-tool-calls': '1' });
    expect(said.failed[0]).toContain(
      'made 0 successful tool calls, fewer than smoke-min-tool-calls 1',
    );
  });

  it('error budget: a 20% error rate breaks a 5% budget', async () => {
    const { said, report } = await verify(
      { health: (n) => (n > 1 && n % 5 === 0 ? [500, { error: 'flaky' }] : undefined) },
      { 'max-error-rate': '5%' },
    );
    expect(said.failed[0]).toMatch(/budget exceeded on \/healthz: error rate 20% > 5%/);
    expect(report.budgets.find((b) => b.metric === 'error rate')).toMatchObject({
      observed: 0.2,
      passed: false,
    });
  });

  it('latency budget: a slow endpoint breaks max-p95', async () => {
    const { said, report } = await verify(
      { delayMs: (path, n) => (path === '/healthz' && n > 1 ? 120 : 0) },
      { 'max-p95': '50ms', 'budget-requests': '8', 'budget-concurrency': '4' },
    );
    // The observed figure is at least the scripted delay; how far above depends on the machine.
    expect(said.failed[0]).toMatch(/budget exceeded on \/healthz: p95 \d+ms > 50ms/);
    const p95 = report.budgets.find((b) => b.metric === 'p95');
    expect(p95).toMatchObject({ passed: false });
    expect(p95!.observed).toBeGreaterThanOrEqual(110);
  });

  it('the smoke can be the budget target', async () => {
    const { report } = await verify({}, { 'budget-target': 'smoke' });
    expect(report.stages[2]!.evidence.path).toBe('/v1/agent/run');
    expect(server!.hits.filter((h) => h.method === 'POST').length).toBe(21);
  });
});
